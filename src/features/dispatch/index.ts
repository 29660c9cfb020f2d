import { z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/create-router";
import { defineRoute, jsonContent } from "../../lib/define-route";

const TickResultSchema = z.object({ unfilled: z.number().int() }).openapi("DispatchTickResult");

const tickRoute = defineRoute({
  method: "post",
  path: "/v1/dispatch/tick",
  tags: ["Dispatch"],
  summary: "Run the dispatch tick now",
  description: "The service runs it every DISPATCH_INTERVAL_SECONDS by itself; this runs it on demand. Safe to run from several instances at once.",
  roles: ["coordinator"],
  responses: { 200: jsonContent(TickResultSchema, "What the tick changed") },
});

export const dispatchRouter = createRouter().openapi(tickRoute, async (c) => c.json(await c.get("services").dispatch.tick(), 200));
