import type { Actor } from "../../auth/actor";
import { ACTIVE_STATUSES } from "../../domain/booking-lifecycle";
import { smsTexts, type JobText } from "../../domain/sms-texts";
import { Prisma } from "../../generated/prisma/client";
import type { SqlTx } from "../../db/sql-transaction";
import { enqueueSms, type QueuedSms } from "../sms/outbox";
import { UUID_V7_SQL } from "../../lib/encoding";
import { isUuid } from "../../lib/pagination";
import { phoneReadSql, type ReadContext } from "../privacy/read-audit";
import { bookingWebhookSql } from "../webhooks/webhooks";
import { historyInsertSql, statementParams, type AddParam, type HistoryActor, type HistoryEntry } from "./booking-history";
import { BOOKING_COLUMNS, bookingCastSql, bookingRowOf, bookingRowSql, visibleBookingSql, type BookingColumn, type BookingRow } from "./booking-view";

type Tx = SqlTx;
type JobTextRow = Pick<BookingRow, "code" | "language" | "dialect" | "startsAt" | "endsAt" | "mode" | "street" | "postcode" | "city" | "room" | "setting" | "sensitive" | "contactName" | "contactPhone"> & {
  organisation: { name: string };
};

export interface BookingChange {
  data: Prisma.BookingUncheckedUpdateInput;
  history: Omit<HistoryEntry, "bookingId" | "at" | "by">;
  /** The assigned interpreter is told of a new time or place. */
  notifyChange?: boolean;
}

/** The parts of a booking every text about the job is made of (SMS, calendar events). */
export function jobTextOf(row: JobTextRow): JobText {
  return {
    code: row.code,
    language: row.language,
    dialect: row.dialect,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    mode: row.mode,
    organisationName: row.organisation.name,
    street: row.street,
    postcode: row.postcode,
    city: row.city,
    room: row.room,
    setting: row.setting,
    sensitive: row.sensitive,
    contactName: row.contactName,
    contactPhone: row.contactPhone,
  };
}

/**
 * Locks the booking row for the rest of the transaction and reads it with its relations, in one
 * statement; null when it does not exist or the actor may not see it.
 *
 * @example
 * const row = await lockBooking(tx, id, actor); // SELECT … FROM "Booking" b WHERE … FOR UPDATE
 */
export async function lockBooking(tx: Tx, id: string, actor?: Actor): Promise<BookingRow | null> {
  return (await lockRows(tx, id, actor, null))?.row ?? null;
}

/**
 * `lockBooking`, then the row of the interpreter `interpreterId` (unless erased), in one statement:
 * the interpreter's CTE waits for the booking's row (`EXISTS (SELECT 1 FROM booking)`), so the
 * locks are taken in the same order as everywhere else. `interpreterLocked` false: no such person
 * (or an erased one); nothing is locked when the booking is not found.
 *
 * @example
 * const locked = await lockBookingAndInterpreter(tx, bookingId, actor, interpreterId);
 */
export async function lockBookingAndInterpreter(tx: Tx, id: string, actor: Actor | undefined, interpreterId: string): Promise<{ row: BookingRow; interpreterLocked: boolean } | null> {
  return isUuid(interpreterId) ? lockRows(tx, id, actor, interpreterId) : null;
}

/**
 * The locks of `lockBooking` and `lockBookingAndInterpreter` (this interpreter too unless null).
 *
 * @example
 * const locked = await lockRows(tx, bookingId, actor, null); // { row, interpreterLocked: false } | null
 */
