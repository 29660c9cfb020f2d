import { z } from "@hono/zod-openapi";
import { actorOf } from "../bookings/booking-history";
import { IdParamSchema } from "../../lib/common-schemas";
import { createRouter } from "../../lib/create-router";
import { defineRoute, jsonBody, jsonContent } from "../../lib/define-route";

const TickResultSchema = z
  .object({
    expiredOffers: z.number().int(),
    unfilled: z.number().int(),
    wavesSent: z.number().int(),
    offersSent: z.number().int(),
    needsAttention: z.number().int(),
    reminders: z.number().int(),
    sms: z.object({ sent: z.number().int(), retried: z.number().int(), failed: z.number().int() }),
    webhooks: z.object({ delivered: z.number().int(), failed: z.number().int() }),
    interrupted: z.boolean().openapi({ description: "A stop was asked for (the service shutting down) while the tick ran: it left what it had not begun to the next tick" }),
  })
  .openapi("DispatchTickResult");

const tickRoute = defineRoute({
  method: "post",
  path: "/v1/dispatch/tick",
  tags: ["Dispatch"],
  summary: "Run the dispatch tick now",
  description:
    "Expires offers, sends the next wave where one ended without a yes, marks bookings unfilled after their start, sends reminders, and delivers queued SMS and webhooks. SMS are paced (SMS_RATE_PER_SECOND): those whose turn comes later than half of REQUEST_TIMEOUT_MS stay queued for the outbox worker (`sms` counts what went out now). The service runs it every DISPATCH_INTERVAL_SECONDS by itself; several instances may run it at once.",
  roles: ["coordinator"],
  responses: { 200: jsonContent(TickResultSchema, "What the tick did") },
});

const OfferRequestSchema = z
  .strictObject({
    interpreterIds: z.array(z.string().max(100)).min(1).max(50).optional().openapi({ description: "Offer to these; default: the best-ranked candidates not asked yet" }),
    waveSize: z.number().int().min(1).max(50).optional().openapi({ description: "How many to ask (default OFFER_WAVE_SIZE, 3)" }),
  })
  .openapi("OfferRequest");

const WaveSchema = z
  .object({
    bookingId: z.string(),
    wave: z.number().int().nullable(),
    offered: z.array(z.object({ offerId: z.string(), interpreterId: z.string(), expiresAt: z.string() })),
    needsAttention: z.boolean(),
  })
  .openapi("OfferWave");

const offerRoute = defineRoute({
  method: "post",
  path: "/v1/bookings/{id}/offers",
  tags: ["Dispatch"],
  summary: "Offer a job by SMS",
  description:
    "To the given interpreters or the best-ranked candidates not asked yet (only those with SMS consent who did not opt out). An offer lapses after OFFER_TTL_MINUTES, never later than one hour before the start. Sensitive jobs show neither place nor setting before a yes.",
  roles: ["coordinator"],
  errors: [409],
  request: { params: IdParamSchema, body: { ...jsonBody(OfferRequestSchema), required: false } },
  responses: { 200: jsonContent(WaveSchema, "The offers sent (none when nobody is left: needsAttention)") },
});

export const dispatchRouter = createRouter()
  // Half the request timeout for paced SMS: the answer must come in time; the rest stay queued.
  .openapi(tickRoute, async (c) =>
    c.json(await c.get("services").dispatch.tick({ deliverWithinMs: Math.floor(c.get("deps").config.REQUEST_TIMEOUT_MS / 2) }), 200),
  )
  .openapi(offerRoute, async (c) => {
    const body = c.req.valid("json") ?? {};
    const result = await c.get("services").offers.sendWave(c.req.valid("param").id, {
      ...(body.interpreterIds ? { interpreterIds: body.interpreterIds } : {}),
      ...(body.waveSize ? { waveSize: body.waveSize } : {}),
      by: actorOf(c.get("actor")),
      automatic: false,
    });
    return c.json(result, 200);
  });
