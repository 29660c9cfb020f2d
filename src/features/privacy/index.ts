import { IdParamSchema } from "../../lib/common-schemas";
import { createRouter } from "../../lib/create-router";
import { defineRoute, jsonContent } from "../../lib/define-route";
import { PageQuerySchema } from "../../lib/pagination";
import { DataExportSchema, ErasureResultSchema, InterpreterHistoryPageSchema } from "./privacy.schemas";
import { auditReads, type AuditedField } from "./read-audit";

const tags = ["Data protection"];

const eraseRoute = defineRoute({
  method: "delete",
  path: "/v1/interpreters/{id}",
  tags,
  summary: "Erase an interpreter (right to erasure)",
  description: [
    "Removes the person's personal data for good: name and phone are replaced by a pseudonym (`Gelöscht (P-…)`), email, IBAN, postcode, gender, languages, trainings, availability, absences, blocks and the calendar link are deleted, and the text and number of every SMS to or from the person are removed.",
    "Allowances stay with the pseudonym for accounting (8 years). Future assignments go back to the pool (open, `needsAttention`), pending offers are withdrawn, and the person is never contacted or matched again.",
    "409 CONFLICT with `details.reason`: `already_erased`; `unpaid_allowances` (pay or reject them first: paying needs the IBAN); `open_assignments` (close out assignments that have started).",
  ].join(" "),
  roles: ["coordinator"],
  errors: [409],
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(ErasureResultSchema, "The pseudonym and what was given back to the pool") },
});

const exportRoute = defineRoute({
  method: "get",
  path: "/v1/interpreters/{id}/data-export",
  tags,
  summary: "Everything stored about an interpreter (access request), as a JSON file",
  description:
    "Registry entry (with phone and IBAN), languages, trainings, availability, absences, blocks, offers, SMS to and from the person, bookings they were assigned (with history), allowances and the person's history. The read is recorded in the history.",
  roles: ["coordinator"],
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(DataExportSchema, "The export (Content-Disposition: attachment)") },
});

const historyRoute = defineRoute({
  method: "get",
  path: "/v1/interpreters/{id}/history",
  tags,
  summary: "An interpreter's history: who read phone or IBAN when, erasure, SMS opt-out",
  roles: ["coordinator"],
  request: { params: IdParamSchema, query: PageQuerySchema },
  responses: { 200: jsonContent(InterpreterHistoryPageSchema, "A page of events, oldest first") },
});

export const privacyRouter = createRouter()
  .openapi(eraseRoute, async (c) => c.json(await c.get("services").privacy.erase(c.get("actor"), c.req.valid("param").id), 200))
  .openapi(exportRoute, async (c) => {
    const { id } = c.req.valid("param");
    const data = await c.get("services").privacy.exportData(c.get("actor"), id);
    const shown: AuditedField[] = "phone" in data.interpreter ? ["phone", ...(data.interpreter.iban ? (["iban"] as const) : [])] : [];
    await auditReads(c, [{ interpreterId: id, fields: shown }]);
    c.header("Content-Disposition", `attachment; filename="interpreter-${id.slice(0, 8)}-data-export.json"`);
    return c.json(data, 200);
  })
  .openapi(historyRoute, async (c) => c.json(await c.get("services").privacy.history(c.req.valid("param").id, c.req.valid("query")), 200));
