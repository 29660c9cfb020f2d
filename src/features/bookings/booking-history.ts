import type { Actor } from "../../auth/actor";
import type { BookingStatus } from "../../domain/booking-lifecycle";
import type { Prisma } from "../../generated/prisma/client";

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
