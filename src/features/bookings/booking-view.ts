import type { Actor } from "../../auth/actor";
import { isErasedPhone } from "../../domain/data-protection";
import { maskPhoneNumber } from "../../domain/phone";
import { Prisma, type Booking, type BookingEvent } from "../../generated/prisma/client";
import type { BookingView } from "./bookings.schemas";

export const BOOKING_INCLUDE = {
  organisation: { select: { name: true } },
  interpreter: { select: { id: true, name: true, phone: true } },
} as const satisfies Prisma.BookingInclude;

export type BookingRow = Prisma.BookingGetPayload<{ include: typeof BOOKING_INCLUDE }>;

/** The SQL type of each column of "Booking" (enums by their type name), for raw statements that read or write whole rows. */
export const BOOKING_COLUMNS = {
  id: "uuid", code: "text", organisationId: "uuid", seriesId: "uuid", language: "text", dialect: "text",
  startsAt: "timestamptz", endsAt: "timestamptz", durationMinutes: "int", mode: "InterpretingMode",
  street: "text", postcode: "text", city: "text", room: "text", setting: "text", topic: "BookingTopic", sensitive: "boolean",
  genderPreference: "Gender", genderRequired: "boolean", caseReference: "text", contactName: "text", contactPhone: "text", notes: "text",
  status: "BookingStatus", interpreterId: "uuid", assignedAt: "timestamptz", cancelledAt: "timestamptz", cancelledBy: "CancelledBy",
  cancellationReason: "text", lateCancellation: "boolean", outcome: "BookingOutcome", completedAt: "timestamptz",
  actualStartsAt: "timestamptz", actualMinutes: "int", travelKm: "int", completionNote: "text", needsAttention: "boolean",
  personalDataRemovedAt: "timestamptz", createdByKeyId: "uuid", createdAt: "timestamptz", updatedAt: "timestamptz",
} as const satisfies Record<keyof Booking, string>;

export type BookingColumn = keyof typeof BOOKING_COLUMNS;

/** Types the driver returns as JS values of their own; uuids and enums are read as text. */
const NATIVE_TYPES = new Set(["text", "timestamptz", "int", "boolean"]);

/** The cast of a parameter for a column of "Booking", e.g. `::timestamptz` or `::text::"BookingStatus"` (enums through text, as the embedded database needs). */
export function bookingCastSql(column: BookingColumn): string {
  const type = BOOKING_COLUMNS[column];
  return NATIVE_TYPES.has(type) || type === "uuid" ? `::${type}` : `::text::"${type}"`;
}

const selectLists = new Map<string, string>();

/**
 * The select list of some columns of the booking row (or CTE) `alias`, each read as `bookingRowOf`
 * expects it: uuids and enums as text.
 *
 * @example
 * bookingColumnsSql("b", ["id", "mode"]); // 'b."id"::text AS "id", b."mode"::text AS "mode"'
 */
export function bookingColumnsSql(alias: string, columns: readonly BookingColumn[]): string {
  return columns.map((name) => (NATIVE_TYPES.has(BOOKING_COLUMNS[name]) ? `${alias}."${name}"` : `${alias}."${name}"::text AS "${name}"`)).join(", ");
}

/**
 * The select list of a whole `BookingRow` from the booking row (or CTE) `alias`: every column,
 * the organisation's name and the interpreter as correlated subqueries. Subqueries rather than
 * joins, so the list also serves `SELECT … FOR UPDATE` and `RETURNING`. Read it with `bookingRowOf`.
 *
 * @example
 * await tx.$queryRawUnsafe(`SELECT ${bookingRowSql("b")} FROM "Booking" b WHERE b."id" = $1::uuid FOR UPDATE`, id);
 */
export function bookingRowSql(alias: string): string {
  // Built once per alias (a handful): every booking statement of every request uses it.
  let list = selectLists.get(alias);
  if (list === undefined) {
    list = [
      bookingColumnsSql(alias, Object.keys(BOOKING_COLUMNS) as BookingColumn[]),
      `(SELECT o."name" FROM "Organisation" o WHERE o."id" = ${alias}."organisationId") AS "organisationName"`,
      `(SELECT json_build_object('id', i."id", 'name', i."name", 'phone', i."phone") FROM "Interpreter" i WHERE i."id" = ${alias}."interpreterId") AS "interpreter"`,
    ].join(", ");
    selectLists.set(alias, list);
  }
  return list;
}

