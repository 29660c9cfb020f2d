import type { Database } from "../../db/database";
import { withRetry } from "../../db/transactions";
import type { Clock } from "../../lib/clock";
import { SYSTEM, historyRow } from "../bookings/booking-history";

export interface TickResult {
  /** Bookings whose start passed with nobody assigned. */
  unfilled: number;
}

const BATCH = 500;

/**
 * The periodic dispatch work. Several service instances may tick at the same moment: each claims
 * rows with `FOR UPDATE SKIP LOCKED`, so every change happens exactly once.
 */
export function createDispatchService({ db, clock }: { db: Database; clock: Clock }) {
  const { prisma } = db;

  async function markUnfilled(now: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const changed = await withRetry(() =>
        prisma.$transaction(async (tx) => {
          const due = await tx.$queryRaw<{ id: string; status: "open" | "offered" }[]>`
            SELECT "id"::text AS "id", "status"::text AS "status" FROM "Booking"
            WHERE "status" IN ('open', 'offered') AND "startsAt" <= ${now}
            ORDER BY "startsAt" LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`;
          if (due.length === 0) return 0;
          await tx.booking.updateMany({ where: { id: { in: due.map((row) => row.id) } }, data: { status: "unfilled" } });
          await tx.bookingEvent.createMany({
            data: due.map((row) =>
              historyRow({ bookingId: row.id, at: now, by: SYSTEM, action: "unfilled", from: row.status, to: "unfilled", reason: "Start passed with nobody assigned" }),
            ),
          });
          return due.length;
        }),
      );
      total += changed;
      if (changed < BATCH) return total;
    }
  }

  return {
    /** One tick: everything that is due at the clock's current time. */
    async tick(): Promise<TickResult> {
      const now = clock.now();
      return { unfilled: await markUnfilled(now) };
    },
  };
}

export type DispatchService = ReturnType<typeof createDispatchService>;
