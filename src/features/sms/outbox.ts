import type { Database } from "../../db/database";
import { isErasedPhone } from "../../domain/data-protection";
import type { Prisma, SmsStatus } from "../../generated/prisma/client";
import type { Clock } from "../../lib/clock";
import type { Logger } from "../../lib/logger";
import type { SmsSender } from "../../sms/sms-sender";

type Tx = Prisma.TransactionClient;

export interface QueuedSms {
  to: string;
  body: string;
  /** What it is for: offer, confirmation, withdrawn, reminder_24h, cancelled, … */
  purpose: string;
  bookingId?: string | null;
  interpreterId?: string | null;
}

/**
 * Writes messages to the outbox inside the caller's transaction, so an SMS exists exactly when
 * the change it reports was committed. The outbox worker sends them.
 */
export async function enqueueSms(tx: Tx, now: Date, messages: QueuedSms[]): Promise<{ id: string; to: string }[]> {
  if (messages.length === 0) return [];
  return tx.smsMessage.createManyAndReturn({
    data: messages.map((message) => ({
      direction: "outbound" as const,
      to: message.to,
      body: message.body,
      purpose: message.purpose,
      bookingId: message.bookingId ?? null,
      interpreterId: message.interpreterId ?? null,
      status: "queued" as const,
      createdAt: now,
      nextAttemptAt: now,
    })),
    select: { id: true, to: true },
  });
}

export interface OutboxDeps {
  db: Database;
  clock: Clock;
  sms: SmsSender;
  logger: Logger;
  /** Waits; injected so tests with a fake clock do not wait for real. */
  sleep: (milliseconds: number) => Promise<void>;
  ratePerSecond: number;
  statusCallbackUrl: string | null;
}

const MAX_ATTEMPTS = 5;
const BACKOFF_SECONDS = [30, 120, 600, 1800];
/** A message left in `sending` this long was being handed over when its process died. */
const STUCK_AFTER_MS = 5 * 60_000;
const THROTTLE_ID = 1;
const MAX_SCHEDULE_AHEAD_MS = 5 * 60_000;

// Twilio's statuses mapped to ours, and their order: a late "sent" never overwrites "delivered".
const PROVIDER_STATUS: Record<string, SmsStatus> = {
  accepted: "sent", queued: "sent", scheduled: "sent", sending: "sent", sent: "sent",
  delivered: "delivered", read: "delivered", undelivered: "undelivered", failed: "failed", canceled: "failed",
};
const RANK: Record<SmsStatus, number> = { queued: 0, sending: 1, unknown: 1, sent: 2, delivered: 3, undelivered: 3, failed: 3, received: 3 };