/** A row selected with `bookingRowSql`, turned into the `BookingRow` Prisma would return with `BOOKING_INCLUDE`. */
export function bookingRowOf(raw: Record<string, unknown>): BookingRow {
  // The driver's row, fresh for each statement, becomes the BookingRow itself: copying its 44
  // columns into a new object with a rest pattern took 18 µs a row (RESULTS.md, fix 47). What the
  // statement read besides (the organisation's name, a lock's flag) stays on it unread: every
  // reader of a BookingRow names its fields.
  raw.organisation = { name: raw.organisationName as string };
  if (typeof raw.interpreter === "string") raw.interpreter = JSON.parse(raw.interpreter);
  return raw as unknown as BookingRow;
}

/**
 * `SELECT` of the booking `id` as `bookingRowSql` reads it (alias `b`; or another select list of
 * `b`), if the actor may see it:
 * requesters their own organisation's only; no actor (the system) and other roles every booking.
 * Null when the actor can see no booking at all (a requester key without an organisation).
 *
 * @example
 * const select = visibleBookingSql(id, actor); // then Prisma.sql`${select} FOR UPDATE`
 */
export function visibleBookingSql(id: string, actor: Actor | undefined, selectList = bookingRowSql("b")): Prisma.Sql | null {
  const requester = actor?.role === "requester";
  if (requester && !actor.organisationId) return null;
  const visible = requester ? Prisma.sql` AND b."organisationId" = ${actor.organisationId}::uuid` : Prisma.empty;
  return Prisma.sql`SELECT ${Prisma.raw(selectList)} FROM "Booking" b WHERE b."id" = ${id}::uuid${visible}`;
}

export interface ViewOptions {
  /** SHARE_INTERPRETER_PHONE: requesters see the assigned interpreter's number. */
  shareInterpreterPhone: boolean;
}

/**
 * Whether booking views show this actor the assigned interpreter's phone (an erased person's
 * placeholder aside): coordinators always, requesters only if the pool shares it.
 *
 * @example
 * showsInterpreterPhone({ keyId, role: "finance", organisationId: null }, { shareInterpreterPhone: true }); // false
 */
export function showsInterpreterPhone(actor: Actor, options: ViewOptions): boolean {
  return actor.role === "coordinator" || (actor.role === "requester" && options.shareInterpreterPhone);
}

/**
 * The API view of a booking for one actor. Requesters see the assigned interpreter's name (the
 * phone only if the pool shares it); finance sees no contact or case details, which it does not need.
 */
export function toBookingView(row: BookingRow, actor: Actor, options: ViewOptions, events?: BookingEvent[]): BookingView {
  const caseDetails = actor.role !== "finance";
  // An erased person's placeholder is no number: it is not shown.
  const showPhone = showsInterpreterPhone(actor, options) && !isErasedPhone(row.interpreter?.phone ?? "");
  return {
    id: row.id,
    code: row.code,
    status: row.status,
    organisationId: row.organisationId,
    organisationName: row.organisation.name,
    seriesId: row.seriesId,
    language: row.language,
    dialect: row.dialect,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    durationMinutes: row.durationMinutes,
    mode: row.mode,
    location: row.street && row.postcode && row.city ? { street: row.street, postcode: row.postcode, city: row.city, room: row.room } : null,
    setting: row.setting,
    topic: row.topic,
    sensitive: row.sensitive,
    genderPreference: row.genderPreference && row.genderPreference !== "diverse" ? { gender: row.genderPreference, required: row.genderRequired } : null,
    ...(caseDetails
      ? { caseReference: row.caseReference, contactName: row.contactName, contactPhone: row.contactPhone, notes: row.notes }
      : {}),
    interpreterId: row.interpreterId,
    interpreter: row.interpreter
      ? { id: row.interpreter.id, name: row.interpreter.name, ...(showPhone ? { phone: row.interpreter.phone } : {}) }
      : null,
    assignedAt: row.assignedAt?.toISOString() ?? null,
    cancellation:
      row.cancelledAt && row.cancelledBy
        ? { at: row.cancelledAt.toISOString(), by: row.cancelledBy, reason: row.cancellationReason ?? "", late: row.lateCancellation ?? false }
        : null,
    completion:
      row.completedAt && row.outcome
        ? {
            at: row.completedAt.toISOString(),
            outcome: row.outcome,
            actualStartsAt: row.actualStartsAt?.toISOString() ?? null,
            actualMinutes: row.actualMinutes,
            travelKm: row.travelKm,
            note: row.completionNote,
          }
        : null,
    needsAttention: row.needsAttention,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    ...(events
      ? {
          history: events.map((event) => ({
            at: event.at.toISOString(),
            actor: { type: event.actorType, keyId: event.actorKeyId, phone: event.actorPhone ? maskPhoneNumber(event.actorPhone) : null },
            action: event.action,
            from: event.fromStatus,
            to: event.toStatus,
            reason: event.reason,
            details: event.details ?? null,
          })),
        }
      : {}),
  };
}
