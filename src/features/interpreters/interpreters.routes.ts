import { z } from "@hono/zod-openapi";
import { IdParamSchema } from "../../lib/common-schemas";
import { defineRoute, jsonBody, jsonContent } from "../../lib/define-route";
import {
  CreateInterpreterSchema,
  InterpreterPageSchema,
  InterpreterSchema,
  ListInterpretersQuerySchema,
  UpdateInterpreterSchema,
} from "./interpreters.schemas";
import { ErasedInterpreterSchema } from "../privacy/privacy.schemas";

const tags = ["Interpreters"];
const readers = ["coordinator", "finance"] as const;

export const createInterpreterRoute = defineRoute({
  method: "post",
  path: "/v1/interpreters",
  tags,
  summary: "Register an interpreter",
  roles: ["coordinator"],
  errors: [409],
  request: { body: jsonBody(CreateInterpreterSchema) },
  responses: { 201: jsonContent(InterpreterSchema, "The new interpreter") },
});

export const listInterpretersRoute = defineRoute({
  method: "get",
  path: "/v1/interpreters",
  tags,
  summary: "List interpreters",
  roles: readers,
  request: { query: ListInterpretersQuerySchema },
  responses: { 200: jsonContent(InterpreterPageSchema, "A page of interpreters") },
});

export const getInterpreterRoute = defineRoute({
  method: "get",
  path: "/v1/interpreters/{id}",
  tags,
  summary: "Read an interpreter",
  description: "Reading phone or IBAN is recorded in the interpreter's history. An erased person shows only `id`, `pseudonym` and `erasedAt`.",
  roles: readers,
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(z.union([InterpreterSchema, ErasedInterpreterSchema]), "The interpreter") },
});

export const updateInterpreterRoute = defineRoute({
  method: "patch",
  path: "/v1/interpreters/{id}",
  tags,
  summary: "Change an interpreter",
  description: "Lists (`languages`, `trainings`, `modes`) are replaced as a whole. Set `active: false` to take someone out of dispatch.",
  roles: ["coordinator"],
  errors: [409],
  request: { params: IdParamSchema, body: jsonBody(UpdateInterpreterSchema) },
  responses: { 200: jsonContent(InterpreterSchema, "The changed interpreter") },
});

export const ImportResultSchema = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    rows: z.array(z.object({ row: z.number().int(), id: z.string(), action: z.enum(["created", "updated"]) })),
  })
  .openapi("InterpreterImportResult");

export const importInterpretersRoute = defineRoute({
  method: "post",
  path: "/v1/interpreters/import",
  tags,
  summary: "Import interpreters from CSV (all rows or none)",
  description: [
    "Send the file as `text/csv` (`;` or `,` separated, UTF-8, header line). Columns: name, phone, languages (required);",
    "email, gender, qualification, trainings, modes, homePostcode, maxTravelKm, maxAssignmentsPerMonth, iban, smsConsent, active.",
    "`languages`: `ar (levantinisch): native, de: fluent`; `modes`: `onsite|phone`; `trainings`: `Grundkurs (2026-03-14) | Trauma (2026-05-02)`;",
    "yes/no cells: ja/nein. A phone number already registered updates that person with the file's columns.",
    "Any problem rejects the whole file with 422 and `details` listing each problem with `row` (line in the file) and field.",
    "409 with `details.reason` `erased` (or `changed`) when a person the file updates was erased (or got another number) while the file was being imported: nothing is imported; import it again.",
  ].join(" "),
  roles: ["coordinator"],
  errors: [400, 409, 413, 415],
  request: {
    query: z.object({ dryRun: z.enum(["true", "false"]).optional().openapi({ description: "Only check the file" }) }),
    body: { required: true, content: { "text/csv": { schema: z.string().openapi({ example: "name;phone;languages\nAmina Haddad;0151 23456789;ar (levantinisch): native" }) } } },
  },
  responses: { 200: jsonContent(ImportResultSchema, "What was created and updated") },
});
