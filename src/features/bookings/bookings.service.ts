import type { Actor } from "../../auth/actor";
import { PRISMA_UNIQUE_VIOLATION, prismaErrorCode, type Database } from "../../db/database";
import { ACTIVE_STATUSES } from "../../domain/booking-lifecycle";
import { bookingCode } from "../../domain/booking-code";
import type { Prisma } from "../../generated/prisma/client";
import { ApiError, validationError } from "../../lib/api-error";
import type { Clock } from "../../lib/clock";
import { decodeTimeCursor, encodeTimeCursor, isUuid, type Page } from "../../lib/pagination";
import type { RandomSource } from "../../lib/random";
import { actorOf, historyRow } from "./booking-history";
import { BOOKING_INCLUDE, toBookingView, type BookingRow, type ViewOptions } from "./booking-view";
import type { BookingView, CreateBooking, ListBookingsQuery } from "./bookings.schemas";

const MAX_DAYS_AHEAD = 730;

export interface BookingServiceDeps {
  db: Database;
  clock: Clock;
  random: RandomSource;
  view: ViewOptions;
}

/** Requesters only ever see their own organisation's bookings. */
export function bookingsVisibleTo(actor: Actor): Prisma.BookingWhereInput {
  return actor.role === "requester" ? { organisationId: actor.organisationId ?? "" } : {};
}

/**
 * The organisation a booking is for: implicit for requester keys, required for the others;
 * it must exist and be active.
 */
export async function resolveBookingOrganisation(db: Database, actor: Actor, requested: string | undefined): Promise<string> {
  if (actor.role === "requester") {
    if (requested && requested !== actor.organisationId) {
      throw new ApiError("FORBIDDEN", "A requester key books only for its own organisation.");
    }
    requested = actor.organisationId ?? undefined;
  }
  const problem = (message: string) =>
    validationError(message, [{ path: ["organisationId"], message, code: "invalid_organisation", in: "body" }]);
  if (!requested) throw problem("organisationId is required for coordinator keys");
  const organisation = isUuid(requested) ? await db.prisma.organisation.findUnique({ where: { id: requested } }) : null;
  if (!organisation) throw problem(`No organisation with id ${requested}`);
  if (!organisation.active) throw problem("The organisation is inactive and cannot book");
  return organisation.id;
}

/** Checks the start of a new booking against the clock. */
export function checkStartTime(startsAt: Date, now: Date, path: (string | number)[] = ["startsAt"]): void {
  const problem = (message: string) => validationError(message, [{ path, message, code: "invalid_start", in: "body" }]);
  if (startsAt.getTime() <= now.getTime()) throw problem("The start lies in the past");
  if (startsAt.getTime() > now.getTime() + MAX_DAYS_AHEAD * 86_400_000) throw problem(`Bookings reach at most ${MAX_DAYS_AHEAD} days ahead`);
}

/** The columns of a booking from a request (without organisation, code and status). */
export function bookingColumns(input: Omit<CreateBooking, "organisationId">, startsAt: Date) {
  const location = input.mode === "onsite" || input.location ? input.location : null;
  return {
    language: input.language,
    dialect: input.dialect ?? null,
    startsAt,
    endsAt: new Date(startsAt.getTime() + input.durationMinutes * 60_000),
    durationMinutes: input.durationMinutes,
    mode: input.mode,
    street: location?.street ?? null,
    postcode: location?.postcode ?? null,
    city: location?.city ?? null,
    room: location?.room ?? null,
    setting: input.setting ?? null,
    topic: input.topic,
    sensitive: input.sensitive,
    genderPreference: input.genderPreference?.gender ?? null,
    genderRequired: input.genderPreference?.required ?? false,
    caseReference: input.caseReference ?? null,
    contactName: input.contactName ?? null,
    contactPhone: input.contactPhone ?? null,
    notes: input.notes ?? null,
  };
}

/**
 * Inserts a booking with a job code no active booking has, and its first history entry, inside
 * the caller's transaction. Codes are unique among active bookings (a partial unique index);
 * a clash with a concurrent insert aborts the transaction: run it again with `retryOnCodeClash`.
 */
