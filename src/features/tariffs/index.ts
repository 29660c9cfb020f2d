import { z } from "@hono/zod-openapi";
import type { Prisma } from "../../generated/prisma/client";
import { validationError } from "../../lib/api-error";
import { TimestampSchema, isoDate } from "../../lib/common-schemas";
import { createRouter } from "../../lib/create-router";
import { defineRoute, jsonBody, jsonContent } from "../../lib/define-route";
import { isUuid } from "../../lib/pagination";
import { ORGANISATION_KINDS } from "../organisations/organisations.schemas";
import { DEFAULT_TARIFF, toDomainTariff } from "./tariffs.store";

const cents = z.number().int().min(0).max(1_000_000);
const minutes = z.number().int().min(1).max(24 * 60);

const ModelSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("flat"), amountCents: cents.openapi({ example: 2000 }) }),
    z.strictObject({
      kind: z.literal("block"),
      firstBlockMinutes: minutes.openapi({ example: 60 }),
      firstBlockCents: cents.openapi({ example: 2500 }),
      incrementMinutes: minutes.openapi({ example: 30 }),
      incrementCents: cents.openapi({ example: 500 }),
      capAfterMinutes: minutes.optional(),
    }),
    z.strictObject({ kind: z.literal("hourly"), centsPerHour: cents.openapi({ example: 1500 }), roundingMinutes: minutes.openapi({ example: 15 }) }),
  ])
  .openapi("TariffModel", { description: "flat per assignment; a first block plus started increments; or hourly per started unit" });

const LateCancellationSchema = z
  .strictObject({
    hours: z.number().min(0).max(24 * 14).openapi({ description: "Cancelled less than this before the start counts as late", example: 24 }),
    pay: z.discriminatedUnion("kind", [
      z.strictObject({ kind: z.literal("none") }),
      z.strictObject({ kind: z.literal("amount"), amountCents: cents }),
      z.strictObject({ kind: z.literal("base"), minutes: minutes.optional().openapi({ description: "Pay the model's amount for these minutes (default: the booked time)" }) }),
    ]),
  })
  .openapi("LateCancellationRule");

const TariffInputSchema = z
  .strictObject({
    validFrom: isoDate().openapi({ description: "Applies to jobs starting on or after this local date", example: "2026-01-01" }),
    organisationKind: z.enum(ORGANISATION_KINDS).optional(),
    organisationId: z.string().max(100).optional(),
    model: ModelSchema,
    travelCentsPerKm: cents.nullable().default(null).openapi({ example: 30 }),
    lateCancellation: LateCancellationSchema.default({ hours: 24, pay: { kind: "base" } }),
  })
  .openapi("TariffInput");

const TariffSchema = z
  .object({
    id: z.string(),
    validFrom: z.string(),
    organisationKind: z.enum(ORGANISATION_KINDS).nullable(),
    organisationId: z.string().nullable(),
    model: ModelSchema,
    travelCentsPerKm: z.number().int().nullable(),
    lateCancellation: LateCancellationSchema,
    createdAt: TimestampSchema.nullable(),
  })
  .openapi("Tariff");

const TariffListSchema = z.object({ items: z.array(TariffSchema), usingDefault: z.boolean() }).openapi("TariffList");

const tags = ["Allowances"];

const getTariffsRoute = defineRoute({
  method: "get",
  path: "/v1/tariffs",
  tags,
  summary: "The allowance tariffs",
  description: "Without configured tariffs the default applies: a flat 2000 cents per assignment (Düren), late cancellations (< 24 h) paid like the job.",
  roles: ["coordinator", "finance"],
  responses: { 200: jsonContent(TariffListSchema, "All tariffs, oldest first") },
});

const putTariffsRoute = defineRoute({
  method: "put",
  path: "/v1/tariffs",
  tags,
  summary: "Replace the allowance tariffs",
  description:
    "The whole list, each effective from a local date, optionally for one organisation kind or organisation (the most specific wins; within one scope the latest date). A change applies to jobs starting on or after its date; allowances already computed keep their amounts.",
  roles: ["coordinator"],
  request: { body: jsonBody(z.object({ tariffs: z.array(TariffInputSchema).min(1).max(200) }).openapi("TariffsInput")) },
  responses: { 200: jsonContent(TariffListSchema, "The stored tariffs") },
});

type TariffRow = Prisma.TariffGetPayload<object>;
const toView = (row: TariffRow) => {
  const tariff = toDomainTariff(row);
  return {
    id: row.id,
    validFrom: tariff.validFrom,
    organisationKind: row.organisationKind,
    organisationId: row.organisationId,
    model: tariff.model as z.infer<typeof ModelSchema>,
    travelCentsPerKm: row.travelCentsPerKm,
    lateCancellation: tariff.lateCancellation as z.infer<typeof LateCancellationSchema>,
    createdAt: row.createdAt.toISOString(),
  };
};

const defaultView = () => ({
  id: DEFAULT_TARIFF.id,
  validFrom: DEFAULT_TARIFF.validFrom,
  organisationKind: null,
  organisationId: null,
  model: DEFAULT_TARIFF.model as z.infer<typeof ModelSchema>,
  travelCentsPerKm: null,
  lateCancellation: DEFAULT_TARIFF.lateCancellation as z.infer<typeof LateCancellationSchema>,
  createdAt: null,
});

export const tariffsRouter = createRouter()
  .openapi(getTariffsRoute, async (c) => {
    const rows = await c.get("deps").db.prisma.tariff.findMany({ orderBy: [{ validFrom: "asc" }, { id: "asc" }] });
    return c.json(rows.length === 0 ? { items: [defaultView()], usingDefault: true } : { items: rows.map(toView), usingDefault: false }, 200);
  })
  .openapi(putTariffsRoute, async (c) => {
    const { tariffs } = c.req.valid("json");
    const { db, clock } = c.get("deps");
    const ids = [...new Set(tariffs.flatMap((tariff) => (tariff.organisationId ? [tariff.organisationId] : [])))];
    const known = new Set((await db.prisma.organisation.findMany({ where: { id: { in: ids.filter(isUuid) } }, select: { id: true } })).map((row) => row.id));
    const problems = tariffs.flatMap((tariff, index) =>
      tariff.organisationId !== undefined && !known.has(tariff.organisationId)
        ? [{ path: ["tariffs", index, "organisationId"], message: "Unknown organisation", in: "body" }]
        : tariff.organisationId && tariff.organisationKind
          ? [{ path: ["tariffs", index], message: "Give organisationId or organisationKind, not both", in: "body" }]
          : [],
    );
    if (problems.length > 0) throw validationError("Some tariffs are invalid.", problems);
    const now = clock.now();
    const actor = c.get("actor");
    const rows = await db.prisma.$transaction(async (tx) => {
      await tx.tariff.deleteMany({});
      for (const tariff of tariffs) {
        await tx.tariff.create({
          data: {
            validFrom: new Date(`${tariff.validFrom}T00:00:00Z`),
            organisationKind: tariff.organisationKind ?? null,
            organisationId: tariff.organisationId ?? null,
            model: tariff.model as unknown as Prisma.InputJsonValue,
            travelCentsPerKm: tariff.travelCentsPerKm,
            lateCancellationHours: tariff.lateCancellation.hours,
            lateCancellationPay: tariff.lateCancellation.pay as unknown as Prisma.InputJsonValue,
            createdByKeyId: actor.keyId,
            createdAt: now,
          },
        });
      }
      return tx.tariff.findMany({ orderBy: [{ validFrom: "asc" }, { id: "asc" }] });
    });
    return c.json({ items: rows.map(toView), usingDefault: false }, 200);
  });
