import type { Actor } from "../../auth/actor";
import type { BookingStatus } from "../../domain/booking-lifecycle";
import type { Prisma } from "../../generated/prisma/client";
import { uuidV7 } from "../../lib/encoding";

/** Who caused a change: an API key, an SMS sender, or the service itself (the dispatch tick). */
export type HistoryActor = { type: "key"; keyId: string } | { type: "sms"; phone: string } | { type: "system" };

export const actorOf = (actor: Actor): HistoryActor => ({ type: "key", keyId: actor.keyId });
export const SYSTEM: HistoryActor = { type: "system" };

export interface HistoryEntry {
  bookingId: string;
  at: Date;
  by: HistoryActor;
  action: string;
  from?: BookingStatus | null;
  to?: BookingStatus | null;
  reason?: string | null;
  details?: Prisma.InputJsonValue;
}

/** Adds a parameter to a statement under construction and returns its placeholder with a cast, e.g. `$3::uuid`. */
export type AddParam = (value: unknown, cast: string) => string;

/**
 * A statement under construction: `param` adds a value and returns its placeholder; run the text
 * with `values` in order (`$queryRawUnsafe(text, ...values)`). The same value with the same cast
 * (a string, number, boolean, null or the same instant) gets the same placeholder: statements that
 * combine several parts (a change with its history, SMS and offers) name the booking and the time
 * in many places, and each parameter is parsed and bound on every run.
 *
 * @example
 * const { values, param } = statementParams();
 * const sql = `SELECT * FROM "Booking" WHERE "id" = ${param(id, "::uuid")} OR "seriesId" = ${param(id, "::uuid")}`; // $1::uuid twice, values [id]
 */
export function statementParams(): { values: unknown[]; param: AddParam } {
  const values: unknown[] = [];
  const placed = new Map<string, string>();
  const param: AddParam = (value, cast) => {
    const key = sameValueKey(value);
    if (key === null) return `$${values.push(value)}${cast}`;
    const slot = `${cast}\u0000${key}`;
    const known = placed.get(slot);
    if (known) return known;
    const placeholder = `$${values.push(value)}${cast}`;
    placed.set(slot, placeholder);
    return placeholder;
  };
  return { values, param };
}

/** A key equal for equal values that may share a placeholder; null for values that never do (objects, arrays). */
function sameValueKey(value: unknown): string | null {
  if (value === null || value === undefined) return String(value);
  if (value instanceof Date) return `date:${value.getTime()}`;
  const type = typeof value;
  return type === "string" || type === "number" || type === "boolean" || type === "bigint" ? `${type}:${String(value)}` : null;
}

/**
 * Which booking an entry is about: an id, or the row of a row source earlier in the same
 * statement (a CTE such as `inserted`), for changes whose row only that statement knows — and
 * which write no entry when the source is empty. The source holds at most one row: the entry's
 * id is made here, in the order of the process's other ids (history lists by time, then id).
 */
export type HistoryTarget = { bookingId: string; bookingIdFrom?: never } | { bookingIdFrom: { source: string; column: string }; bookingId?: never };

/**
 * The INSERT of a history entry, for statements that write a change and its history together.
 *
 * @example
 * historyInsertSql(param, { bookingId, at: now, by: SYSTEM, action: "unfilled", from: "open", to: "unfilled" }); // INSERT … VALUES (…)
 * historyInsertSql(param, { bookingIdFrom: { source: "inserted", column: "id" }, at: now, by, action: "created", to: "open" }); // INSERT … SELECT … FROM inserted
 */
export function historyInsertSql(param: AddParam, entry: Omit<HistoryEntry, "bookingId"> & HistoryTarget): string {
  const fromRows = "bookingIdFrom" in entry ? entry.bookingIdFrom : null;
  const values = [
    param(uuidV7(), "::uuid"),
    fromRows ? `s."${fromRows.column}"` : param(entry.bookingId, "::uuid"),
    param(entry.at, "::timestamptz"),
    param(entry.by.type, '::text::"ActorType"'),
    param(entry.by.type === "key" ? entry.by.keyId : null, "::uuid"),
    param(entry.by.type === "sms" ? entry.by.phone : null, "::text"),
    param(entry.action, "::text"),
    param(entry.from ?? null, '::text::"BookingStatus"'),
    param(entry.to ?? null, '::text::"BookingStatus"'),
    param(entry.reason ?? null, "::text"),
    param(entry.details === undefined ? null : JSON.stringify(entry.details), "::jsonb"),
  ].join(", ");
  const insert = `INSERT INTO "BookingEvent" ("id", "bookingId", "at", "actorType", "actorKeyId", "actorPhone", "action", "fromStatus", "toStatus", "reason", "details")`;
  return fromRows ? `${insert} SELECT ${values} FROM ${fromRows.source} s` : `${insert} VALUES (${values})`;
}
