import { ACTIVE_STATUSES } from "../../domain/booking-lifecycle";
import { smsTexts, type JobText } from "../../domain/sms-texts";
import type { Prisma } from "../../generated/prisma/client";
import { enqueueSms, type QueuedSms } from "../sms/outbox";
import { enqueueBookingWebhook } from "../webhooks/webhooks";
import { historyRow, type HistoryActor, type HistoryEntry } from "./booking-history";
import { BOOKING_INCLUDE, type BookingRow } from "./booking-view";

type Tx = Prisma.TransactionClient;
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

const OFFERING = new Set(["open", "offered"]);

/**
 * Writes a change of a locked booking, its history entry and everything the change implies, all
 * in the caller's transaction: the organisation's webhook is told of a new status, open offers are
 * withdrawn once the job is taken or gone (with a short SMS), and an assigned interpreter hears of
 * a cancellation.
 */
export async function applyBookingChange(tx: Tx, now: Date, before: BookingRow, change: BookingChange, by: HistoryActor): Promise<BookingRow> {
  const after = await tx.booking.update({ where: { id: before.id }, data: change.data, include: BOOKING_INCLUDE });
  await tx.bookingEvent.create({ data: historyRow({ ...change.history, bookingId: before.id, at: now, by }) });
  if (change.notifyChange && after.interpreter) {
    await enqueueSms(tx, now, [{ to: after.interpreter.phone, body: smsTexts.changed(jobTextOf(after)), purpose: "changed", bookingId: after.id, interpreterId: after.interpreter.id }]);
  }
  if (after.status === before.status) return after;

  await enqueueBookingWebhook(tx, now, { bookingId: after.id, code: after.code, organisationId: after.organisationId, from: before.status, to: after.status });
  const messages: QueuedSms[] = [];
  const text = jobTextOf(after);

  if (OFFERING.has(before.status) && !OFFERING.has(after.status)) {
    await withdrawPendingOffers(tx, now, after, after.status === "unfilled" ? "expired" : "withdrawn");
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
 * gets a short SMS) or `expired` (the start passed; no SMS).
 */
export async function withdrawPendingOffers(tx: Tx, now: Date, row: BookingRow, status: "withdrawn" | "expired" = "withdrawn"): Promise<void> {
  const pending = await tx.offer.findMany({ where: { bookingId: row.id, status: "pending" }, include: { interpreter: { select: { phone: true } } } });
  if (pending.length === 0) return;
  await tx.offer.updateMany({ where: { id: { in: pending.map((offer) => offer.id) } }, data: { status, respondedAt: now } });
  if (status === "expired") return;
  await enqueueSms(
    tx,
    now,
    pending
      .filter((offer) => offer.interpreterId !== row.interpreterId)
      .map((offer) => ({ to: offer.interpreter.phone, body: smsTexts.withdrawn(row.code), purpose: "offer_withdrawn", bookingId: row.id, interpreterId: offer.interpreterId })),
  );
}

export function isActive(status: string): boolean {
  return (ACTIVE_STATUSES as readonly string[]).includes(status);
}
