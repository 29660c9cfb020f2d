import { IdParamSchema } from "../../lib/common-schemas";
import { createRouter } from "../../lib/create-router";
import { defineRoute, jsonBody, jsonContent } from "../../lib/define-route";
import { AvailabilitySchema, AvailabilityViewSchema } from "./availability.schemas";

const tags = ["Availability"];

const putAvailabilityRoute = defineRoute({
  method: "put",
  path: "/v1/interpreters/{id}/availability",
  tags,
  summary: "Set an interpreter's weekly availability and absences",
  description: "Weekly slots in local time (Europe/Berlin; 1 = Monday; `to` may be 24:00), absences as inclusive dates. Replaces both lists. 409 (`details.reason: \"erased\"`) for an erased person.",
  roles: ["coordinator"],
  errors: [409],
  request: { params: IdParamSchema, body: jsonBody(AvailabilitySchema) },
  responses: { 200: jsonContent(AvailabilityViewSchema, "The stored availability") },
});

const getAvailabilityRoute = defineRoute({
  method: "get",
  path: "/v1/interpreters/{id}/availability",
  tags,
  summary: "Read an interpreter's weekly availability and absences",
  roles: ["coordinator", "finance"],
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(AvailabilityViewSchema, "The availability") },
});

export const availabilityRouter = createRouter()
  .openapi(putAvailabilityRoute, async (c) =>
    c.json(await c.get("services").availability.replace(c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(getAvailabilityRoute, async (c) => c.json(await c.get("services").availability.get(c.req.valid("param").id), 200));
