import type { Actor } from "../../auth/actor";
import { isUniqueViolation, type Database } from "../../db/database";
import { withRetry } from "../../db/transactions";
import { erasedName, erasedPhone, pseudonymFrom } from "../../domain/data-protection";
import type { Prisma } from "../../generated/prisma/client";
import { ApiError } from "../../lib/api-error";
import type { Clock } from "../../lib/clock";
import { isUuid } from "../../lib/pagination";
import type { RandomSource } from "../../lib/random";
import { lockBooking } from "../bookings/booking-actions.service";
import { applyBookingChange } from "../bookings/booking-change";
import { actorOf } from "../bookings/booking-history";
import type { BookingRow } from "../bookings/booking-view";
import type { ErasureResult } from "./privacy.schemas";

type Tx = Prisma.TransactionClient;

const UNPAID = ["pending", "approved", "exported"] as const;
/** A person with years of SMS and bookings: more rows than an ordinary change touches. */
const ERASURE_TRANSACTION = { maxWait: 30_000, timeout: 120_000 };

/** Assignments changed between reading and locking: the erasure starts over. */
class AssignmentsMoved extends Error {}

/**
 * Erasure of a person (GDPR Art. 17) in one transaction. Personal fields are removed or replaced
 * (name → "Gelöscht (P-…)", phone → a placeholder nobody can text), the person's SMS lose text and
 * number, lists (languages, trainings, availability, absences, blocks) are deleted, and the person
 * is inactive for good. Allowances stay with the person's id and show the pseudonym (accounting
 * records are kept 8 years). Future assignments go back to the pool through the normal booking
 * change (history, webhook, needsAttention); pending offers are withdrawn.
 *
 * Refused (409) while money is still owed or work is not closed out, since paying needs the IBAN:
 * allowances pending, approved or exported but not paid, or assignments that already started.
 *
 * @example
 * await createErasureService({ db, clock, random }).erase(actor, id); // { id, pseudonym: "P-7K2M9Q", erasedAt, unassignedBookings: [], withdrawnOffers: 0 }
 */
