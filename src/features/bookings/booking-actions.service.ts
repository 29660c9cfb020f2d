import type { Actor } from "../../auth/actor";
import { isExclusionViolation, type Database } from "../../db/database";
import { KEYED_PLANS, type SqlTx } from "../../db/sql-transaction";
import { withRetry } from "../../db/transactions";
import { canTransition, isLateCancellation, type BookingStatus } from "../../domain/booking-lifecycle";
import { clashingAssignment, evaluateInterpreter, OVERRIDABLE_RULES } from "../../domain/matching";
import type { Prisma } from "../../generated/prisma/client";
import { ApiError, validationError } from "../../lib/api-error";
import type { Clock } from "../../lib/clock";
import { isUuid } from "../../lib/pagination";
import { actorOf, type HistoryActor } from "./booking-history";
import { createAllowance } from "../allowances/allowance-creation";
import { applyBookingChange, isActive, lockBooking, lockBookingAndInterpreter, lockRows, withdrawPendingOffers, type BookingChange } from "./booking-change";
import { showsInterpreterPhone, toBookingView, type BookingRow, type ViewOptions } from "./booking-view";
import type { ReadContext } from "../privacy/read-audit";
import type { AssignBooking, BookingView, CancelBooking, CompleteBooking, UpdateBooking } from "./bookings.schemas";
import { checkStartTime } from "./bookings.service";
import type { PostcodeDistances } from "../postcodes/postcodes.service";
import { jobFactsOf, loadInterpreterFacts, readerIn, readJob } from "./matching-facts";
import { candidatesOf } from "./candidate-search";

type Tx = SqlTx;

export interface BookingActionDeps {
  db: Database;
  clock: Clock;
  view: ViewOptions;
  travelBufferMinutes: number;
  lateCancellationHours: number;
  distances: PostcodeDistances;
  allowanceApproval: "auto" | "coordinator";
}

// Locking lives with the writing of changes (booking-change.ts); re-exported for the callers of this module.
export { lockBooking, lockBookingAndInterpreter };

export function invalidTransition(row: { status: BookingStatus; code: string }, to: BookingStatus, detail?: string): ApiError {
  return new ApiError(
    "INVALID_TRANSITION",
    detail ?? `Booking ${row.code} is ${row.status} and cannot become ${to}.`,
    { from: row.status, to },
  );
}

const notFound = (id: string) => new ApiError("NOT_FOUND", `No booking with id ${id}.`);

/**
 * The change that assigns an interpreter to a locked booking, after the hard rules. Locks the
 * interpreter's row (always after the booking's, everywhere, so no two transactions wait for each
 * other): two assignments of one person are then checked one after the other, travel buffers
 * included; an exclusion constraint in the database backs this up.
 *
 * @throws {ApiError} INVALID_TRANSITION, DOUBLE_BOOKING or NOT_ELIGIBLE
 */
