import { z } from "@hono/zod-openapi";
import type { Actor } from "../../auth/actor";
import { withRetry } from "../../db/transactions";
import { ACTIVE_STATUSES } from "../../domain/booking-lifecycle";
import { MAX_OCCURRENCES, weeklyOccurrences } from "../../domain/recurrence";
import { ApiError, validationError } from "../../lib/api-error";
import { IdParamSchema, TimestampSchema, isoDate, isoDateTime } from "../../lib/common-schemas";
import { createRouter } from "../../lib/create-router";
import { defineRoute, jsonBody, jsonContent } from "../../lib/define-route";
import { isUuid } from "../../lib/pagination";
import { autoDispatch } from "../bookings";
import { lockBooking, type BookingActionService } from "../bookings/booking-actions.service";
import { toBookingView } from "../bookings/booking-view";
import { BookingSchema, CancelBookingSchema, bookingRequestFields } from "../bookings/bookings.schemas";
import { auditBookingReads } from "../privacy/read-audit";
import {
  bookingColumns,
  bookingsVisibleTo,
  checkStartTime,
  insertBookingInTx,
  resolveBookingOrganisation,
  retryOnCodeClash,
  type BookingServiceDeps,
} from "../bookings/bookings.service";

const RecurrenceSchema = z
  .strictObject({
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).openapi({ description: "1 = Monday … 7 = Sunday", example: [2, 4] }),
    until: isoDate().optional().openapi({ description: "Last date (inclusive)", example: "2027-03-31" }),
    count: z.number().int().min(1).max(MAX_OCCURRENCES).optional(),
  })
  .refine((rule) => (rule.until === undefined) !== (rule.count === undefined), { message: "Give either `until` or `count`" })
  .openapi("WeeklyRecurrence");

const CreateSeriesSchema = z
  .strictObject({ ...bookingRequestFields, recurrence: RecurrenceSchema })
  .superRefine((series, ctx) => {
    if (series.mode === "onsite" && !series.location) ctx.addIssue({ code: "custom", path: ["location"], message: "An on-site booking needs a place (street, postcode, city)" });
  })
  .openapi("CreateBookingSeries");

const SeriesSchema = z
  .object({
    id: z.string(),
    organisationId: z.string(),
    recurrence: z.object({ weekdays: z.array(z.number().int()), until: z.string().nullable(), count: z.number().int().nullable() }),
    createdAt: TimestampSchema,
    bookings: z.array(BookingSchema),
  })
  .openapi("BookingSeries");

const CancelSeriesSchema = CancelBookingSchema.extend({
  cancelledBy: z.enum(["requester", "coordinator"]).optional().openapi({ description: "Defaults to the key's role; requester keys always cancel as requester" }),
  from: isoDateTime().optional().openapi({ description: "Cancel the occurrences starting at or after this time (default: now)" }),
}).openapi("CancelBookingSeries");

