import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { getRuntimeKey } from "hono/adapter";
import type { AppEnv } from "../../app-env";
import { normaliseMobileNumber } from "../../domain/phone";
import type { Prisma } from "../../generated/prisma/client";
import type { SmsStatus } from "../../generated/prisma/enums";
import { TimestampSchema } from "../../lib/common-schemas";
import { createRouter } from "../../lib/create-router";
import { defineRoute, jsonContent } from "../../lib/define-route";
import { afterCursor, isUuid, PageQuerySchema, pageSchema, toPage } from "../../lib/pagination";
import { isErasedPhone } from "../../domain/data-protection";
import { auditReads } from "../privacy/read-audit";
import { twiml, verifyTwilioSignature, type TwilioParams } from "./twilio-webhook";

const paramsOf = (c: unknown) => (c as { get(key: "twilioParams"): TwilioParams }).get("twilioParams");

const tags = ["SMS"];

/** Every status a message can have (the filter of GET /v1/sms/messages). */
const SMS_STATUSES = ["queued", "sending", "sent", "delivered", "undelivered", "failed", "unknown", "received"] as const satisfies readonly SmsStatus[];

const TwilioFormSchema = z.object({
  MessageSid: z.string(),
  From: z.string(),
  To: z.string(),
  Body: z.string(),
}).openapi("TwilioInboundForm");

const inboundRoute = defineRoute({
  method: "post",
  path: "/v1/sms/inbound",
  tags,
  summary: "Twilio webhook for incoming SMS (JA/NEIN/ABSAGE with a job code, STOP/START)",
  description: "Signed by Twilio (X-Twilio-Signature, TWILIO_AUTH_TOKEN); 403 without a valid signature, 503 when no token is configured. A repeated MessageSid changes nothing and gets the same answer. Answers with TwiML.",
  roles: "public",
  errors: [403, 503],
  request: { body: { required: true, content: { "application/x-www-form-urlencoded": { schema: TwilioFormSchema } } } },
  responses: { 200: { description: "TwiML with the reply", content: { "text/xml": { schema: z.string() } } } },
});

const statusRoute = defineRoute({
  method: "post",
  path: "/v1/sms/status",
  tags,
  summary: "Twilio delivery status callback",
  description:
    "Stores each message's status (a lower one never replaces a higher one); an offer that is undelivered or failed counts as no answer and the next candidate is asked, once. The outbox gives Twilio this URL with `?message=<id>` of the message, so a report that arrives before the send's answer was stored still finds it; reports without it are matched by MessageSid alone, and unknown ids are ignored.",
  roles: "public",
  errors: [403, 503],
  request: {
    query: z.object({ message: z.string().optional().openapi({ description: "The SmsMessage id the outbox put in the status callback URL" }) }),
    body: { required: true, content: { "application/x-www-form-urlencoded": { schema: z.object({ MessageSid: z.string(), MessageStatus: z.string(), ErrorCode: z.string().optional() }).openapi("TwilioStatusForm") } } },
  },
  responses: { 200: { description: "Empty TwiML", content: { "text/xml": { schema: z.string() } } } },
});

