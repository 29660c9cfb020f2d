import { createRouter } from "../../lib/create-router";
import * as routes from "./bookings.routes";

export const bookingsRouter = createRouter()
  .openapi(routes.createBookingRoute, async (c) =>
    c.json(await c.get("services").bookings.create(c.get("actor"), c.req.valid("json")), 201),
  )
  .openapi(routes.listBookingsRoute, async (c) =>
    c.json(await c.get("services").bookings.list(c.get("actor"), c.req.valid("query")), 200),
  )
  .openapi(routes.getBookingRoute, async (c) =>
    c.json(await c.get("services").bookings.get(c.get("actor"), c.req.valid("param").id), 200),
  )
  .openapi(routes.candidatesRoute, async (c) =>
    c.json(
      await c.get("services").bookingActions.candidates(c.get("actor"), c.req.valid("param").id, c.req.valid("query").includeExcluded ?? false),
      200,
    ),
  )
  .openapi(routes.assignBookingRoute, async (c) =>
    c.json(await c.get("services").bookingActions.assign(c.get("actor"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(routes.cancelBookingRoute, async (c) =>
    c.json(await c.get("services").bookingActions.cancel(c.get("actor"), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(routes.completeBookingRoute, async (c) =>
    c.json(await c.get("services").bookingActions.complete(c.get("actor"), c.req.valid("param").id, c.req.valid("json")), 200),
  );
