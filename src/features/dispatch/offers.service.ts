import type { Database } from "../../db/database";
import type { SqlTx } from "../../db/sql-transaction";
import { withRetry } from "../../db/transactions";
import { evaluateInterpreter } from "../../domain/matching";
import { smsTexts } from "../../domain/sms-texts";
import { ApiError, validationError } from "../../lib/api-error";
import type { Clock } from "../../lib/clock";
import { uuidV7 } from "../../lib/encoding";
import { isUuid } from "../../lib/pagination";
import { lockBooking, invalidTransition } from "../bookings/booking-actions.service";
import { applyBookingChange, jobTextOf } from "../bookings/booking-change";
import type { HistoryActor } from "../bookings/booking-history";
import type { BookingRow } from "../bookings/booking-view";
import { findTopCandidates } from "../bookings/candidate-search";
import { jobFactsOf, loadInterpreterFacts, readerIn } from "../bookings/matching-facts";
import type { PostcodeDistances } from "../postcodes/postcodes.service";
import { outboxInsertSql } from "../sms/outbox";

type Tx = SqlTx;

/** An offer lapses after OFFER_TTL_MINUTES, but never later than this before the start. */
const LAST_ANSWER_BEFORE_START_MS = 60 * 60_000;

export interface OfferDeps {
  db: Database;
  clock: Clock;
  travelBufferMinutes: number;
  distances: PostcodeDistances;
  offerTtlMinutes: number;
  waveSize: number;
}

export interface WaveResult {
  bookingId: string;
  wave: number | null;
  offered: { offerId: string; interpreterId: string; expiresAt: string }[];
  /** True when nobody was left to ask (or it was too late): the office has to step in. */
  needsAttention: boolean;
}