export function createErasureService({ db, clock, random }: { db: Database; clock: Clock; random: RandomSource }) {
  const { prisma } = db;

  async function checkErasable(tx: Tx, id: string, now: Date): Promise<{ phone: string }> {
    const person = await tx.interpreter.findUnique({ where: { id }, select: { phone: true, erasedAt: true, pseudonym: true } });
    if (!person) throw new ApiError("NOT_FOUND", `No interpreter with id ${id}.`);
    if (person.erasedAt) {
      throw new ApiError("CONFLICT", `The interpreter was already erased (${person.pseudonym}).`, {
        reason: "already_erased",
        pseudonym: person.pseudonym,
        erasedAt: person.erasedAt.toISOString(),
      });
    }
    const started = await tx.booking.findMany({ where: { interpreterId: id, status: "assigned", startsAt: { lte: now } }, select: { id: true, code: true } });
    if (started.length > 0) {
      throw new ApiError("CONFLICT", "Close out the person's assignments that have started (complete or cancel them) before erasing: their allowances depend on it.", {
        reason: "open_assignments",
        bookings: started,
      });
    }
    const unpaid = await tx.allowance.findMany({ where: { interpreterId: id, status: { in: [...UNPAID] } }, select: { id: true, bookingId: true, status: true, amountCents: true } });
    if (unpaid.length > 0) {
      throw new ApiError("CONFLICT", "The person is still owed allowances: pay (or reject) them before erasing, since paying needs the IBAN.", {
        reason: "unpaid_allowances",
        allowances: unpaid,
      });
    }
    return { phone: person.phone };
  }

  /** Locks the future assignments (bookings first, then the person: the order used everywhere). */
  async function lockAssignments(tx: Tx, id: string): Promise<BookingRow[]> {
    const future = await tx.booking.findMany({ where: { interpreterId: id, status: "assigned" }, select: { id: true }, orderBy: { id: "asc" } });
    const locked: BookingRow[] = [];
    for (const { id: bookingId } of future) {
      const row = await lockBooking(tx, bookingId);
      if (row && row.status === "assigned" && row.interpreterId === id) locked.push(row);
    }
    await tx.$queryRaw`SELECT "id" FROM "Interpreter" WHERE "id" = ${id}::uuid FOR UPDATE`;
    // An assignment made before the person was locked but after the list was read: start over.
    const assigned = await tx.booking.findMany({ where: { interpreterId: id, status: "assigned" }, select: { id: true } });
    if (assigned.some((booking) => !locked.some((row) => row.id === booking.id))) throw new AssignmentsMoved();
    return locked;
  }

  async function eraseOnce(actor: Actor, id: string): Promise<ErasureResult> {
    return prisma.$transaction(async (tx) => {
      const now = clock.now();
      await checkErasable(tx, id, now);
      const assignments = await lockAssignments(tx, id);
      // Again under the locks: what counts is the state nobody can change any more.
      const { phone } = await checkErasable(tx, id, now);

      for (const row of assignments) {
        await applyBookingChange(
          tx,
          now,
          row,
          {
            data: { status: "open", interpreterId: null, assignedAt: null, needsAttention: true },
            history: { action: "unassigned", from: "assigned", to: "open", reason: "Dolmetscher/in auf Wunsch gelöscht (Datenschutz)", details: { interpreterId: id, erased: true } },
          },
          actorOf(actor),
        );
      }
      const withdrawn = await tx.offer.updateMany({ where: { interpreterId: id, status: "pending" }, data: { status: "withdrawn", respondedAt: now } });

      const pseudonym = pseudonymFrom(random.bytes(6));
      const placeholder = erasedPhone(pseudonym);
      // Text and number go; what happened (status, purpose, times) stays. Nothing queued for the person is sent.
      await tx.$executeRaw`
        UPDATE "SmsMessage" SET
          "body" = '', "replyBody" = NULL, "redactedAt" = ${now},
          "to" = CASE WHEN "to" = ${phone} THEN ${placeholder} ELSE "to" END,
          "from" = CASE WHEN "from" = ${phone} THEN ${placeholder} ELSE "from" END,
          "lastError" = CASE WHEN "status" = 'queued' THEN 'Empfänger/in gelöscht (Datenschutz)' ELSE NULL END,
          "status" = CASE WHEN "status" = 'queued' THEN 'failed'::"SmsStatus" ELSE "status" END
        WHERE "interpreterId" = ${id}::uuid OR "to" = ${phone} OR "from" = ${phone}`;
      await tx.$executeRaw`UPDATE "BookingEvent" SET "actorPhone" = NULL WHERE "actorPhone" = ${phone}`;
      await tx.interpreterLanguage.deleteMany({ where: { interpreterId: id } });
      await tx.interpreterTraining.deleteMany({ where: { interpreterId: id } });
      await tx.availabilitySlot.deleteMany({ where: { interpreterId: id } });
      await tx.absence.deleteMany({ where: { interpreterId: id } });
      await tx.interpreterBlock.deleteMany({ where: { interpreterId: id } });
      // Raw: the embedded database cannot take the enum-array parameter Prisma would send for `modes`.
      await tx.$executeRaw`
        UPDATE "Interpreter" SET
          "name" = ${erasedName(pseudonym)}, "phone" = ${placeholder}, "email" = NULL, "gender" = NULL, "modes" = '{}',
          "homePostcode" = NULL, "maxTravelKm" = NULL, "maxAssignmentsPerMonth" = NULL, "iban" = NULL,
          "smsConsentAt" = NULL, "smsOptOutAt" = NULL, "active" = false,
          "calendarTokenHash" = NULL, "calendarTokenCreatedAt" = NULL,
          "erasedAt" = ${now}, "pseudonym" = ${pseudonym}, "updatedAt" = ${now}
        WHERE "id" = ${id}::uuid`;
      const unassignedBookings = assignments.map((row) => ({ id: row.id, code: row.code }));
      await tx.interpreterEvent.create({
        data: {
          interpreterId: id,
          at: now,
          action: "erased",
          actorType: "key",
          actorKeyId: actor.keyId,
          details: { unassignedBookings: unassignedBookings.map((booking) => booking.id), withdrawnOffers: withdrawn.count },
        },
      });
      return { id, pseudonym, erasedAt: now.toISOString(), unassignedBookings, withdrawnOffers: withdrawn.count };
    }, ERASURE_TRANSACTION);
  }

  return {
    /**
     * @throws {ApiError} NOT_FOUND; CONFLICT with `details.reason` already_erased, open_assignments or unpaid_allowances
     */
    async erase(actor: Actor, id: string): Promise<ErasureResult> {
      if (!isUuid(id)) throw new ApiError("NOT_FOUND", `No interpreter with id ${id}.`);
      for (let attempt = 1; ; attempt++) {
        try {
          return await withRetry(() => eraseOnce(actor, id));
        } catch (error) {
          // A pseudonym taken already (one in a billion) or an assignment made meanwhile: again.
          const again = error instanceof AssignmentsMoved || (!(error instanceof ApiError) && isUniqueViolation(error));
          if (!again || attempt >= 5) throw error;
        }
      }
    },
  };
}

export type ErasureService = ReturnType<typeof createErasureService>;