export async function assignmentChange(
  tx: Tx,
  factsOptions: { travelBufferMinutes: number; distances: PostcodeDistances },
  row: BookingRow,
  interpreterId: string,
  options: {
    force?: boolean;
    reason: string | null;
    now: Date;
    unknownInterpreter: () => Error;
    /** Set when the caller locked the interpreter's row already (`lockBookingAndInterpreter`): whether it was found. */
    interpreterLocked?: boolean;
  },
): Promise<BookingChange> {
  // An erased person is unknown here (also when the erasure committed while this waited for the lock).
  const locked =
    options.interpreterLocked ??
    (await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Interpreter" WHERE "id" = ${interpreterId}::uuid AND "erasedAt" IS NULL FOR UPDATE`).length > 0;
  if (!locked) throw options.unknownInterpreter();
  if (!canTransition(row.status, "assigned")) throw invalidTransition(row, "assigned");
  const job = jobFactsOf(row);
  const { facts } = await loadInterpreterFacts(readerIn(tx), job, { interpreterIds: [interpreterId] }, factsOptions);
  const unforced = evaluateInterpreter(job, facts[0]!, factsOptions);
  const verdict = evaluateInterpreter(job, facts[0]!, factsOptions, options.force ? { ignore: OVERRIDABLE_RULES } : {});
  if (!verdict.eligible) {
    if (verdict.rule === "overlap") throw new ApiError("DOUBLE_BOOKING", `The interpreter is not free: ${verdict.reason}.`, { rule: verdict.rule, reason: verdict.reason });
    const hint = OVERRIDABLE_RULES.has(verdict.rule) ? " A coordinator may override this with force: true." : "";
    throw new ApiError("NOT_ELIGIBLE", `The interpreter cannot take this job: ${verdict.reason}.${hint}`, { rule: verdict.rule, reason: verdict.reason });
  }
  return {
    data: { status: "assigned", interpreterId, assignedAt: options.now, needsAttention: false },
    history: {
      action: "assigned",
      from: row.status,
      to: "assigned",
      reason: options.reason,
      details: { interpreterId, ...(unforced.eligible ? {} : { forced: { rule: unforced.rule, reason: unforced.reason } }) },
    },
  };
}

export function createBookingActionService(deps: BookingActionDeps) {
  const { db, clock } = deps;
  const { prisma } = db;
  const factsOptions = { travelBufferMinutes: deps.travelBufferMinutes, distances: deps.distances };

  /**
   * Runs `change` on the locked booking and writes its history entry in the same transaction.
   * `lockInterpreter`: the row of this interpreter is locked with the booking's (see `lockBookingAndInterpreter`).
   */
  async function changeBooking(
    actor: Actor,
    id: string,
    change: (tx: Tx, row: BookingRow, interpreterLocked: boolean) => Promise<BookingChange>,
    by: HistoryActor = actorOf(actor),
    read?: ReadContext,
    lockInterpreter: string | null = null,
  ): Promise<BookingView> {
    // The read of the interpreter's phone the answer shows is recorded with the change (privacy/read-audit).
    const phoneRead = read && showsInterpreterPhone(actor, deps.view) ? read : undefined;
    const row = await withRetry(() =>
      db.transaction(async (tx) => {
        const locked = await lockRows(tx, id, actor, lockInterpreter);
        if (!locked) throw notFound(id);
        return applyBookingChange(tx, clock.now(), locked.row, await change(tx, locked.row, locked.interpreterLocked), by, { phoneRead });
      }, KEYED_PLANS),
    );
    return toBookingView(row, actor, deps.view);
  }

  return {
    /**
     * Cancels a booking, or records that its interpreter cancelled (the booking then goes back to
     * open for someone else). Whether it was late (less than LATE_CANCELLATION_HOURS before the
     * start) is stored, since compensation depends on it.
     */
    cancel(actor: Actor, id: string, input: CancelBooking): Promise<BookingView> {
      const cancelledBy = input.cancelledBy ?? (actor.role === "requester" ? "requester" : "coordinator");
      if (actor.role === "requester" && cancelledBy !== "requester") {
        throw new ApiError("FORBIDDEN", "Requester keys cancel as requester.");
      }
      return changeBooking(actor, id, async (tx, row) => {
        const now = clock.now();
        const late = isLateCancellation(row.startsAt, now, deps.lateCancellationHours);
        if (cancelledBy === "interpreter") {
          if (row.status !== "assigned") throw invalidTransition(row, "open", `Booking ${row.code} has no assigned interpreter who could cancel.`);
          return {
            data: { status: "open", interpreterId: null, assignedAt: null },
            history: { action: "interpreter_cancelled", from: "assigned", to: "open", reason: input.reason, details: { interpreterId: row.interpreterId, late } },
          };
        }
        if (!canTransition(row.status, "cancelled")) throw invalidTransition(row, "cancelled");
        if (late && row.status === "assigned" && row.interpreterId) {
          // The interpreter had kept the time free: a late cancellation is paid under the tariff.
          await createAllowance(tx, {
            booking: row,
            interpreterId: row.interpreterId,
            outcome: "late_cancellation",
            minutes: row.durationMinutes,
            travelKm: null,
            approval: deps.allowanceApproval,
            now,
          });
        }
        return {
          data: { status: "cancelled", cancelledAt: now, cancelledBy, cancellationReason: input.reason, lateCancellation: late },
          history: { action: "cancelled", from: row.status, to: "cancelled", reason: input.reason, details: { cancelledBy, late } },
        };
      });
    },

    /**
     * Changes an active booking. A new time must still be free for an assigned interpreter (409
     * DOUBLE_BOOKING otherwise), who is told of a new time or place by SMS; offers sent with the
     * old details are withdrawn and the booking goes back to open.
     */
    update(actor: Actor, id: string, input: UpdateBooking): Promise<BookingView> {
      return changeBooking(actor, id, async (tx, row) => {
        if (!isActive(row.status)) throw invalidTransition(row, row.status, `Booking ${row.code} is ${row.status} and can no longer be changed.`);
        const now = clock.now();
        const startsAt = input.startsAt ? new Date(input.startsAt) : row.startsAt;
        const duration = input.durationMinutes ?? row.durationMinutes;
        const endsAt = new Date(startsAt.getTime() + duration * 60_000);
        const timeChanged = startsAt.getTime() !== row.startsAt.getTime() || endsAt.getTime() !== row.endsAt.getTime();
        if (input.startsAt) checkStartTime(startsAt, now);
        if (row.mode === "onsite" && input.location === null) {
          throw validationError("An on-site booking needs a place", [{ path: ["location"], message: "An on-site booking needs a place (street, postcode, city)", in: "body" }]);
        }
        if (timeChanged && row.status === "assigned" && row.interpreterId) {
          await tx.$queryRaw`SELECT "id" FROM "Interpreter" WHERE "id" = ${row.interpreterId}::uuid FOR UPDATE`;
          const job = { ...jobFactsOf(row), startsAt, endsAt };
          const { facts } = await loadInterpreterFacts(readerIn(tx), job, { interpreterIds: [row.interpreterId] }, factsOptions);
          const clash = clashingAssignment(job, facts[0]?.assignments ?? [], factsOptions);
          if (clash) throw new ApiError("DOUBLE_BOOKING", `The assigned interpreter is not free at the new time (job ${clash.code}).`, { rule: "overlap" });
        }
        const data: Prisma.BookingUncheckedUpdateInput = {
          ...(input.startsAt || input.durationMinutes ? { startsAt, endsAt, durationMinutes: duration } : {}),
          ...(input.location !== undefined
            ? { street: input.location?.street ?? null, postcode: input.location?.postcode ?? null, city: input.location?.city ?? null, room: input.location?.room ?? null }
            : {}),
          ...(input.genderPreference !== undefined ? { genderPreference: input.genderPreference?.gender ?? null, genderRequired: input.genderPreference?.required ?? false } : {}),
          ...Object.fromEntries(
            (["setting", "topic", "sensitive", "caseReference", "contactName", "contactPhone", "notes", "dialect"] as const)
              .filter((field) => input[field] !== undefined)
              .map((field) => [field, input[field]]),
          ),
        };
        const placeChanged = input.location !== undefined;
        const reopen = row.status === "offered" && (timeChanged || placeChanged);
        if (reopen) await withdrawPendingOffers(tx, now, row);
        return {
          data: reopen ? { ...data, status: "open" } : data,
          history: {
            action: "changed",
            from: row.status,
            to: reopen ? "open" : row.status,
            reason: null,
            details: { fields: Object.keys(input), timeChanged, placeChanged },
          },
          notifyChange: row.status === "assigned" && (timeChanged || placeChanged),
        };
      });
    },

    /** Closes an assigned booking after its start with the outcome. */
    complete(actor: Actor, id: string, input: CompleteBooking): Promise<BookingView> {
      return changeBooking(actor, id, async (tx, row) => {
        const now = clock.now();
        if (!canTransition(row.status, "completed")) throw invalidTransition(row, "completed");
        if (now < row.startsAt) throw invalidTransition(row, "completed", `Booking ${row.code} has not started yet.`);
        await createAllowance(tx, {
          booking: row,
          interpreterId: row.interpreterId!,
          outcome: input.outcome,
          // Worked minutes when given; no-shows are paid (or not) for the booked time.
          minutes: input.outcome === "done" ? (input.actualMinutes ?? row.durationMinutes) : row.durationMinutes,
          travelKm: input.travelKm ?? null,
          approval: deps.allowanceApproval,
          now,
        });
        return {
          data: {
            status: "completed",
            outcome: input.outcome,
            completedAt: now,
            actualStartsAt: input.actualStartsAt ? new Date(input.actualStartsAt) : null,
            actualMinutes: input.actualMinutes ?? null,
            travelKm: input.travelKm ?? null,
            completionNote: input.note ?? null,
          },
          history: { action: "completed", from: row.status, to: "completed", reason: input.note ?? null, details: { outcome: input.outcome } },
        };
      });
    },

    /**
     * Assigns an interpreter under the hard rules (see `assignmentChange`); the booking's row lock
     * gives it one interpreter only. With `read`, the answer's phone number is recorded as read
     * (in the same statement as the change, instead of `auditBookingReads` afterwards).
     */
    async assign(actor: Actor, id: string, input: AssignBooking, read?: ReadContext): Promise<BookingView> {
      const unknownInterpreter = () =>
        validationError(`No interpreter with id ${input.interpreterId}.`, [
          { path: ["interpreterId"], message: "Unknown interpreter", code: "unknown_reference", in: "body" },
        ]);
      if (!isUuid(input.interpreterId)) throw unknownInterpreter();
      try {
        return await changeBooking(
          actor,
          id,
          (tx, row, interpreterLocked) =>
            assignmentChange(tx, factsOptions, row, input.interpreterId, { force: input.force, reason: input.reason ?? null, now: clock.now(), unknownInterpreter, interpreterLocked }),
          actorOf(actor),
          read,
          input.interpreterId,
        );
      } catch (error) {
        if (isExclusionViolation(error)) throw new ApiError("DOUBLE_BOOKING", "The interpreter already has an assignment at this time.");
        throw error;
      }
    },

    /** Who can take the job, best first with reasons (the best `limit`); optionally everyone else with the excluding rule. */
    async candidates(actor: Actor, id: string, query: { limit: number; includeExcluded: boolean }) {
      const job = isUuid(id) ? await readJob(db.rows, id, actor) : null;
      if (!job) throw notFound(id);
      // A read outside any transaction: the ranking statements go straight to the driver.
      return candidatesOf({ db: prisma, rows: db.rows }, job, query, factsOptions);
    },
  };
}

export type BookingActionService = ReturnType<typeof createBookingActionService>;