export function createOutbox(deps: OutboxDeps) {
  const { prisma } = deps.db;
  const intervalMs = Math.ceil(1000 / deps.ratePerSecond);
  const batchSize = Math.max(1, Math.ceil(deps.ratePerSecond * 5));

  /**
   * Gives due messages a send slot each from the shared schedule (one row locked by every
   * instance), so all instances together stay within SMS_RATE_PER_SECOND. They stay `queued`
   * until their slot: a process that dies while waiting leaves them to be sent by the next one.
   */
  async function claim(now: Date) {
    return prisma.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO "SmsThrottle" ("id", "nextSlotAt") VALUES (${THROTTLE_ID}, ${now}) ON CONFLICT ("id") DO NOTHING`;
      const [throttle] = await tx.$queryRaw<{ nextSlotAt: Date }[]>`SELECT "nextSlotAt" FROM "SmsThrottle" WHERE "id" = ${THROTTLE_ID} FOR UPDATE`;
      const due = await tx.$queryRaw<{ id: string }[]>`
        SELECT "id"::text AS "id" FROM "SmsMessage"
        WHERE "direction" = 'outbound' AND "status" = 'queued' AND "nextAttemptAt" <= ${now}
        ORDER BY "nextAttemptAt", "createdAt", "id" LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
      if (due.length === 0) return [];
      // A schedule further ahead than a few batches can be was left by a clock that ran fast (an
      // instance with a wrong clock, a clock set back): not waited for, or sending would stall.
      const scheduled = throttle ? Math.min(new Date(throttle.nextSlotAt).getTime(), now.getTime() + MAX_SCHEDULE_AHEAD_MS) : 0;
      let slot = Math.max(now.getTime(), scheduled);
      const claimed: { id: string; slot: Date }[] = [];
      for (const row of due) {
        claimed.push({ id: row.id, slot: new Date(slot) });
        await tx.smsMessage.update({ where: { id: row.id }, data: { nextAttemptAt: new Date(slot) } });
        slot += intervalMs;
      }
      await tx.smsThrottle.update({ where: { id: THROTTLE_ID }, data: { nextSlotAt: new Date(slot) } });
      return claimed;
    });
  }

  async function sendOne(id: string, slot: Date): Promise<"sent" | "retry" | "failed" | "skipped"> {
    // Taken for the hand-over only now, if still in the slot this process gave it: `sending` then
    // means "maybe with the provider" (see recoverStuck). Another instance may have given it a
    // new slot meanwhile (this one fell behind); then that one sends it.
    const taken = await prisma.smsMessage.updateMany({ where: { id, status: "queued", nextAttemptAt: slot }, data: { status: "sending", attempts: { increment: 1 } } });
    if (taken.count === 0) return "skipped";
    const message = await prisma.smsMessage.findUniqueOrThrow({ where: { id } });
    if (isErasedPhone(message.to)) {
      await prisma.smsMessage.update({ where: { id }, data: { status: "failed", lastError: "The recipient was erased", statusUpdatedAt: deps.clock.now() } });
      return "failed";
    }
    const optedOut = await prisma.interpreter.findFirst({ where: { phone: message.to, smsOptOutAt: { not: null } }, select: { id: true } });
    if (optedOut) {
      await prisma.smsMessage.update({ where: { id }, data: { status: "failed", lastError: "The recipient opted out (STOP)", statusUpdatedAt: deps.clock.now() } });
      return "failed";
    }
    try {
      const sent = await deps.sms.send({
        to: message.to,
        body: message.body,
        ...(deps.statusCallbackUrl ? { statusCallbackUrl: deps.statusCallbackUrl } : {}),
      });
      const now = deps.clock.now();
      await prisma.smsMessage.update({ where: { id }, data: { status: "sent", providerSid: sent.providerSid, sentAt: now, statusUpdatedAt: now, lastError: null } });
      return "sent";
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const retry = message.attempts < MAX_ATTEMPTS;
      const delay = (BACKOFF_SECONDS[message.attempts - 1] ?? BACKOFF_SECONDS[BACKOFF_SECONDS.length - 1]!) * 1000;
      const now = deps.clock.now();
      await prisma.smsMessage.update({
        where: { id },
        data: retry
          ? { status: "queued", nextAttemptAt: new Date(now.getTime() + delay), lastError: reason.slice(0, 500) }
          : { status: "failed", lastError: reason.slice(0, 500), statusUpdatedAt: now },
      });
      deps.logger.warn({ messageId: id, attempt: message.attempts, retry, err: reason }, "SMS send failed");
      return retry ? "retry" : "failed";
    }
  }

  return {
    /**
     * Sends everything due now, paced to the rate; returns what happened. With `withinMs` it stops
     * before a send slot that lies further ahead: those messages stay queued for the next run (an
     * HTTP request must not wait for a long paced queue).
     */
    async deliverDue(options: { withinMs?: number } = {}): Promise<{ sent: number; retried: number; failed: number }> {
      const result = { sent: 0, retried: 0, failed: 0 };
      const deadline = options.withinMs === undefined ? Number.POSITIVE_INFINITY : deps.clock.now().getTime() + options.withinMs;
      for (;;) {
        const claimed = await claim(deps.clock.now());
        if (claimed.length === 0) return result;
        for (const { id, slot } of claimed) {
          if (slot.getTime() > deadline) return result;
          const wait = slot.getTime() - deps.clock.now().getTime();
          if (wait > 0) await deps.sleep(wait);
          const outcome = await sendOne(id, slot);
          if (outcome !== "skipped") result[outcome === "sent" ? "sent" : outcome === "retry" ? "retried" : "failed"] += 1;
        }
      }
    },

    /**
     * Messages a dead process left in `sending` may or may not have reached the provider: they
     * become `unknown` instead of being sent again (no SMS goes out twice).
     */
    async recoverStuck(): Promise<number> {
      const cutoff = new Date(deps.clock.now().getTime() - STUCK_AFTER_MS);
      const { count } = await prisma.smsMessage.updateMany({
        where: { status: "sending", nextAttemptAt: { lt: cutoff } },
        data: { status: "unknown", lastError: "The sending process stopped while handing the message over; not sent again" },
      });
      return count;
    },

    /** Applies a delivery report (POST /v1/sms/status); returns the message if it is ours. */
    async recordStatus(providerSid: string, providerStatus: string, errorCode?: string) {
      // Own keys only: "constructor" or "__proto__" are no statuses.
      const key = providerStatus.toLowerCase();
      const status = Object.hasOwn(PROVIDER_STATUS, key) ? PROVIDER_STATUS[key] : undefined;
      const message = await prisma.smsMessage.findUnique({ where: { providerSid } });
      if (!message || !status) return message;
      if (RANK[status] < RANK[message.status] || message.status === status) return message;
      return prisma.smsMessage.update({
        where: { id: message.id },
        data: { status, statusUpdatedAt: deps.clock.now(), ...(errorCode ? { lastError: `Provider error ${errorCode}` } : {}) },
      });
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
