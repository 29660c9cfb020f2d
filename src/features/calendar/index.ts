import { z } from "@hono/zod-openapi";
import { IdParamSchema, TimestampSchema } from "../../lib/common-schemas";
import { createRouter } from "../../lib/create-router";
import { defineRoute, jsonBody, jsonContent } from "../../lib/define-route";
import { sha256Hex } from "../../lib/encoding";
import { ApiError } from "../../lib/api-error";
import { FEED_PAST_DAYS } from "./calendar.service";

const tags = ["Calendar"];

const CalendarTokenSchema = z
  .object({
    url: z.string().openapi({ example: "https://pool.example/v1/calendar/Jq3vX0mQ4pM1yTq9bUoR7wz2kDfLh8sNcAe5iGtVjYx.ics" }),
    webcalUrl: z.string().openapi({ description: "The same address as webcal://, which calendar apps open as a subscription" }),
    createdAt: TimestampSchema,
    smsMessageId: z.string().nullable().openapi({ description: "The queued SMS with the link (sendSms: true)" }),
  })
  .openapi("CalendarToken");

const createTokenRoute = defineRoute({
  method: "post",
  path: "/v1/interpreters/{id}/calendar-token",
  tags,
  summary: "Create or replace an interpreter's secret calendar address",
  description:
    "The address (`GET /v1/calendar/{token}.ics`) is shown only in this answer; an earlier one stops working at once. " +
    "The URL is built from PUBLIC_BASE_URL (else from this request's origin). `sendSms: true` queues an SMS with the link; " +
    "409 `SMS_OPTED_OUT` or `NO_SMS_CONSENT` when the person cannot be texted (nothing is changed then), 409 `CONFLICT` for an inactive interpreter.",
  roles: ["coordinator"],
  errors: [409],
  request: {
    params: IdParamSchema,
    body: { ...jsonBody(z.strictObject({ sendSms: z.boolean().default(false) }).openapi("CreateCalendarToken")), required: false },
  },
  responses: { 201: jsonContent(CalendarTokenSchema, "The new address") },
});

const revokeTokenRoute = defineRoute({
  method: "delete",
  path: "/v1/interpreters/{id}/calendar-token",
  tags,
  summary: "Revoke an interpreter's calendar address",
  description: "The feed answers 404 from now on. 404 when the interpreter has none.",
  roles: ["coordinator"],
  request: { params: IdParamSchema },
  responses: { 204: { description: "Revoked" } },
});

const feedRoute = defineRoute({
  method: "get",
  path: "/v1/calendar/{token}.ics",
  tags,
  summary: "An interpreter's jobs as an iCalendar feed (subscribe in a calendar app)",
  description:
    `The secret address from POST /v1/interpreters/{id}/calendar-token; no API key. Holds the person's jobs from ${FEED_PAST_DAYS} days ago on ` +
    "(times in Europe/Berlin), and jobs taken from them (cancelled, given back or reassigned) as STATUS:CANCELLED. " +
    "Sensitive jobs show neither organisation, place nor topic. 404 for unknown or revoked addresses and for inactive interpreters.",
  roles: "public",
  request: { params: z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/).openapi({ param: { name: "token", in: "path" } }) }) },
  responses: {
    200: { description: "The calendar", content: { "text/calendar": { schema: z.string() } } },
    304: { description: "Unchanged since the ETag given in If-None-Match" },
  },
});

/** `{token}.ics` is not a whole path segment, which Hono's router cannot match: the segment is split here. */
const FEED_FILE = /^([^/]+)\.ics$/;

export const calendarRouter = createRouter()
  .openapi(createTokenRoute, async (c) => {
    const { PUBLIC_BASE_URL } = c.get("deps").config;
    const body = c.req.valid("json") ?? { sendSms: false };
    const created = await c.get("services").calendar.createToken(c.req.valid("param").id, {
      sendSms: body.sendSms,
      baseUrl: PUBLIC_BASE_URL ?? new URL(c.req.url).origin,
    });
    return c.json(created, 201);
  })
  .openapi(revokeTokenRoute, async (c) => {
    await c.get("services").calendar.revokeToken(c.req.valid("param").id);
    return c.body(null, 204);
  });

// Documented above, served here.
calendarRouter.openAPIRegistry.registerPath(feedRoute);
calendarRouter.get("/v1/calendar/:file", async (c) => {
  const token = FEED_FILE.exec(c.req.param("file"))?.[1];
  if (!token) throw new ApiError("NOT_FOUND", "No calendar at this address.");
  const feed = await c.get("services").calendar.feed(token);
  const etag = `"${(await sha256Hex(feed.body)).slice(0, 32)}"`;
  c.header("Cache-Control", "private, max-age=300");
  c.header("ETag", etag);
  if (feed.lastModified) c.header("Last-Modified", feed.lastModified.toUTCString());
  const ifNoneMatch = c.req.header("if-none-match");
  if (ifNoneMatch && ifNoneMatch.split(",").some((tag) => tag.trim() === etag || tag.trim() === `W/${etag}`)) {
    return c.body(null, 304);
  }
  c.header("Content-Type", "text/calendar; charset=utf-8");
  c.header("Content-Disposition", 'inline; filename="einsaetze.ics"');
  return c.body(feed.body, 200);
});
