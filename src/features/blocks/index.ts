import { z } from "@hono/zod-openapi";
import type { Actor } from "../../auth/actor";
import { PRISMA_UNIQUE_VIOLATION, prismaErrorCode, type Database } from "../../db/database";
import type { InterpreterBlock } from "../../generated/prisma/client";
import { ApiError, validationError } from "../../lib/api-error";
import { IdParamSchema, TimestampSchema, text } from "../../lib/common-schemas";
import { createRouter } from "../../lib/create-router";
import { defineRoute, jsonBody, jsonContent } from "../../lib/define-route";
import { isUuid } from "../../lib/pagination";
import { lockLiveInterpreter, requireInterpreter } from "../interpreters/interpreters.service";

const CreateBlockSchema = z
  .strictObject({
    organisationId: z.string().max(100),
    reason: text(500).openapi({ example: "Beschwerde der Einrichtung vom 12.10." }),
  })
  .openapi("CreateInterpreterBlock");

const BlockSchema = z
  .object({ interpreterId: z.string(), organisationId: z.string(), reason: z.string(), createdAt: TimestampSchema })
  .openapi("InterpreterBlock");

const toView = (row: InterpreterBlock) => ({
  interpreterId: row.interpreterId,
  organisationId: row.organisationId,
  reason: row.reason,
  createdAt: row.createdAt.toISOString(),
});

/** Coordinators can keep an interpreter away from one organisation; matching then excludes them there. */
export function createBlockService(db: Database) {
  const { prisma } = db;
  return {
    /** Under the person's row lock, so a block (and its reason) never lands on a person erased meanwhile. */
    async create(actor: Actor, interpreterId: string, input: z.infer<typeof CreateBlockSchema>) {
      return prisma.$transaction(async (tx) => {
        await lockLiveInterpreter(tx, interpreterId);
        if (!isUuid(input.organisationId) || !(await tx.organisation.findUnique({ where: { id: input.organisationId } }))) {
          throw validationError(`No organisation with id ${input.organisationId}.`, [
            { path: ["organisationId"], message: "Unknown organisation", code: "unknown_reference", in: "body" },
          ]);
        }
        return toView(await tx.interpreterBlock.create({ data: { interpreterId, ...input, createdByKeyId: actor.keyId } }));
      }).catch((error: unknown) => {
        // A second block of the same organisation: the unique key answers (the transaction is over).
        if (prismaErrorCode(error) === PRISMA_UNIQUE_VIOLATION) throw new ApiError("CONFLICT", "This interpreter is already blocked for this organisation.");
        throw error;
      });
    },
    async list(interpreterId: string) {
      await requireInterpreter(db, interpreterId);
      const rows = await prisma.interpreterBlock.findMany({ where: { interpreterId }, orderBy: { id: "asc" } });
      return { items: rows.map(toView), nextCursor: null };
    },
    async remove(interpreterId: string, organisationId: string) {
      const deleted = isUuid(interpreterId) && isUuid(organisationId)
        ? await prisma.interpreterBlock.deleteMany({ where: { interpreterId, organisationId } })
        : { count: 0 };
      if (deleted.count === 0) throw new ApiError("NOT_FOUND", "No such block.");
    },
  };
}

export type BlockService = ReturnType<typeof createBlockService>;

const tags = ["Interpreters"];

const createBlockRoute = defineRoute({
  method: "post",
  path: "/v1/interpreters/{id}/blocks",
  tags,
  summary: "Block an interpreter for an organisation",
  description: "Matching and assignment then exclude the interpreter for that organisation's bookings.",
  roles: ["coordinator"],
  errors: [409],
  request: { params: IdParamSchema, body: jsonBody(CreateBlockSchema) },
  responses: { 201: jsonContent(BlockSchema, "The block") },
});

const listBlocksRoute = defineRoute({
  method: "get",
  path: "/v1/interpreters/{id}/blocks",
  tags,
  summary: "List an interpreter's blocks",
  roles: ["coordinator"],
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(z.object({ items: z.array(BlockSchema), nextCursor: z.null() }), "All blocks of the interpreter") },
});

const deleteBlockRoute = defineRoute({
  method: "delete",
  path: "/v1/interpreters/{id}/blocks/{organisationId}",
  tags,
  summary: "Lift a block",
  roles: ["coordinator"],
  request: { params: IdParamSchema.extend({ organisationId: z.string().max(100).openapi({ param: { name: "organisationId", in: "path" } }) }) },
  responses: { 204: { description: "Lifted" } },
});

export const blocksRouter = createRouter()
  .openapi(createBlockRoute, async (c) =>
    c.json(await c.get("services").blocks.create(c.get("actor"), c.req.valid("param").id, c.req.valid("json")), 201),
  )
  .openapi(listBlocksRoute, async (c) => c.json(await c.get("services").blocks.list(c.req.valid("param").id), 200))
  .openapi(deleteBlockRoute, async (c) => {
    const { id, organisationId } = c.req.valid("param");
    await c.get("services").blocks.remove(id, organisationId);
    return c.body(null, 204);
  });