export async function lockRows(tx: Tx, id: string, actor: Actor | undefined, interpreterId: string | null): Promise<{ row: BookingRow; interpreterLocked: boolean } | null> {
  const select = isUuid(id) ? visibleBookingSql(id, actor) : null;
  if (!select) return null;
  const booking = Prisma.sql`${select} FOR UPDATE`;
  const sql =
    interpreterId === null
      ? booking
      : Prisma.sql`WITH booking AS (${booking}),
         interpreter AS (SELECT i."id" FROM "Interpreter" i WHERE i."id" = ${interpreterId}::uuid AND i."erasedAt" IS NULL AND EXISTS (SELECT 1 FROM booking) FOR UPDATE)
         SELECT booking.*, EXISTS (SELECT 1 FROM interpreter) AS "interpreterLocked" FROM booking`;
  const [raw] = await tx.$queryRaw<Record<string, unknown>[]>(sql);
  if (!raw) return null;
  const interpreterLocked = raw.interpreterLocked;
  const row = bookingRowOf(raw);
  // After waiting for the lock, PostgreSQL re-reads the booking row but the subqueries still see
  // the statement's snapshot: an interpreter created while this waited would be missing. Read
  // again: a new statement, a new snapshot.
  if (row.interpreterId && !row.interpreter) {
    const [again] = await tx.$queryRaw<Record<string, unknown>[]>(select);
    return again ? { row: bookingRowOf(again), interpreterLocked: interpreterLocked === true } : null;
  }
  return { row, interpreterLocked: interpreterLocked === true };
}

const OFFERING = new Set(["open", "offered"]);

/**
 * The CTEs that end the pending offers of a booking and queue the short SMS to each offeree
 * except `keeper` (an SQL expression: the interpreter who took the job, if any). `expired`
 * offers get no SMS.
 */
function withdrawOffersSql(param: AddParam, now: Date, bookingId: string, code: string, status: "withdrawn" | "expired", keeper: string, acceptedOfferId?: string): string[] {
  const booking = param(bookingId, "::uuid");
  const at = param(now, "::timestamptz");
  // The accepted offer is another CTE's: PostgreSQL applies only one of two updates of a row in one statement.
  const accepted = acceptedOfferId ? ` AND "id" <> ${param(acceptedOfferId, "::uuid")}` : "";
  const ended = `ended_offers AS (
    UPDATE "Offer" SET "status" = ${param(status, '::text::"OfferStatus"')}, "respondedAt" = ${at}
    WHERE "bookingId" = ${booking} AND "status" = 'pending'${accepted} RETURNING "interpreterId")`;
  if (status === "expired") return [ended];
  return [
    ended,
    `withdrawn_sms AS (
      INSERT INTO "SmsMessage" ("id", "direction", "to", "body", "purpose", "bookingId", "interpreterId", "status", "createdAt", "nextAttemptAt")
      SELECT ${UUID_V7_SQL}, 'outbound'::"SmsDirection", i."phone", ${param(smsTexts.withdrawn(code), "::text")}, 'offer_withdrawn', ${booking}, i."id", 'queued'::"SmsStatus", ${at}, ${at}
      FROM ended_offers e JOIN "Interpreter" i ON i."id" = e."interpreterId"
      WHERE e."interpreterId" IS DISTINCT FROM ${keeper})`,
  ];
}

/** `SET` assignments for the plain column values of a change (no Prisma operations such as `increment`). */
function setSql(param: AddParam, data: Prisma.BookingUncheckedUpdateInput): string[] {
  return Object.entries(data)
    .filter(([, value]) => value !== undefined)
    .map(([column, value]) => {
      if (!Object.hasOwn(BOOKING_COLUMNS, column) || column === "updatedAt" || (value !== null && typeof value === "object" && !(value instanceof Date))) {
        throw new Error(`applyBookingChange cannot write ${column} = ${JSON.stringify(value)}`);
      }
      return `"${column}" = ${param(value, bookingCastSql(column as BookingColumn))}`;
    });
}

/**
 * Writes a change of a locked booking, its history entry and everything the change implies, all
 * in the caller's transaction: the organisation's webhook is told of a new status, open offers are
 * withdrawn once the job is taken or gone (with a short SMS), and an assigned interpreter hears of
 * a cancellation. The update, the history entry, the webhook and the withdrawn offers are one
 * statement (CTEs); SMS to the (former) interpreter, rare, a second one. `phoneRead`: the answer
 * will show the interpreter's phone to this reader, recorded in the same statement.
 * `acceptedOffer`: the offer whose yes this change is, marked accepted in the same statement (and
 * not withdrawn with the others). `alsoWrite`: further CTEs of the caller (`name AS (…)`, with
 * its parameters added through `param`) that go with the change — a round trip each saved on the
 * busiest paths (an SMS yes, an offer wave).
 *
 * @example
 * const after = await applyBookingChange(tx, now, row, { data: { status: "unfilled" }, history: { action: "unfilled", from: row.status, to: "unfilled" } }, SYSTEM);
 */
