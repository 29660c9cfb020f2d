import { z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/create-router";
import { defineRoute, jsonContent } from "../../lib/define-route";

const HealthSchema = z
  .object({
    status: z.enum(["ok", "unavailable"]),
    database: z.object({ kind: z.enum(["embedded", "postgres"]), ok: z.boolean() }),
  })
  .openapi("Health");

const healthRoute = defineRoute({
  method: "get",
  path: "/healthz",
  tags: ["Health"],
  summary: "Health check, including the database",
  roles: "public",
  responses: {
    200: jsonContent(HealthSchema, "The service and its database answer"),
    503: jsonContent(HealthSchema, "The database does not answer"),
  },
});

const PING_TIMEOUT_MS = 3_000;

export const healthRouter = createRouter().openapi(healthRoute, async (c) => {
  const { db } = c.get("deps");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ok = await Promise.race([
    db.ping().then(() => true, () => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  const body = { status: ok ? ("ok" as const) : ("unavailable" as const), database: { kind: db.kind, ok } };
  return ok ? c.json(body, 200) : c.json(body, 503);
});
