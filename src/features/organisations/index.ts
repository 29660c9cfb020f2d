import { createRouter } from "../../lib/create-router";
import * as routes from "./organisations.routes";

export const organisationsRouter = createRouter()
  .openapi(routes.createOrganisationRoute, async (c) =>
    c.json(await c.get("services").organisations.create(c.req.valid("json")), 201),
  )
  .openapi(routes.listOrganisationsRoute, async (c) =>
    c.json(await c.get("services").organisations.list(c.get("actor"), c.req.valid("query")), 200),
  )
  .openapi(routes.getOrganisationRoute, async (c) =>
    c.json(await c.get("services").organisations.get(c.get("actor"), c.req.valid("param").id), 200),
  )
  .openapi(routes.updateOrganisationRoute, async (c) =>
    c.json(
      await c.get("services").organisations.update(c.get("actor"), c.req.valid("param").id, c.req.valid("json")),
      200,
    ),
  )
  .openapi(routes.deleteOrganisationRoute, async (c) => {
    await c.get("services").organisations.remove(c.get("actor"), c.req.valid("param").id);
    return c.body(null, 204);
  });
