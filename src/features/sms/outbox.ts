import { PRISMA_UNIQUE_VIOLATION, prismaErrorCode, type Database } from "../../db/database";
import { isErasedPhone } from "../../domain/data-protection";
import { Prisma, type SmsStatus } from "../../generated/prisma/client";
import type { SqlTx } from "../../db/sql-transaction";
import { statementParams, type AddParam } from "../bookings/booking-history";
import type { Clock } from "../../lib/clock";
import { uuidV7 } from "../../lib/encoding";
import type { Logger } from "../../lib/logger";
import { isUuid } from "../../lib/pagination";
import type { SentSms, SmsSender } from "../../sms/sms-sender";

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
 * the change it reports was committed. The outbox worker sends them. Returns their ids in the
 * order given.
 *
 * One raw INSERT rather than `createManyAndReturn`: Prisma compiles createMany queries anew on
 * every call (its query-plan cache leaves them out), about 1 ms of CPU for three rows against
 * 0.2 ms for this statement — and every offer wave, assignment and cancellation queues SMS.
 *
 * @example
 * const [queued] = await enqueueSms(tx, now, [{ to: "+4915112345678", body: "…", purpose: "offer", bookingId }]);
 */
export async function enqueueSms(tx: Pick<SqlTx, "$executeRawUnsafe">, now: Date, messages: QueuedSms[]): Promise<{ id: string; to: string }[]> {
  if (messages.length === 0) return [];
  const { values, param } = statementParams();
  const { sql, queued } = outboxInsertSql(param, now, messages);
  await tx.$executeRawUnsafe(sql, ...values);
  return queued;
}

/**
 * `enqueueSms`'s INSERT as text with its parameters added through `param`, for a statement that
 * writes more (e.g. a CTE of `applyBookingChange`'s `alsoWrite`); `queued` as `enqueueSms` returns it.
 *
 * @example
 * const { values, param } = statementParams();
 * const { sql, queued } = outboxInsertSql(param, now, [{ to, body, purpose: "offer", bookingId }]);
 */
export function outboxInsertSql(param: AddParam, now: Date, messages: QueuedSms[]): { sql: string; queued: { id: string; to: string }[] } {
  const queued = messages.map((message) => ({ ...message, id: uuidV7() }));
  const at = param(now, "::timestamptz");
  const rows = queued.map(
    (message) =>
      `(${param(message.id, "::uuid")}, 'outbound'::"SmsDirection", ${param(message.to, "::text")}, ${param(message.body, "::text")}, ${param(message.purpose, "::text")},
        ${param(message.bookingId ?? null, "::uuid")}, ${param(message.interpreterId ?? null, "::uuid")}, 'queued'::"SmsStatus", ${at}, ${at})`,
  );
  return {
    sql: `INSERT INTO "SmsMessage" ("id", "direction", "to", "body", "purpose", "bookingId", "interpreterId", "status", "createdAt", "nextAttemptAt")
      VALUES ${rows.join(", ")}`,
    queued: queued.map((message) => ({ id: message.id, to: message.to })),
  };
}

