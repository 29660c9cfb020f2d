import { z } from "@hono/zod-openapi";
import { IdParamSchema, TimestampSchema, text } from "../../lib/common-schemas";
import { createRouter } from "../../lib/create-router";
import { defineRoute, jsonBody, jsonContent } from "../../lib/define-route";
import { PageQuerySchema, pageSchema } from "../../lib/pagination";

const STATUSES = ["pending", "approved", "exported", "paid", "rejected"] as const;
const tags = ["Allowances"];

const BreakdownLineSchema = z
  .object({
    kind: z.string().openapi({ example: "base" }),
    description: z.string().openapi({ example: "Pauschale" }),
    quantity: z.number(),
    unitCents: z.number().int(),
    amountCents: z.number().int(),
  })
  .openapi("AllowanceLine");

const AllowanceSchema = z
  .object({
    id: z.string(),
    bookingId: z.string(),
    bookingCode: z.string(),
    interpreterId: z.string(),
    organisationId: z.string(),
    outcome: z.string().openapi({ example: "done" }),
    serviceDate: TimestampSchema,
    year: z.number().int(),
    amountCents: z.number().int().openapi({ example: 2000 }),
    breakdown: z.array(BreakdownLineSchema),
    status: z.enum(STATUSES),
    rejectionReason: z.string().nullable(),
    decidedAt: TimestampSchema.nullable(),
    exportBatchId: z.string().nullable(),
    createdAt: TimestampSchema,
  })
  .openapi("Allowance");

const year = z.coerce.number().int().min(2000).max(2100);

const listRoute = defineRoute({
  method: "get",
  path: "/v1/allowances",
  tags,
  summary: "Expense allowances",
  description: "Requester keys see their own organisation's allowances only.",
  roles: ["coordinator", "finance", "requester"],
  request: {
    query: PageQuerySchema.extend({
      status: z.enum(STATUSES).optional(),
      year: year.optional(),
      interpreterId: z.string().max(100).optional(),
      organisationId: z.string().max(100).optional(),
    }),
  },
  responses: { 200: jsonContent(pageSchema(AllowanceSchema, "AllowancePage"), "A page of allowances") },
});

const approveRoute = defineRoute({
  method: "post",
  path: "/v1/allowances/{id}/approve",
  tags,
  summary: "Approve a pending allowance (ALLOWANCE_APPROVAL=coordinator)",
  roles: ["coordinator"],
  errors: [409],
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(AllowanceSchema, "The approved allowance") },
});

const rejectRoute = defineRoute({
  method: "post",
  path: "/v1/allowances/{id}/reject",
  tags,
  summary: "Reject a pending allowance with a reason",
  roles: ["coordinator"],
  errors: [409],
  request: { params: IdParamSchema, body: jsonBody(z.strictObject({ reason: text(500) }).openapi("RejectAllowance")) },
  responses: { 200: jsonContent(AllowanceSchema, "The rejected allowance") },
});

const SummarySchema = z
  .object({
    interpreterId: z.string(),
    year: z.number().int(),
    totalCents: z.number().int().openapi({ description: "Everything not rejected" }),
    capCents: z.number().int().nullable().openapi({ description: "The tax-free Ehrenamtspauschale of the year (ALLOWANCE_YEARLY_CAPS)" }),
    shareOfCap: z.number().nullable(),
    overCap: z.boolean(),
    byStatus: z.record(z.string(), z.object({ count: z.number().int(), amountCents: z.number().int() })),
  })
  .openapi("AllowanceSummary");

const summaryRoute = defineRoute({
  method: "get",
  path: "/v1/interpreters/{id}/allowance-summary",
  tags,
  summary: "An interpreter's allowances of a year against the tax-free cap",
  roles: ["coordinator", "finance"],
  request: { params: IdParamSchema, query: z.object({ year }) },
  responses: { 200: jsonContent(SummarySchema, "The year's totals") },
});

const CapEntrySchema = z.object({ interpreterId: z.string(), name: z.string(), totalCents: z.number().int() });

const capRoute = defineRoute({
  method: "get",
  path: "/v1/allowances/yearly-cap",
  tags,
  summary: "Interpreters approaching (over 80 %) or passing the year's tax-free cap",
  roles: ["coordinator", "finance"],
  request: { query: z.object({ year }) },
  responses: {
    200: jsonContent(
      z.object({ year: z.number().int(), capCents: z.number().int().nullable(), above80Percent: z.array(CapEntrySchema), above100Percent: z.array(CapEntrySchema) }).openapi("YearlyCapReport"),
      "Who approaches or passes the cap",
    ),
  },
});

export const allowancesRouter = createRouter()
  .openapi(capRoute, async (c) => c.json(await c.get("services").allowances.capReport(c.req.valid("query").year), 200))
  .openapi(listRoute, async (c) => c.json(await c.get("services").allowances.list(c.get("actor"), c.req.valid("query")), 200))
  .openapi(approveRoute, async (c) => c.json(await c.get("services").allowances.approve(c.get("actor"), c.req.valid("param").id), 200))
  .openapi(rejectRoute, async (c) =>
    c.json(await c.get("services").allowances.reject(c.get("actor"), c.req.valid("param").id, c.req.valid("json").reason), 200),
  )
  .openapi(summaryRoute, async (c) => c.json(await c.get("services").allowances.summary(c.req.valid("param").id, c.req.valid("query").year), 200));
