import type { Database } from "../../db/database";
import { withRetry } from "../../db/transactions";
import type { Clock } from "../../lib/clock";
import type { Logger } from "../../lib/logger";
import { lockBooking } from "../bookings/booking-actions.service";
import { applyBookingChange } from "../bookings/booking-change";
import { SYSTEM } from "../bookings/booking-history";
import type { DatabaseMaintenance } from "../maintenance/database-maintenance";
import type { RetentionService } from "../privacy/retention.service";
import type { Outbox } from "../sms/outbox";
import type { WebhookDelivery } from "../webhooks/webhooks";
import type { OfferService } from "./offers.service";
import { sendReminders } from "./reminders";

export interface TickResult {
  expiredOffers: number;
  /** Bookings whose start passed with nobody assigned. */
  unfilled: number;
  wavesSent: number;
  offersSent: number;
  needsAttention: number;
  reminders: number;
  sms: { sent: number; retried: number; failed: number };
  webhooks: { delivered: number; failed: number };
  /** A stop was asked for (shutdown) while the tick ran: it left what it had not begun to the next tick. */
  interrupted: boolean;
}

export interface DispatchDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  offers: OfferService;
  outbox: Outbox;
  webhooks: WebhookDelivery;
  /** The daily data-protection job; the tick starts it when it is due (once a day across all instances). */
  retention?: Pick<RetentionService, "runIfDue">;
  /** The daily database housekeeping (embedded database only); started like the retention job. */
  maintenance?: Pick<DatabaseMaintenance, "runIfDue">;
  autoDispatch: boolean;
  reminderHours: number[];
}

/**
 * The periodic dispatch work: expire offers, send the next wave where one ended without a yes,
 * mark bookings unfilled after their start, send reminders, and hand queued SMS and webhooks
 * over. Several instances may tick at the same moment: every step claims its rows in the
 * database (row locks, SKIP LOCKED, unique rows), so nothing happens twice.
 */
export function createDispatchService(deps: DispatchDeps) {
  const { prisma } = deps.db;

  async function markUnfilled(now: Date, signal?: AbortSignal): Promise<number> {
    const due = await prisma.booking.findMany({
      where: { status: { in: ["open", "offered"] }, startsAt: { lte: now } },
      select: { id: true },
      orderBy: { startsAt: "asc" },
      take: 1000,
    });
    let changed = 0;
    for (const { id } of due) {
      if (signal?.aborted) break;
      const done = await withRetry(() =>
        prisma.$transaction(async (tx) => {
          const row = await lockBooking(tx, id);
          if (!row || (row.status !== "open" && row.status !== "offered") || row.startsAt > now) return false;
          await applyBookingChange(tx, now, row, { data: { status: "unfilled" }, history: { action: "unfilled", from: row.status, to: "unfilled", reason: "Start passed with nobody assigned" } }, SYSTEM);
          return true;
        }),
      );
      if (done) changed += 1;
    }
    return changed;
  }

  async function sendWaves(now: Date, signal?: AbortSignal): Promise<{ waves: number; offers: number; needsAttention: number }> {
    const result = { waves: 0, offers: 0, needsAttention: 0 };
    for (const bookingId of await deps.offers.bookingsDueForWave(now, deps.autoDispatch)) {
      if (signal?.aborted) break;
      try {
        const wave = await deps.offers.sendWave(bookingId, { by: SYSTEM, automatic: true });
        if (wave.offered.length > 0) {
          result.waves += 1;
          result.offers += wave.offered.length;
        } else if (wave.needsAttention) result.needsAttention += 1;
      } catch (error) {
        deps.logger.error({ bookingId, err: error }, "sending an offer wave failed");
      }
    }
    return result;
  }

  return {
    /**
     * One tick at the clock's current time; `deliver: false` leaves SMS and webhooks to the outbox
     * worker, `deliverWithinMs` sends only the SMS whose paced slot comes within that time. When
     * `signal` aborts (the process shuts down), the tick finishes the booking in hand and leaves
     * the rest to the next tick: each booking's step is a transaction of its own, so nothing is
     * half done, and a large tick cannot hold the shutdown past its timeout.
     *
     * @example
     * await dispatch.tick({ deliver: false, signal: controller.signal }); // { wavesSent: 3, …, interrupted: false }
     */
    async tick(options: { deliver?: boolean; deliverWithinMs?: number; signal?: AbortSignal } = {}): Promise<TickResult> {
      const { signal } = options;
      // Asked before each step, as a stop may come at any point of a tick.
      const going = () => !signal?.aborted;
      const now = deps.clock.now();
      const expired = await deps.offers.expireOffers(now);
      const unfilled = await markUnfilled(now, signal);
      const waves = await sendWaves(now, signal);
      const reminders = going() ? await sendReminders(deps.db, now, deps.reminderHours) : 0;
      if (going()) await deps.outbox.recoverStuck();
      // After the dispatch work, and never in its way: a failed run is logged and retried later.
      if (going()) await deps.retention?.runIfDue().catch((error: unknown) => deps.logger.error({ err: error }, "retention job failed"));
      if (going()) await deps.maintenance?.runIfDue().catch((error: unknown) => deps.logger.error({ err: error }, "database maintenance failed"));
      const deliver = (options.deliver ?? true) && going();
      return {
        expiredOffers: expired.length,
        unfilled,
        wavesSent: waves.waves,
        offersSent: waves.offers,
        needsAttention: waves.needsAttention,
        reminders,
        sms: deliver ? await deps.outbox.deliverDue({ withinMs: options.deliverWithinMs, signal }) : { sent: 0, retried: 0, failed: 0 },
        webhooks: deliver ? await deps.webhooks.deliverDue({ signal }) : { delivered: 0, failed: 0 },
        interrupted: signal?.aborted ?? false,
      };
    },

    /** Right after a reply that ended a wave or reopened a job: the next wave without waiting for the tick. */
    async redispatch(bookingId: string): Promise<void> {
      // While another offer of the wave is still pending there is nothing to do yet (one read, not a
      // transaction); sendWave checks again under the booking's lock.
      // One statement (the model query with its nested offers took two): every NEIN asks this.
      const [row] = await prisma.$queryRaw<{ status: string; pending: boolean }[]>`
        SELECT b."status"::text AS "status", EXISTS (SELECT 1 FROM "Offer" o WHERE o."bookingId" = b."id" AND o."status" = 'pending') AS "pending"
        FROM "Booking" b WHERE b."id" = ${bookingId}::uuid`;
      const continues = row?.status === "offered" || (row?.status === "open" && deps.autoDispatch);
      if (continues && !row.pending) await deps.offers.sendWave(bookingId, { by: SYSTEM, automatic: true });
    },
  };
}

export type DispatchService = ReturnType<typeof createDispatchService>;