export interface OutboxDeps {
  db: Database;
  clock: Clock;
  sms: SmsSender;
  logger: Logger;
  /** Waits; injected so tests with a fake clock do not wait for real. */
  sleep: (milliseconds: number, signal?: AbortSignal) => Promise<void>;
  ratePerSecond: number;
  /** POST /v1/sms/status at the public address; each message's own id is added to it. */
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
/** Twilio's MessageSid is 34 characters; anything much longer is no sid of ours to store. */
const MAX_SID_LENGTH = 64;

/**
 * The statuses `status` may replace: lower ranks, and another final status (undelivered, then
 * failed). Used as the condition of the UPDATE itself, so the order holds whichever write of
 * whichever instance comes last.
 *
 * @example
 * replaceableBy("sent"); // ["queued", "sending", "unknown"]
 */
function replaceableBy(status: SmsStatus): SmsStatus[] {
  return (Object.keys(RANK) as SmsStatus[]).filter((other) => other !== status && other !== "received" && RANK[other] <= RANK[status]);
}

/**
 * Where Twilio reports on one message: the status callback with the message's own id, so a report
 * that comes before the send's answer was stored (Twilio may be that fast) still finds it.
 *
 * @example
 * statusCallbackFor("https://pool.example.org/v1/sms/status", id); // "https://pool.example.org/v1/sms/status?message=<id>"
 */
function statusCallbackFor(statusCallbackUrl: string, messageId: string): string {
  const url = new URL(statusCallbackUrl);
  url.searchParams.set("message", messageId);
  return url.toString();
}

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
      // The due messages first: a run with nothing due (most runs of an idle outbox) then ends
      // without locking, and so without writing, the shared schedule. Locked messages are
      // skipped, never waited for, so taking the schedule's lock after them cannot deadlock.
      const due = await tx.$queryRaw<{ id: string }[]>`
        SELECT "id"::text AS "id" FROM "SmsMessage"
        WHERE "direction" = 'outbound' AND "status" = 'queued' AND "nextAttemptAt" <= ${now}
        ORDER BY "nextAttemptAt", "createdAt", "id" LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
      if (due.length === 0) return [];
      await tx.$executeRaw`INSERT INTO "SmsThrottle" ("id", "nextSlotAt") VALUES (${THROTTLE_ID}, ${now}) ON CONFLICT ("id") DO NOTHING`;
      const [throttle] = await tx.$queryRaw<{ nextSlotAt: Date }[]>`SELECT "nextSlotAt" FROM "SmsThrottle" WHERE "id" = ${THROTTLE_ID} FOR UPDATE`;
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

  /**
   * The outbound message a report is about: by its sid, or else by the id in the callback URL if
   * that message has no sid yet (or this one, stored meanwhile by the send or another report).
   */
  async function reportedMessage(providerSid: string, messageId: string | undefined) {
    if (!providerSid || providerSid.length > MAX_SID_LENGTH) return null;
    const known = await prisma.smsMessage.findUnique({ where: { providerSid, direction: "outbound" } });
    if (known || !messageId || !isUuid(messageId)) return known;
    try {
      const [attached] = await prisma.smsMessage.updateManyAndReturn({
        where: { id: messageId, direction: "outbound", OR: [{ providerSid: null }, { providerSid }] },
        data: { providerSid },
      });
      return attached ?? null;
    } catch (error) {
      // Another message got this sid meanwhile: the report is about that one.
      if (prismaErrorCode(error) !== PRISMA_UNIQUE_VIOLATION) throw error;
      return prisma.smsMessage.findUnique({ where: { providerSid, direction: "outbound" } });
    }
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
    let sent: SentSms;
    try {
      sent = await deps.sms.send({
        to: message.to,
        body: message.body,
        ...(deps.statusCallbackUrl ? { statusCallbackUrl: statusCallbackFor(deps.statusCallbackUrl, id) } : {}),
      });
    } catch (error) {
      return sendFailed(message, error);
    }
    // Outside the try: a failed write after the provider took the message must not send it again
    // (it stays `sending` and becomes `unknown`). A delivery report may have come first and stored
    // the sid with 'delivered' or 'undelivered': then only the sid and the sending time go here.
    const now = deps.clock.now();
    const handedOver = { providerSid: sent.providerSid, sentAt: now };
    const { count } = await prisma.smsMessage.updateMany({
      where: { id, status: { in: replaceableBy("sent") } },
      data: { ...handedOver, status: "sent", statusUpdatedAt: now, lastError: null },
    });
    if (count === 0) await prisma.smsMessage.updateMany({ where: { id }, data: handedOver });
    return "sent";
  }

  /** Queues a message again with backoff after the provider refused it, or gives up after MAX_ATTEMPTS. */
  async function sendFailed(message: { id: string; attempts: number }, error: unknown): Promise<"retry" | "failed" | "skipped"> {
    const reason = error instanceof Error ? error.message : String(error);
    const retry = message.attempts < MAX_ATTEMPTS;
    const delay = (BACKOFF_SECONDS[message.attempts - 1] ?? BACKOFF_SECONDS[BACKOFF_SECONDS.length - 1]!) * 1000;
    const now = deps.clock.now();
    // Only while still `sending`: a report that came meanwhile says the provider has it after all
    // (its answer was lost on the way back), so it is neither queued again nor marked failed.
    const { count } = await prisma.smsMessage.updateMany({
      where: { id: message.id, status: "sending" },
      data: retry
        ? { status: "queued", nextAttemptAt: new Date(now.getTime() + delay), lastError: reason.slice(0, 500) }
        : { status: "failed", lastError: reason.slice(0, 500), statusUpdatedAt: now },
    });
    if (count === 0) {
      deps.logger.warn({ messageId: message.id, err: reason }, "SMS send failed, but the message was reported or recovered meanwhile: left as it is");
      return "skipped";
    }
    deps.logger.warn({ messageId: message.id, attempt: message.attempts, retry, err: reason }, "SMS send failed");
    return retry ? "retry" : "failed";
  }

  return {
    /**
     * Sends everything due now, paced to the rate; returns what happened. With `withinMs` it stops
     * before a send slot that lies further ahead: those messages stay queued for the next run (an
     * HTTP request must not wait for a long paced queue).
     */
    async deliverDue(options: { withinMs?: number; signal?: AbortSignal } = {}): Promise<{ sent: number; retried: number; failed: number }> {
      const result = { sent: 0, retried: 0, failed: 0 };
      const deadline = options.withinMs === undefined ? Number.POSITIVE_INFINITY : deps.clock.now().getTime() + options.withinMs;
      for (;;) {
        const claimed = await claim(deps.clock.now());
        if (claimed.length === 0) return result;
        for (const { id, slot } of claimed) {
          // Stopping (shutdown): messages claimed but not sent stay queued for their slot, and the
          // next run (this instance's after a restart, or another's) sends them.
          if (slot.getTime() > deadline || options.signal?.aborted) return result;
          const wait = slot.getTime() - deps.clock.now().getTime();
          if (wait > 0) await deps.sleep(wait, options.signal);
          if (options.signal?.aborted) return result;
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

    /**
     * Applies a delivery report (POST /v1/sms/status); returns the message (as it is now) if it
     * is ours. `messageId` is the id the status callback URL carries: it finds a message whose
     * send's answer was not stored yet, and the report stores the sid on it. A lower status never
     * replaces a higher one, checked in the UPDATE itself.
     */
    async recordStatus(providerSid: string, providerStatus: string, errorCode?: string, messageId?: string) {
      // Own keys only: "constructor" or "__proto__" are no statuses.
      const key = providerStatus.toLowerCase();
      const status = Object.hasOwn(PROVIDER_STATUS, key) ? PROVIDER_STATUS[key] : undefined;
      const message = await reportedMessage(providerSid, messageId);
      if (!message || !status) return message;
      const [updated] = await prisma.smsMessage.updateManyAndReturn({
        where: { id: message.id, status: { in: replaceableBy(status) } },
        data: { status, statusUpdatedAt: deps.clock.now(), ...(errorCode ? { lastError: `Provider error ${errorCode}` } : {}) },
      });
      return updated ?? prisma.smsMessage.findUnique({ where: { id: message.id } });
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