const MessageSchema = z
  .object({
    id: z.string(),
    direction: z.enum(["outbound", "inbound"]),
    to: z.string(),
    from: z.string().nullable(),
    body: z.string(),
    status: z.string().openapi({ example: "delivered" }),
    purpose: z.string().openapi({ example: "offer" }),
    bookingId: z.string().nullable(),
    interpreterId: z.string().nullable(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: TimestampSchema,
    sentAt: TimestampSchema.nullable(),
  })
  .openapi("SmsMessage");

const listRoute = defineRoute({
  method: "get",
  path: "/v1/sms/messages",
  tags,
  summary: "Outgoing and incoming SMS, newest last",
  roles: ["coordinator"],
  request: {
    query: PageQuerySchema.extend({
      to: z.string().max(40).optional().openapi({ description: "A phone number (national format accepted)" }),
      direction: z.enum(["outbound", "inbound"]).optional(),
      bookingId: z.string().max(100).optional(),
      status: z.enum(SMS_STATUSES).optional(),
    }),
  },
  responses: { 200: jsonContent(pageSchema(MessageSchema, "SmsMessagePage"), "A page of messages") },
});

/** The next offer wave of each booking a reply ended a wave of (or reopened); failures are logged. */
async function redispatchAll(c: Context<AppEnv>, bookingIds: readonly string[]): Promise<void> {
  for (const bookingId of bookingIds) {
    await c.get("services").dispatch.redispatch(bookingId).catch((error: unknown) => c.get("deps").logger.error({ err: error, bookingId }, "redispatch failed"));
  }
}

/**
 * Lets `work` finish after the answer is sent, so the interpreter's reply does not wait for the
 * next wave (ranking the pool, new offers). With an ExecutionContext (Workers, tests) it is handed
 * to `waitUntil`; on Node it simply runs on. Nothing is lost if the process ends first: the
 * dispatch tick sends a wave to every offered (or, with AUTO_DISPATCH, open) booking without a
 * pending offer. Elsewhere, without an ExecutionContext, it is awaited before answering.
 *
 * @example
 * await afterAnswer(c, redispatchAll(c, result.redispatch));
 */
async function afterAnswer(c: Context<AppEnv>, work: Promise<void>): Promise<void> {
  let context: { waitUntil(promise: Promise<unknown>): void } | undefined;
  try {
    context = c.executionCtx;
  } catch {
    // Hono throws when the runtime passed no ExecutionContext (Node's server passes none).
  }
  if (context) context.waitUntil(work);
  else if (getRuntimeKey() !== "node") await work;
}

export const smsRouter = createRouter()
  .openapi(inboundRoute, async (c) => {
    const params = paramsOf(c);
    const services = c.get("services");
    const result = await services.inbound.handle({ messageSid: params.MessageSid ?? "", from: params.From ?? "", to: params.To ?? "", body: params.Body ?? "" });
    if (result.redispatch.length > 0) await afterAnswer(c, redispatchAll(c, result.redispatch));
    return c.body(twiml(result.reply), 200, { "content-type": "text/xml; charset=utf-8" });
  })
  .openapi(statusRoute, async (c) => {
    const params = paramsOf(c);
    const services = c.get("services");
    const { message: messageId } = c.req.valid("query");
    const message = await services.outbox.recordStatus(params.MessageSid ?? "", params.MessageStatus ?? "", params.ErrorCode, messageId);
    // Every report of a failed offer gets here, early or late, once or repeated: failOffer ends the
    // pending offer in one conditional UPDATE, so exactly one of them asks the next candidate.
    if (message && (message.status === "undelivered" || message.status === "failed") && message.purpose === "offer" && message.bookingId) {
      // Counts as no answer: the next candidate is asked right away.
      if (await services.offers.failOffer(message.id)) {
        await services.offers
          .sendWave(message.bookingId, { by: { type: "system" }, automatic: true, evenIfPending: true, waveSize: 1 })
          .catch((error: unknown) => c.get("deps").logger.error({ err: error }, "replacement offer failed"));
      }
    }
    return c.body(twiml(null), 200, { "content-type": "text/xml; charset=utf-8" });
  })
  .openapi(listRoute, async (c) => {
    const query = c.req.valid("query");
    const phone = query.to ? normaliseMobileNumber(query.to) : null;
    if (query.bookingId && !isUuid(query.bookingId)) return c.json({ items: [], nextCursor: null }, 200);
    const where: Prisma.SmsMessageWhereInput = {
      AND: [
        afterCursor(query.cursor),
        query.to ? { OR: [{ to: phone?.ok ? phone.e164 : query.to }, { from: phone?.ok ? phone.e164 : query.to }] } : {},
        query.direction ? { direction: query.direction } : {},
        query.bookingId ? { bookingId: query.bookingId } : {},
        query.status ? { status: query.status } : {},
      ],
    };
    const rows = await c.get("deps").db.prisma.smsMessage.findMany({ where, orderBy: { id: "asc" }, take: query.limit + 1 });
    // The log shows interpreters' numbers: recorded in their history (an erased person's placeholder is none).
    const shown = rows.slice(0, query.limit).filter((row) => row.interpreterId && ![row.to, row.from ?? ""].some(isErasedPhone));
    await auditReads(c, [...new Set(shown.map((row) => row.interpreterId!))].map((interpreterId) => ({ interpreterId, fields: ["phone"] })));
    return c.json(
      toPage(rows, query.limit, (row) => ({
        id: row.id,
        direction: row.direction,
        to: row.to,
        from: row.from,
        body: row.body,
        status: row.status,
        purpose: row.purpose,
        bookingId: row.bookingId,
        interpreterId: row.interpreterId,
        attempts: row.attempts,
        lastError: row.lastError,
        createdAt: row.createdAt.toISOString(),
        sentAt: row.sentAt?.toISOString() ?? null,
      })),
      200,
    );
  });

// The signature check must run before zod reads the form body.
export function mountSmsRoutes(app: ReturnType<typeof createRouter>) {
  app.use("/v1/sms/inbound", verifyTwilioSignature);
  app.use("/v1/sms/status", verifyTwilioSignature);
  app.route("/", smsRouter);
}