export async function applyBookingChange(
  tx: Tx,
  now: Date,
  before: BookingRow,
  change: BookingChange,
  by: HistoryActor,
  options: { phoneRead?: ReadContext | undefined; acceptedOffer?: string; alsoWrite?: (param: AddParam) => string[] } = {},
): Promise<BookingRow> {
  const { values, param } = statementParams();
  const toStatus = (change.data.status as BookingRow["status"] | undefined) ?? before.status;
  const ctes = [
    `updated AS (UPDATE "Booking" SET ${[...setSql(param, change.data), `"updatedAt" = ${param(now, "::timestamptz")}`].join(", ")}
      WHERE "id" = ${param(before.id, "::uuid")} RETURNING *)`,
    `history AS (${historyInsertSql(param, { ...change.history, bookingId: before.id, at: now, by })})`,
  ];
  if (toStatus !== before.status) {
    ctes.push(`webhook AS (${bookingWebhookSql(param, now, { bookingId: before.id, code: before.code, organisationId: before.organisationId, from: before.status, to: toStatus })})`);
    if (OFFERING.has(before.status) && !OFFERING.has(toStatus)) {
      ctes.push(...withdrawOffersSql(param, now, before.id, before.code, toStatus === "unfilled" ? "expired" : "withdrawn", `(SELECT "interpreterId" FROM updated)`, options.acceptedOffer));
    }
  }
  if (options.acceptedOffer) {
    ctes.push(`accepted_offer AS (UPDATE "Offer" SET "status" = 'accepted', "respondedAt" = ${param(now, "::timestamptz")} WHERE "id" = ${param(options.acceptedOffer, "::uuid")})`);
  }
  if (options.phoneRead) ctes.push(`phone_read AS (${phoneReadSql(param, options.phoneRead, `(SELECT "interpreterId" FROM updated)`)})`);
  if (options.alsoWrite) ctes.push(...options.alsoWrite(param));
  const [raw] = await tx.$queryRawUnsafe<Record<string, unknown>[]>(`WITH ${ctes.join(",\n")} SELECT ${bookingRowSql("u")} FROM updated u`, ...values);
  if (!raw) throw new Error(`Booking ${before.id} vanished while locked`);
  const after = bookingRowOf(raw);

  const messages: QueuedSms[] = [];
  const text = jobTextOf(after);
  if (change.notifyChange && after.interpreter) {
    messages.push({ to: after.interpreter.phone, body: smsTexts.changed(text), purpose: "changed", bookingId: after.id, interpreterId: after.interpreter.id });
  }
  if (before.status === "assigned" && before.interpreter && after.status === "cancelled") {
    messages.push({ to: before.interpreter.phone, body: smsTexts.cancelled(text), purpose: "cancelled", bookingId: after.id, interpreterId: before.interpreter.id });
  }
  if (before.status === "assigned" && before.interpreter && after.status === "open" && by.type !== "sms") {
    messages.push({ to: before.interpreter.phone, body: smsTexts.withdrawalReceived(after.code), purpose: "withdrawal_received", bookingId: after.id, interpreterId: before.interpreter.id });
  }
  await enqueueSms(tx, now, messages);
  return after;
}

/**
 * Ends the pending offers of a booking: `withdrawn` (taken, cancelled or changed; each offeree
 * other than the booking's interpreter gets a short SMS) or `expired` (the start passed; no SMS).
 * One statement.
 */
export async function withdrawPendingOffers(tx: Tx, now: Date, row: BookingRow, status: "withdrawn" | "expired" = "withdrawn"): Promise<void> {
  const { values, param } = statementParams();
  // Every parameter sent must appear in the statement: the keeper only where SMS are written.
  const keeper = status === "withdrawn" ? param(row.interpreterId, "::uuid") : "NULL";
  const ctes = withdrawOffersSql(param, now, row.id, row.code, status, keeper);
  await tx.$executeRawUnsafe(`WITH ${ctes.join(",\n")} SELECT 1`, ...values);
}

export function isActive(status: string): boolean {
  return (ACTIVE_STATUSES as readonly string[]).includes(status);
}
