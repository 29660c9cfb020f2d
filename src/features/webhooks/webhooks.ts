import type { Database } from "../../db/database";
import type { Prisma } from "../../generated/prisma/client";
import type { Clock } from "../../lib/clock";
import { toHex, uuidV7 } from "../../lib/encoding";
import type { Logger } from "../../lib/logger";
import { toBase64Url, type RandomSource } from "../../lib/random";

type Tx = Prisma.TransactionClient;

export const SIGNATURE_HEADER = "X-Dolmetscherpool-Signature";
export const TIMESTAMP_HEADER = "X-Dolmetscherpool-Timestamp";

export interface BookingStatusEvent {
  event: "booking.status_changed";
  bookingId: string;
  code: string;
  organisationId: string;
  from: string | null;
  to: string;
  at: string;
}

/** A new webhook secret: 256 random bits. */
export function newWebhookSecret(random: RandomSource): string {
  return `whsec_${toBase64Url(random.bytes(32))}`;
}

/**
 * HMAC-SHA256 over `<timestamp>.<body>`, hex: what the organisation recomputes with its secret to
 * trust a delivery (the timestamp guards against replays).
 *
 * @example
 * await signWebhook("whsec_…", "1764000000", '{"event":"booking.status_changed",…}'); // "sha256=3f…"
 */
export async function signWebhook(secret: string, timestamp: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${body}`));
  return `sha256=${toHex(signature)}`;
}

/**
 * The INSERT … SELECT that queues a status change for the organisation's webhook, if it has one
 * (nothing otherwise), for statements that write a change and its consequences together.
 * `param` adds a parameter and returns its placeholder.
 *
 * @example
 * const sql = bookingWebhookSql(param, now, { bookingId, code: "4711", organisationId, from: "open", to: "assigned" });
 */
export function bookingWebhookSql(param: (value: unknown, cast: string) => string, now: Date, event: Omit<BookingStatusEvent, "event" | "at">): string {
  const payload: BookingStatusEvent = { event: "booking.status_changed", ...event, at: now.toISOString() };
  const at = param(now, "::timestamptz");
  return `INSERT INTO "WebhookDelivery" ("id", "organisationId", "url", "payload", "status", "attempts", "createdAt", "nextAttemptAt")
    SELECT ${param(uuidV7(), "::uuid")}, o."id", o."webhookUrl", ${param(JSON.stringify(payload), "::jsonb")}, 'pending'::"WebhookStatus", 0, ${at}, ${at}
    FROM "Organisation" o WHERE o."id" = ${param(event.organisationId, "::uuid")} AND o."webhookUrl" IS NOT NULL`;
}

/** Queues a status change for the organisation's webhook (if it has one), in the caller's transaction: one statement. */
export async function enqueueBookingWebhook(tx: Tx, now: Date, event: Omit<BookingStatusEvent, "event" | "at">): Promise<void> {
  const params: unknown[] = [];
  const sql = bookingWebhookSql((value, cast) => `$${params.push(value)}${cast}`, now, event);
  await tx.$executeRawUnsafe(sql, ...params);
}

const MAX_ATTEMPTS = 8;
const TIMEOUT_MS = 10_000;

export interface WebhookDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  fetch: typeof fetch;
}

/** Delivers due webhooks (claimed with SKIP LOCKED, so several instances never send one twice at once). */
export function createWebhookDelivery(deps: WebhookDeps) {
  const { prisma } = deps.db;
  return {
    async deliverDue(options: { signal?: AbortSignal } = {}): Promise<{ delivered: number; failed: number }> {
      const result = { delivered: 0, failed: 0 };
      for (;;) {
        // Stopping (shutdown): no new batch is claimed.
        if (options.signal?.aborted) return result;
        const now = deps.clock.now();
        const claimed = await prisma.$transaction(async (tx) => {
          const due = await tx.$queryRaw<{ id: string }[]>`
            SELECT "id"::text AS "id" FROM "WebhookDelivery" WHERE "status" = 'pending' AND "nextAttemptAt" <= ${now}
            ORDER BY "nextAttemptAt" LIMIT 20 FOR UPDATE SKIP LOCKED`;
          // Nothing due (most runs): no further statements.
          if (due.length === 0) return [];
          // Pushed into the future while being delivered; a crash retries it later.
          await tx.webhookDelivery.updateMany({
            where: { id: { in: due.map((row) => row.id) } },
            data: { attempts: { increment: 1 }, nextAttemptAt: new Date(now.getTime() + 5 * 60_000) },
          });
          return tx.webhookDelivery.findMany({ where: { id: { in: due.map((row) => row.id) } } });
        });
        if (claimed.length === 0) return result;
        for (const [index, delivery] of claimed.entries()) {
          if (options.signal?.aborted) {
            // Stopping between deliveries (each may wait TIMEOUT_MS for its endpoint): the ones not
            // attempted go back as they were, due now, for the next run.
            const untried = claimed.slice(index).map((entry) => entry.id);
            await prisma.webhookDelivery.updateMany({ where: { id: { in: untried } }, data: { attempts: { decrement: 1 }, nextAttemptAt: now } });
            return result;
          }
          const organisation = await prisma.organisation.findUnique({ where: { id: delivery.organisationId }, select: { webhookSecret: true, webhookUrl: true } });
          if (!organisation?.webhookSecret || organisation.webhookUrl !== delivery.url) {
            // Removed or moved since the event was queued: it is not sent anywhere (nor signed with a new secret).
            await prisma.webhookDelivery.update({ where: { id: delivery.id }, data: { status: "failed", lastError: "The webhook was removed or changed before delivery" } });
            result.failed += 1;
            continue;
          }
          const body = JSON.stringify(delivery.payload);
          const timestamp = String(Math.floor(deps.clock.now().getTime() / 1000));
          let error: string | null = null;
          try {
            const response = await deps.fetch(delivery.url, {
              method: "POST",
              headers: {
                "content-type": "application/json",
                [TIMESTAMP_HEADER]: timestamp,
                [SIGNATURE_HEADER]: await signWebhook(organisation.webhookSecret, timestamp, body),
              },
              body,
              signal: AbortSignal.timeout(TIMEOUT_MS),
            });
            if (!response.ok) error = `HTTP ${response.status}`;
          } catch (caught) {
            error = caught instanceof Error ? caught.message : String(caught);
          }
          const done = deps.clock.now();
          if (!error) {
            await prisma.webhookDelivery.update({ where: { id: delivery.id }, data: { status: "delivered", deliveredAt: done, lastError: null } });
            result.delivered += 1;
          } else {
            const giveUp = delivery.attempts >= MAX_ATTEMPTS;
            await prisma.webhookDelivery.update({
              where: { id: delivery.id },
              data: giveUp
                ? { status: "failed", lastError: error }
                : { lastError: error, nextAttemptAt: new Date(done.getTime() + 2 ** delivery.attempts * 30_000) },
            });
            deps.logger.warn({ deliveryId: delivery.id, attempt: delivery.attempts, err: error }, "webhook delivery failed");
            if (giveUp) result.failed += 1;
          }
        }
      }
    },
  };
}

export type WebhookDelivery = ReturnType<typeof createWebhookDelivery>;
