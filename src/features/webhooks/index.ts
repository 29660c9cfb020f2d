import { z } from "@hono/zod-openapi";
import { ApiError } from "../../lib/api-error";
import { IdParamSchema } from "../../lib/common-schemas";
import { createRouter } from "../../lib/create-router";
import { defineRoute, jsonBody, jsonContent } from "../../lib/define-route";
import { isUuid } from "../../lib/pagination";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, newWebhookSecret } from "./webhooks";

const tags = ["Organisations"];

const WebhookRequestSchema = z
  .strictObject({ url: z.url({ protocol: /^https?$/ }).max(500).openapi({ example: "https://schulamt.example.de/dolmetscherpool" }) })
  .openapi("WebhookRequest");

const WebhookSchema = z
  .object({
    url: z.string(),
    secret: z.string().openapi({ description: "Shown only now. Verify each delivery: HMAC-SHA256 of `<timestamp>.<body>` with this secret" }),
    signatureHeader: z.string(),
    timestampHeader: z.string(),
  })
  .openapi("Webhook");

const setWebhookRoute = defineRoute({
  method: "post",
  path: "/v1/organisations/{id}/webhook",
  tags,
  summary: "Register (or replace) the organisation's webhook for booking status changes",
  description: `Each status change of the organisation's bookings is POSTed as JSON ({event: "booking.status_changed", bookingId, code, from, to, at}) with the headers ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} (sha256=HMAC-SHA256 of "<timestamp>.<body>" with the secret); retried with backoff. A new call rotates the secret.`,
  roles: ["coordinator"],
  request: { params: IdParamSchema, body: jsonBody(WebhookRequestSchema) },
  responses: { 200: jsonContent(WebhookSchema, "The webhook and its secret (shown once)") },
});

const deleteWebhookRoute = defineRoute({
  method: "delete",
  path: "/v1/organisations/{id}/webhook",
  tags,
  summary: "Remove the organisation's webhook",
  roles: ["coordinator"],
  request: { params: IdParamSchema },
  responses: { 204: { description: "Removed" } },
});

export const webhooksRouter = createRouter()
  .openapi(setWebhookRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { db, random } = c.get("deps");
    if (!isUuid(id) || !(await db.prisma.organisation.findUnique({ where: { id }, select: { id: true } }))) {
      throw new ApiError("NOT_FOUND", `No organisation with id ${id}.`);
    }
    const secret = newWebhookSecret(random);
    const { url } = c.req.valid("json");
    await db.prisma.organisation.update({ where: { id }, data: { webhookUrl: url, webhookSecret: secret } });
    return c.json({ url, secret, signatureHeader: SIGNATURE_HEADER, timestampHeader: TIMESTAMP_HEADER }, 200);
  })
  .openapi(deleteWebhookRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { count } = isUuid(id)
      ? await c.get("deps").db.prisma.organisation.updateMany({ where: { id }, data: { webhookUrl: null, webhookSecret: null } })
      : { count: 0 };
    if (count === 0) throw new ApiError("NOT_FOUND", `No organisation with id ${id}.`);
    return c.body(null, 204);
  });
