import type { Actor } from "../../auth/actor";
import { isUniqueViolation, type Database } from "../../db/database";
import type { SqlTx } from "../../db/sql-transaction";
import { ACTIVE_STATUSES } from "../../domain/booking-lifecycle";
import { bookingCode } from "../../domain/booking-code";
import type { Prisma } from "../../generated/prisma/client";
import { ApiError, validationError } from "../../lib/api-error";
import type { Clock } from "../../lib/clock";
import { decodeTimeCursor, encodeTimeCursor, isUuid, type Page } from "../../lib/pagination";
import type { RandomSource } from "../../lib/random";
import { uuidV7 } from "../../lib/encoding";
import { BOOKING_INCLUDE, bookingCastSql, bookingRowOf, bookingRowSql, toBookingView, type BookingRow, type ViewOptions } from "./booking-view";
import { actorOf, historyInsertSql, statementParams } from "./booking-history";
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

const organisationProblem = (message: string) =>
  validationError(message, [{ path: ["organisationId"], message, code: "invalid_organisation", in: "body" }]);

/**
 * The organisation a request books for, before looking it up: implicit for requester keys (who
 * book only for their own), required for the others.
 *
 * @example
 * requestedOrganisation({ keyId, role: "requester", organisationId: "0193…" }, undefined); // "0193…"
 */
export function requestedOrganisation(actor: Actor, requested: string | undefined): string {
  if (actor.role === "requester") {
    if (requested && requested !== actor.organisationId) {
      throw new ApiError("FORBIDDEN", "A requester key books only for its own organisation.");
    }
    requested = actor.organisationId ?? undefined;
  }
  if (!requested) throw organisationProblem("organisationId is required for coordinator keys");
  if (!isUuid(requested)) throw organisationProblem(`No organisation with id ${requested}`);
  return requested;
}

/** The error for an organisation that does not exist (null) or is inactive (false). */
function unusableOrganisation(id: string, active: boolean | null): ApiError {
  return active === null ? organisationProblem(`No organisation with id ${id}`) : organisationProblem("The organisation is inactive and cannot book");
}

/**
 * The organisation a booking is for: implicit for requester keys, required for the others;
 * it must exist and be active.
 */
export async function resolveBookingOrganisation(db: Database, actor: Actor, requested: string | undefined): Promise<string> {
  const id = requestedOrganisation(actor, requested);
  const organisation = await db.prisma.organisation.findUnique({ where: { id }, select: { id: true, active: true } });
  if (!organisation?.active) throw unusableOrganisation(id, organisation?.active ?? null);
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

type NewBooking = { organisationId: string; seriesId?: string | null } & ReturnType<typeof bookingColumns>;

const ACTIVE_SQL = ACTIVE_STATUSES.map((status) => `'${status}'`).join(", ");

/**
 * One statement for a new booking: the organisation's check (it must exist and be active), the
 * booking itself unless an active booking has its code (`ON CONFLICT … DO NOTHING` on the partial
 * unique index, so a clash aborts nothing and the caller simply tries the next code), and its
 * first history entry (none when nothing was inserted). It answers one row (none: no such
 * organisation) with the organisation's `active` and the booking as `bookingRowSql` reads it (all
 * null when nothing was inserted). The text is the same for every call with the same columns.
 */
function insertBookingStatement(actor: Actor, data: NewBooking, code: string, now: Date): { sql: string; values: unknown[] } {
  const { values, param } = statementParams();
  const columns = (Object.keys(data) as (keyof NewBooking)[]).filter((column) => column !== "organisationId");
  const at = param(now, "::timestamptz");
  const sql = `
    WITH organisation AS (SELECT "id", "active" FROM "Organisation" WHERE "id" = ${param(data.organisationId, "::uuid")}),
    inserted AS (
      INSERT INTO "Booking" ("id", "code", "organisationId", "status", "createdByKeyId", "createdAt", "updatedAt", ${columns.map((column) => `"${column}"`).join(", ")})
      SELECT ${param(uuidV7(), "::uuid")}, ${param(code, "::text")}, o."id", 'open'::"BookingStatus", ${param(actor.keyId, "::uuid")}, ${at}, ${at},
        ${columns.map((column) => param(data[column] ?? null, bookingCastSql(column))).join(", ")}
      FROM organisation o WHERE o."active"
      ON CONFLICT ("code") WHERE "status" IN (${ACTIVE_SQL}) DO NOTHING
      RETURNING *
    ),
    event AS (${historyInsertSql(param, { bookingIdFrom: { source: "inserted", column: "id" }, at: now, by: actorOf(actor), action: "created", to: "open" })})
    SELECT o."active" AS "organisationActive", ${bookingRowSql("b")} FROM organisation o LEFT JOIN inserted b ON true`;
  return { sql, values };
}

/**
 * Inserts a booking with a job code no active booking has, and its first history entry, in one
 * statement (see `insertBookingStatement`); `db` is the client or the caller's transaction. A code
 * an active booking holds is skipped for the next one (longer after repeated clashes).
 *
 * @throws {ApiError} VALIDATION_FAILED when the organisation does not exist or is inactive
 */
export async function insertBooking(
  db: Pick<SqlTx, "$queryRawUnsafe">,
  deps: Pick<BookingServiceDeps, "clock" | "random">,
  actor: Actor,
  data: NewBooking,
): Promise<BookingRow> {
  // The request time comes from the injected clock, like every other time in the history.
  const now = deps.clock.now();
  for (let attempt = 0; ; attempt++) {
    const { sql, values } = insertBookingStatement(actor, data, bookingCode(deps.random, attempt), now);
    const [row] = await db.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...values);
    if (!row?.organisationActive) throw unusableOrganisation(data.organisationId, (row?.organisationActive as boolean | undefined) ?? null);
    if (row.id !== null) return bookingRowOf(row);
  }
}

/** `insertBooking` inside the caller's transaction (booking series insert all occurrences in one). */
export const insertBookingInTx = insertBooking;

/** Runs a transaction again when a concurrent insert took the same booking code. */
export async function retryOnCodeClash<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 10) throw error;
    }
  }
}

export function createBookingService(deps: BookingServiceDeps) {
  const { db, clock } = deps;
  const { prisma } = db;

  return {
    async create(actor: Actor, input: CreateBooking): Promise<BookingView> {
      const organisationId = requestedOrganisation(actor, input.organisationId);
      const startsAt = new Date(input.startsAt);
      checkStartTime(startsAt, clock.now());
      // One statement, so no transaction: organisation check, booking and history entry together.
      const row = await retryOnCodeClash(() => insertBooking(db.sql, deps, actor, { organisationId, ...bookingColumns(input, startsAt) }));
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
