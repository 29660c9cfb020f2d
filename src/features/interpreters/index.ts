import { ApiError } from "../../lib/api-error";
import { createRouter } from "../../lib/create-router";
import { auditInterpreterReads } from "../privacy/read-audit";
import * as routes from "./interpreters.routes";

const CSV_CONTENT_TYPE = /^(text\/csv|text\/plain|application\/csv)(\s*;.*)?$/i;

export const interpretersRouter = createRouter()
  // Registered before /{id} routes so "import" is never taken for an id.
  .openapi(routes.importInterpretersRoute, async (c) => {
    if (!CSV_CONTENT_TYPE.test(c.req.header("content-type") ?? "")) {
      throw new ApiError("UNSUPPORTED_MEDIA_TYPE", "Send the file with 'Content-Type: text/csv'.");
    }
    const result = await c
      .get("services")
      .interpreterImport.importCsv(await c.req.text(), { dryRun: c.req.valid("query").dryRun === "true" });
    return c.json(result, 200);
  })
  .openapi(routes.createInterpreterRoute, async (c) =>
    c.json(await c.get("services").interpreters.create(c.get("actor"), c.req.valid("json")), 201),
  )
  // Phone and IBAN shown to a key are recorded in each person's history (src/features/privacy).
  .openapi(routes.listInterpretersRoute, async (c) =>
    c.json(await auditInterpreterReads(c, await c.get("services").interpreters.list(c.get("actor"), c.req.valid("query"))), 200),
  )
  .openapi(routes.getInterpreterRoute, async (c) =>
    c.json(await auditInterpreterReads(c, await c.get("services").interpreters.get(c.get("actor"), c.req.valid("param").id)), 200),
  )
  .openapi(routes.updateInterpreterRoute, async (c) => {
    const input = c.req.valid("json");
    const updated = await c.get("services").interpreters.update(c.get("actor"), c.req.valid("param").id, input);
    // Fields the caller just sent are not a read; the rest of what the answer shows is.
    return c.json(await auditInterpreterReads(c, updated, Object.keys(input)), 200);
  });
