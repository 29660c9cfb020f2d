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

/** The row of a history entry; written in the same transaction as the change it records. */
export function historyRow(entry: HistoryEntry): Prisma.BookingEventCreateManyInput {
  return {
    bookingId: entry.bookingId,
    at: entry.at,
    actorType: entry.by.type,
    actorKeyId: entry.by.type === "key" ? entry.by.keyId : null,
    actorPhone: entry.by.type === "sms" ? entry.by.phone : null,
    action: entry.action,
    fromStatus: entry.from ?? null,
    toStatus: entry.to ?? null,
    reason: entry.reason ?? null,
    ...(entry.details === undefined ? {} : { details: entry.details }),
  };
}

/** Adds a parameter to a statement under construction and returns its placeholder with a cast, e.g. `$3::uuid`. */
export type AddParam = (value: unknown, cast: string) => string;

/**
 * The INSERT of a history entry, for statements that write a change and its history together.
 *
 * @example
 * const sql = historyInsertSql(param, { bookingId, at: now, by: SYSTEM, action: "unfilled", from: "open", to: "unfilled" });
 */
export function historyInsertSql(param: AddParam, entry: HistoryEntry): string {
  const row = historyRow(entry);
  return `INSERT INTO "BookingEvent" ("id", "bookingId", "at", "actorType", "actorKeyId", "actorPhone", "action", "fromStatus", "toStatus", "reason", "details")
    VALUES (${[
      param(uuidV7(), "::uuid"),
      param(row.bookingId, "::uuid"),
      param(row.at, "::timestamptz"),
      param(row.actorType, '::text::"ActorType"'),
      param(row.actorKeyId, "::uuid"),
      param(row.actorPhone, "::text"),
      param(row.action, "::text"),
      param(row.fromStatus, '::text::"BookingStatus"'),
      param(row.toStatus, '::text::"BookingStatus"'),
      param(row.reason, "::text"),
      param(entry.details === undefined ? null : JSON.stringify(entry.details), "::jsonb"),
    ].join(", ")})`;
}
