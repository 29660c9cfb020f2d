import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { createRouter } from "../../lib/create-router";
import { actorOf } from "./booking-history";
import { auditBookingReads, readContextOf } from "../privacy/read-audit";
import * as routes from "./bookings.routes";

/** AUTO_DISPATCH: a new booking is offered at once (the answer still shows it as created). */
export async function autoDispatch(c: Context<AppEnv>, bookingIds: string[]): Promise<void> {
  const { config, logger } = c.get("deps");
  if (!config.AUTO_DISPATCH) return;
  for (const bookingId of bookingIds) {
    await c
      .get("services")
      .offers.sendWave(bookingId, { by: actorOf(c.get("actor")), automatic: true })
      .catch((error: unknown) => logger.error({ bookingId, err: error }, "automatic dispatch failed"));
  }
}

// Views that show the assigned interpreter's phone are recorded in that person's history (src/features/privacy).
export const bookingsRouter = createRouter()
  .openapi(routes.createBookingRoute, async (c) => {
    const booking = await c.get("services").bookings.create(c.get("actor"), c.req.valid("json"));
    await autoDispatch(c, [booking.id]);
    return c.json(booking, 201);
  })
  .openapi(routes.listBookingsRoute, async (c) =>
    c.json(await auditBookingReads(c, await c.get("services").bookings.list(c.get("actor"), c.req.valid("query"))), 200),
  )
  .openapi(routes.getBookingRoute, async (c) =>
    c.json(await auditBookingReads(c, await c.get("services").bookings.get(c.get("actor"), c.req.valid("param").id)), 200),
  )
  .openapi(routes.updateBookingRoute, async (c) =>
    c.json(await auditBookingReads(c, await c.get("services").bookingActions.update(c.get("actor"), c.req.valid("param").id, c.req.valid("json"))), 200),
  )
  .openapi(routes.candidatesRoute, async (c) =>
    c.json(
      await c.get("services").bookingActions.candidates(c.get("actor"), c.req.valid("param").id, {
        limit: c.req.valid("query").limit,
        includeExcluded: c.req.valid("query").includeExcluded ?? false,
      }),
      200,
    ),
  )
  // The assignment records the read of the phone number it shows in its own statement.
  .openapi(routes.assignBookingRoute, async (c) =>
    c.json(await c.get("services").bookingActions.assign(c.get("actor"), c.req.valid("param").id, c.req.valid("json"), readContextOf(c)), 200),
  )
  .openapi(routes.cancelBookingRoute, async (c) =>
    c.json(await auditBookingReads(c, await c.get("services").bookingActions.cancel(c.get("actor"), c.req.valid("param").id, c.req.valid("json"))), 200),
  )
  .openapi(routes.completeBookingRoute, async (c) =>
    c.json(await auditBookingReads(c, await c.get("services").bookingActions.complete(c.get("actor"), c.req.valid("param").id, c.req.valid("json"))), 200),
  );