export function createOfferService(deps: OfferDeps) {
  const { prisma } = deps.db;
  const factsOptions = { travelBufferMinutes: deps.travelBufferMinutes, distances: deps.distances };

  /** Nobody left to ask: back to open, flagged for the office (once). */
  async function flagNeedsAttention(tx: Tx, row: BookingRow, now: Date, by: HistoryActor, reason: string): Promise<void> {
    if (row.needsAttention && row.status === "open") return;
    await applyBookingChange(
      tx,
      now,
      row,
      {
        data: { needsAttention: true, status: "open" },
        history: { action: "needs_attention", from: row.status, to: "open", reason },
      },
      by,
    );
  }

  /**
   * Offers a job by SMS to the given interpreters, or to the best-ranked candidates not asked
   * before. `automatic` waves only go out while no offer of the booking is still pending.
   */
  async function sendWave(
    bookingId: string,
    options: { interpreterIds?: string[]; waveSize?: number; by: HistoryActor; automatic: boolean; evenIfPending?: boolean },
  ): Promise<WaveResult> {
    const outcome = await withRetry(() =>
      // Generic plans from BEGIN on, in the same round trip: the wave ranks a pool (see readerIn),
      // and its other statements (the lock, offers, messages, the booking, its history) go by keys,
      // where the generic plan is the plan anyway.
      deps.db.transaction(async (tx): Promise<WaveResult | { tooLateFor: string }> => {
        const now = deps.clock.now();
        const row = await lockBooking(tx, bookingId);
        if (!row) throw new ApiError("NOT_FOUND", `No booking with id ${bookingId}.`);
        const empty: WaveResult = { bookingId, wave: null, offered: [], needsAttention: row.needsAttention };
        if (row.status !== "open" && row.status !== "offered") {
          if (options.automatic) return empty;
          throw invalidTransition(row, "offered");
        }
        const offers = await tx.$queryRaw<{ interpreterId: string; status: string; wave: number }[]>`
          SELECT "interpreterId"::text AS "interpreterId", "status"::text AS "status", "wave" FROM "Offer" WHERE "bookingId" = ${bookingId}::uuid`;
        if (options.automatic && !options.evenIfPending && offers.some((offer) => offer.status === "pending")) return empty;

        const expiresAt = new Date(Math.min(now.getTime() + deps.offerTtlMinutes * 60_000, row.startsAt.getTime() - LAST_ANSWER_BEFORE_START_MS));
        if (expiresAt <= now) {
          await flagNeedsAttention(tx, row, now, options.by, "Zu kurzfristig für SMS-Anfragen (weniger als 1 Stunde bis Beginn)");
          if (options.automatic) return { ...empty, needsAttention: true };
          // Thrown after the commit: throwing here would roll the flag back.
          return { tooLateFor: row.code };
        }

        const asked = new Set(offers.map((offer) => offer.interpreterId));
        const job = jobFactsOf(row);
        let chosen: string[];
        // The numbers of the automatic wave come with the ranking; named people are looked up.
        let phones: Map<string, string> | null = null;
        if (options.interpreterIds) {
          const unknown = options.interpreterIds.filter((id) => !isUuid(id));
          const { facts } = await loadInterpreterFacts(readerIn(tx), job, { interpreterIds: options.interpreterIds.filter(isUuid) }, factsOptions);
          const found = new Set(facts.map((fact) => fact.id));
          const problems = options.interpreterIds.flatMap((id, index) => {
            if (unknown.includes(id) || !found.has(id)) return [{ path: ["interpreterIds", index], message: "Unknown interpreter", in: "body" }];
            if (asked.has(id)) return [{ path: ["interpreterIds", index], message: "Already asked for this job", in: "body" }];
            const verdict = evaluateInterpreter(job, facts.find((fact) => fact.id === id)!, factsOptions);
            return verdict.eligible ? [] : [{ path: ["interpreterIds", index], message: `Cannot take this job: ${verdict.reason}`, code: verdict.rule, in: "body" }];
          });
          const reachable = await tx.$queryRaw<{ id: string }[]>`
            SELECT "id"::text AS "id" FROM "Interpreter"
            WHERE "id" = ANY(${[...found]}::uuid[]) AND "active" AND "smsConsentAt" IS NOT NULL AND "smsOptOutAt" IS NULL`;
          const contactable = new Set(reachable.map((entry) => entry.id));
          options.interpreterIds.forEach((id, index) => {
            if (found.has(id) && !contactable.has(id)) problems.push({ path: ["interpreterIds", index], message: "Cannot be reached by SMS (no consent, or opted out)", in: "body" });
          });
          if (problems.length > 0) throw validationError("Some interpreters cannot be offered this job.", problems);
          chosen = [...new Set(options.interpreterIds)];
        } else {
          // The best not asked before who can be reached by SMS; the hard rules are checked top-down only.
          const top = await findTopCandidates(readerIn(tx), job, { limit: options.waveSize ?? deps.waveSize, skip: asked, reachableOnly: true }, factsOptions);
          chosen = top.candidates.map((candidate) => candidate.interpreterId);
          phones = top.phones;
        }

        if (chosen.length === 0) {
          const pending = offers.some((offer) => offer.status === "pending");
          if (!pending) await flagNeedsAttention(tx, row, now, options.by, "Keine weiteren Dolmetschenden verfügbar");
          return { ...empty, needsAttention: !pending };
        }

        const wave = Math.max(0, ...offers.map((offer) => offer.wave)) + 1;
        const phoneOf =
          phones ??
          new Map(
            (await tx.$queryRaw<{ id: string; phone: string }[]>`SELECT "id"::text AS "id", "phone" FROM "Interpreter" WHERE "id" = ANY(${chosen}::uuid[])`).map((person) => [person.id, person.phone]),
          );
        const body = smsTexts.offer(jobTextOf(row));
        const created = chosen.map((interpreterId) => ({ id: uuidV7(), interpreterId }));
        // The SMS, the offers and the booking's change in one statement (the offers' foreign key
        // to their SMS is checked at its end): two round trips fewer on every wave.
        await applyBookingChange(
          tx,
          now,
          row,
          {
            data: { status: "offered", needsAttention: false },
            history: { action: "offered", from: row.status, to: "offered", reason: null, details: { wave, interpreterIds: chosen, expiresAt: expiresAt.toISOString() } },
          },
          options.by,
          {
            alsoWrite: (param) => {
              const sms = outboxInsertSql(param, now, chosen.map((interpreterId) => ({ to: phoneOf.get(interpreterId)!, body, purpose: "offer", bookingId, interpreterId })));
              const offers = created.map(
                (offer, index) =>
                  `(${param(offer.id, "::uuid")}, ${param(bookingId, "::uuid")}, ${param(offer.interpreterId, "::uuid")}, ${param(wave, "::int")}, 'pending'::"OfferStatus",
                    ${param(now, "::timestamptz")}, ${param(expiresAt, "::timestamptz")}, ${param(sms.queued[index]!.id, "::uuid")})`,
              );
              return [
                `offer_sms AS (${sms.sql})`,
                `new_offers AS (INSERT INTO "Offer" ("id", "bookingId", "interpreterId", "wave", "status", "createdAt", "expiresAt", "messageId") VALUES ${offers.join(", ")})`,
              ];
            },
          },
        );
        return {
          bookingId,
          wave,
          offered: created.map((offer) => ({ offerId: offer.id, interpreterId: offer.interpreterId, expiresAt: expiresAt.toISOString() })),
          needsAttention: false,
        };
      }, { genericPlans: true }),
    );
    if ("tooLateFor" in outcome) {
      throw new ApiError("INVALID_TRANSITION", `Booking ${outcome.tooLateFor} starts in less than an hour: too late to offer by SMS.`);
    }
    return outcome;
  }

  return {
    sendWave,

    /** An offer whose SMS could not be delivered counts as no answer. */
    async failOffer(messageId: string): Promise<boolean> {
      const { count } = await prisma.offer.updateMany({ where: { messageId, status: "pending" }, data: { status: "failed", respondedAt: deps.clock.now() } });
      return count > 0;
    },

    /** Marks lapsed offers expired (claimed with SKIP LOCKED: each exactly once across instances). */
    async expireOffers(now: Date): Promise<string[]> {
      return prisma.$transaction(async (tx) => {
        const lapsed = await tx.$queryRaw<{ id: string; bookingId: string }[]>`
          SELECT "id"::text AS "id", "bookingId"::text AS "bookingId" FROM "Offer"
          WHERE "status" = 'pending' AND "expiresAt" <= ${now} LIMIT 1000 FOR UPDATE SKIP LOCKED`;
        if (lapsed.length > 0) {
          await tx.offer.updateMany({ where: { id: { in: lapsed.map((offer) => offer.id) } }, data: { status: "expired" } });
        }
        return [...new Set(lapsed.map((offer) => offer.bookingId))];
      });
    },

    /**
     * Bookings whose wave ended without a yes, and (with auto dispatch) open ones — never offered,
     * reopened, or waiting for someone new (needsAttention): new interpreters or changed
     * availability are picked up by the next tick.
     */
    async bookingsDueForWave(now: Date, autoDispatch: boolean): Promise<string[]> {
      const notPending = { offers: { none: { status: "pending" as const } } };
      const rows = await prisma.booking.findMany({
        where: {
          startsAt: { gt: now },
          OR: [{ status: "offered", ...notPending }, ...(autoDispatch ? [{ status: "open" as const, ...notPending }] : [])],
        },
        select: { id: true },
        orderBy: { startsAt: "asc" },
        take: 500,
      });
      return rows.map((row) => row.id);
    },
  };
}

export type OfferService = ReturnType<typeof createOfferService>;