export async function insertBookingInTx(
  tx: Prisma.TransactionClient,
  deps: Pick<BookingServiceDeps, "clock" | "random">,
  actor: Actor,
  data: Omit<Prisma.BookingUncheckedCreateInput, "code">,
): Promise<BookingRow> {
  let code = bookingCode(deps.random, 0);
  for (let attempt = 1; await tx.booking.findFirst({ where: { code, status: { in: [...ACTIVE_STATUSES] } }, select: { id: true } }); attempt++) {
    code = bookingCode(deps.random, attempt);
  }
  // The request time comes from the injected clock, like every other time in the history.
  const now = deps.clock.now();
  const row = await tx.booking.create({ data: { ...data, code, createdByKeyId: actor.keyId, createdAt: now }, include: BOOKING_INCLUDE });
  await tx.bookingEvent.create({
    data: historyRow({ bookingId: row.id, at: now, by: actorOf(actor), action: "created", to: "open" }),
  });
  return row;
}

/** Runs a transaction again when a concurrent insert took the same booking code. */
export async function retryOnCodeClash<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (prismaErrorCode(error) !== PRISMA_UNIQUE_VIOLATION || attempt >= 10) throw error;
    }
  }
}

export function createBookingService(deps: BookingServiceDeps) {
  const { db, clock } = deps;
  const { prisma } = db;

  return {
    async create(actor: Actor, input: CreateBooking): Promise<BookingView> {
      const organisationId = await resolveBookingOrganisation(db, actor, input.organisationId);
      const startsAt = new Date(input.startsAt);
      checkStartTime(startsAt, clock.now());
      const row = await retryOnCodeClash(() =>
        prisma.$transaction((tx) => insertBookingInTx(tx, deps, actor, { organisationId, ...bookingColumns(input, startsAt) })),
      );
      return toBookingView(row, actor, deps.view);
    },

    async list(actor: Actor, query: ListBookingsQuery): Promise<Page<BookingView>> {
      const after = decodeTimeCursor(query.cursor);
      const ids = [query.organisationId, query.interpreterId, query.seriesId];
      if (ids.some((id) => id !== undefined && !isUuid(id))) return { items: [], nextCursor: null };
      const rows = await prisma.booking.findMany({
        where: {
          AND: [
            bookingsVisibleTo(actor),
            after ? { OR: [{ startsAt: { gt: after.time } }, { startsAt: after.time, id: { gt: after.id } }] } : {},
            query.status ? { status: { in: query.status } } : {},
            query.from ? { startsAt: { gte: new Date(query.from) } } : {},
            query.to ? { startsAt: { lt: new Date(query.to) } } : {},
            query.language ? { language: query.language } : {},
            query.organisationId ? { organisationId: query.organisationId } : {},
            query.interpreterId ? { interpreterId: query.interpreterId } : {},
            query.seriesId ? { seriesId: query.seriesId } : {},
            query.needsAttention === undefined ? {} : { needsAttention: query.needsAttention, ...(query.needsAttention ? { status: { in: ["open", "offered"] } } : {}) },
          ],
        },
        include: BOOKING_INCLUDE,
        orderBy: [{ startsAt: "asc" }, { id: "asc" }],
        take: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((row) => toBookingView(row, actor, deps.view)),
        nextCursor: rows.length > query.limit && last ? encodeTimeCursor(last.startsAt, last.id) : null,
      };
    },

    async get(actor: Actor, id: string): Promise<BookingView> {
      const row = isUuid(id)
        ? await prisma.booking.findFirst({ where: { AND: [{ id }, bookingsVisibleTo(actor)] }, include: BOOKING_INCLUDE })
        : null;
      if (!row) throw new ApiError("NOT_FOUND", `No booking with id ${id}.`);
      const events = await prisma.bookingEvent.findMany({ where: { bookingId: id }, orderBy: [{ at: "asc" }, { id: "asc" }] });
      return toBookingView(row, actor, deps.view, events);
    },
  };
}

export type BookingService = ReturnType<typeof createBookingService>;