export function createBookingSeriesService(deps: BookingServiceDeps & { actions: () => BookingActionService }) {
  const { db, clock } = deps;
  const { prisma } = db;

  async function get(actor: Actor, id: string) {
    const series = isUuid(id)
      ? await prisma.bookingSeries.findFirst({ where: { AND: [{ id }, actor.role === "requester" ? { organisationId: actor.organisationId ?? "" } : {}] } })
      : null;
    if (!series) throw new ApiError("NOT_FOUND", `No booking series with id ${id}.`);
    const bookings = await prisma.booking.findMany({
      where: { seriesId: id },
      include: { organisation: { select: { name: true } }, interpreter: { select: { id: true, name: true, phone: true } } },
      orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    });
    return {
      id: series.id,
      organisationId: series.organisationId,
      recurrence: { weekdays: series.weekdays, until: series.until?.toISOString().slice(0, 10) ?? null, count: series.count },
      createdAt: series.createdAt.toISOString(),
      bookings: bookings.map((row) => toBookingView(row, actor, deps.view)),
    };
  }

  return {
    get,
    /** Creates the series and all its occurrences (at the same local time every week). */
    async create(actor: Actor, input: z.infer<typeof CreateSeriesSchema>) {
      const organisationId = await resolveBookingOrganisation(db, actor, input.organisationId);
      const firstStart = new Date(input.startsAt);
      checkStartTime(firstStart, clock.now());
      const occurrences = weeklyOccurrences(firstStart, input.recurrence);
      if (!occurrences.ok) throw validationError(occurrences.message, [{ path: ["recurrence"], message: occurrences.message, in: "body" }]);
      occurrences.starts.forEach((start) => checkStartTime(start, clock.now(), ["recurrence"]));
      const { recurrence, organisationId: _ignored, ...fields } = input;
      // One transaction: a series with missing occurrences would mislead everyone.
      const series = await retryOnCodeClash(() =>
        prisma.$transaction(async (tx) => {
          const created = await tx.bookingSeries.create({
            data: {
              organisationId,
              weekdays: [...new Set(recurrence.weekdays)].sort(),
              until: recurrence.until ? new Date(`${recurrence.until}T00:00:00Z`) : null,
              count: recurrence.count ?? null,
              createdByKeyId: actor.keyId,
            },
          });
          for (const start of occurrences.starts) {
            await insertBookingInTx(tx, deps, actor, { organisationId, seriesId: created.id, ...bookingColumns(fields, start) });
          }
          return created;
        }),
      );
      return get(actor, series.id);
    },

    /** Cancels every active occurrence from a point in time on (default: now). */
    async cancelRest(actor: Actor, id: string, input: z.infer<typeof CancelSeriesSchema>) {
      if (actor.role === "requester" && input.cancelledBy && input.cancelledBy !== "requester") {
        throw new ApiError("FORBIDDEN", "Requester keys cancel as requester.");
      }
      await get(actor, id);
      const from = input.from ? new Date(input.from) : clock.now();
      const targets = await prisma.booking.findMany({
        where: { AND: [{ seriesId: id, startsAt: { gte: from }, status: { in: [...ACTIVE_STATUSES] } }, bookingsVisibleTo(actor)] },
        select: { id: true },
        orderBy: { startsAt: "asc" },
      });
      for (const target of targets) {
        // Each occurrence as a normal cancellation (history, late flag); one that changed meanwhile is skipped.
        const stillActive = await withRetry(() => prisma.$transaction(async (tx) => (await lockBooking(tx, target.id))?.status));
        if (stillActive && (ACTIVE_STATUSES as string[]).includes(stillActive)) {
          await deps.actions().cancel(actor, target.id, { reason: input.reason, cancelledBy: input.cancelledBy });
        }
      }
      return get(actor, id);
    },
  };
}

export type BookingSeriesService = ReturnType<typeof createBookingSeriesService>;

const tags = ["Bookings"];

const createSeriesRoute = defineRoute({
  method: "post",
  path: "/v1/booking-series",
  tags,
  summary: "Book a weekly recurring job",
  description: `The booking fields plus \`recurrence\` (weekdays and either \`until\` or \`count\`, at most ${MAX_OCCURRENCES} occurrences). Every occurrence is an ordinary booking at the same local time; cancel one with POST /v1/bookings/{id}/cancel, the rest with POST /v1/booking-series/{id}/cancel.`,
  roles: ["coordinator", "requester"],
  request: { body: jsonBody(CreateSeriesSchema) },
  responses: { 201: jsonContent(SeriesSchema, "The series with its bookings") },
});

const getSeriesRoute = defineRoute({
  method: "get",
  path: "/v1/booking-series/{id}",
  tags,
  summary: "Read a series with its bookings",
  roles: ["coordinator", "requester", "finance"],
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(SeriesSchema, "The series") },
});

const cancelSeriesRoute = defineRoute({
  method: "post",
  path: "/v1/booking-series/{id}/cancel",
  tags,
  summary: "Cancel the rest of a series",
  roles: ["coordinator", "requester"],
  request: { params: IdParamSchema, body: jsonBody(CancelSeriesSchema) },
  responses: { 200: jsonContent(SeriesSchema, "The series after the cancellation") },
});

export const bookingSeriesRouter = createRouter()
  .openapi(createSeriesRoute, async (c) => {
    const series = await c.get("services").bookingSeries.create(c.get("actor"), c.req.valid("json"));
    await autoDispatch(c, series.bookings.map((booking) => booking.id));
    return c.json(series, 201);
  })
  .openapi(getSeriesRoute, async (c) => c.json(await auditBookingReads(c, await c.get("services").bookingSeries.get(c.get("actor"), c.req.valid("param").id)), 200))
  .openapi(cancelSeriesRoute, async (c) =>
    c.json(await auditBookingReads(c, await c.get("services").bookingSeries.cancelRest(c.get("actor"), c.req.valid("param").id, c.req.valid("json"))), 200),
  );
