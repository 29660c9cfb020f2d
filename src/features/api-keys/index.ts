import { createRouter } from "../../lib/create-router";
import * as routes from "./api-keys.routes";

export const apiKeysRouter = createRouter()
  .openapi(routes.createApiKeyRoute, async (c) =>
    c.json(await c.get("services").apiKeys.create(c.req.valid("json"), c.get("actor")), 201),
  )
  .openapi(routes.listApiKeysRoute, async (c) => c.json(await c.get("services").apiKeys.list(c.req.valid("query")), 200))
  .openapi(routes.revokeApiKeyRoute, async (c) =>
    c.json(await c.get("services").apiKeys.revoke(c.req.valid("param").id), 200),
  );
