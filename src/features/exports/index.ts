import { z } from "@hono/zod-openapi";
import { ApiError } from "../../lib/api-error";
import { IdParamSchema, TimestampSchema, isoDateTime } from "../../lib/common-schemas";
import { createRouter } from "../../lib/create-router";
import { defineRoute, jsonBody, jsonContent } from "../../lib/define-route";
import { PageQuerySchema, pageSchema } from "../../lib/pagination";
import { auditBatchIbanReads } from "../privacy/read-audit";
import { EXPORT_FILES, exportFiles, streamOf, type ExportFile } from "./export-files";

const tags = ["Finance exports"];
const roles = ["coordinator", "finance"] as const;

const BatchSchema = z
  .object({
    id: z.string(),
    status: z.enum(["exported", "voided", "paid"]),
    upTo: TimestampSchema.nullable(),
    organisationId: z.string().nullable(),
    allowanceCount: z.number().int(),
    totalCents: z.number().int(),
    createdAt: TimestampSchema,
    paidAt: TimestampSchema.nullable(),
    voidedAt: TimestampSchema.nullable(),
    files: z.array(z.string()),
  })
  .openapi("ExportBatch");

const BatchDetailSchema = BatchSchema.extend({
  sepaSkipped: z.array(z.object({ interpreterId: z.string(), name: z.string(), amountCents: z.number().int(), reason: z.string() })).openapi({
    description: "Interpreters the SEPA file leaves out (no valid IBAN): pay them another way",
  }),
}).openapi("ExportBatchDetail");

const createRoute = defineRoute({
  method: "post",
  path: "/v1/exports",
  tags,
  summary: "Export all approved allowances not yet exported into a new batch",
  description: "Atomic; simultaneous calls never put one allowance into two batches. Nothing to export → 409 (no empty batch is created).",
  roles,
  errors: [409],
  request: {
    body: {
      ...jsonBody(
        z.strictObject({
          upTo: isoDateTime().optional().openapi({ description: "Only jobs up to this time" }),
          organisationId: z.string().max(100).optional().openapi({ description: "Only this organisation's allowances" }),
        }).openapi("CreateExport"),
      ),
      required: false,
    },
  },
  responses: { 201: jsonContent(BatchSchema, "The new batch") },
});

const listRoute = defineRoute({
  method: "get",
  path: "/v1/exports",
  tags,
  summary: "Export batches",
  roles,
  request: { query: PageQuerySchema },
  responses: { 200: jsonContent(pageSchema(BatchSchema, "ExportBatchPage"), "A page of batches") },
});

const getRoute = defineRoute({
  method: "get",
  path: "/v1/exports/{id}",
  tags,
  summary: "One export batch",
  roles,
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(BatchDetailSchema, "The batch") },
});

const voidRoute = defineRoute({
  method: "post",
  path: "/v1/exports/{id}/void",
  tags,
  summary: "Void a batch before it is paid; its allowances can be exported again",
  roles,
  errors: [409],
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(BatchSchema, "The voided batch") },
});

const paidRoute = defineRoute({
  method: "post",
  path: "/v1/exports/{id}/paid",
  tags,
  summary: "Mark a batch (and its allowances) paid",
  roles,
  errors: [409],
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(BatchSchema, "The paid batch") },
});

const fileRoute = defineRoute({
  method: "get",
  path: "/v1/exports/{id}/{file}",
  tags,
  summary: "A file of a batch, streamed",
  description:
    "`allowances.csv` (one row per allowance), `summary.csv` (per interpreter, with year to date and cap flag), `recharge.csv` (per organisation and cost centre): semicolons, decimal comma, UTF-8 with BOM for German Excel. `datev.csv`: DATEV EXTF Buchungsstapel in Windows-1252 (DATEV_* accounts). `sepa.xml`: a pain.001.001.09 credit transfer of each interpreter's total (needs SEPA_DEBTOR_IBAN).",
  roles,
  errors: [409],
  request: { params: IdParamSchema.extend({ file: z.enum(EXPORT_FILES).openapi({ param: { name: "file", in: "path" } }) }) },
  responses: { 200: { description: "The file", content: { "text/csv": { schema: z.string() }, "application/xml": { schema: z.string() } } } },
});

export const exportsRouter = createRouter()
  .openapi(createRoute, async (c) => c.json(await c.get("services").exports.create(c.get("actor"), c.req.valid("json") ?? {}), 201))
  .openapi(listRoute, async (c) => c.json(await c.get("services").exports.list(c.req.valid("query")), 200))
  .openapi(getRoute, async (c) => c.json(await c.get("services").exports.get(c.req.valid("param").id), 200))
  .openapi(voidRoute, async (c) => c.json(await c.get("services").exports.void(c.req.valid("param").id), 200))
  .openapi(paidRoute, async (c) => c.json(await c.get("services").exports.markPaid(c.req.valid("param").id), 200))
  .openapi(fileRoute, async (c) => {
    const { id, file } = c.req.valid("param");
    const deps = c.get("deps");
    const batch = await c.get("services").exports.findBatch(id);
    if (batch.status === "voided") throw new ApiError("CONFLICT", "The batch was voided; its allowances are no longer in it.");
    const { chunks, contentType, encoding } = exportFiles(deps).file(batch, file as ExportFile);
    // The first chunk is made before answering, so a problem (e.g. no SEPA account) is a proper error.
    const iterator = chunks[Symbol.asyncIterator]();
    const first = await iterator.next();
    // These files list IBANs: the read is recorded for everyone in the batch who has one.
    if (file === "allowances.csv" || file === "summary.csv" || file === "sepa.xml") {
      // If that fails, the file's generator is ended here: it may hold a connection (a cursor).
      await auditBatchIbanReads(c, batch.id).catch(async (error: unknown) => {
        await iterator.return?.();
        throw error;
      });
    }
    async function* rest() {
      try {
        if (first.done) return;
        yield first.value;
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      } finally {
        // A download broken off ends the file's generator too (its reads stop).
        await iterator.return?.();
      }
    }
    return new Response(streamOf(rest(), encoding), {
      status: 200,
      headers: { "content-type": contentType, "content-disposition": `attachment; filename="${id.slice(0, 8)}-${file}"`, "x-request-id": c.get("requestId") },
    }) as never;
  });
