import type { Database } from "../../db/database";
import { readAuditCutoff, retentionCutoff } from "../../domain/data-protection";
import type { Clock } from "../../lib/clock";
import type { Logger } from "../../lib/logger";
import { PERSONAL_DATA_READ } from "./read-audit";
import { runDaily } from "../maintenance/daily-run";

export const RETENTION_JOB = "retention";
/** Rows changed per statement: short transactions, and a statement timeout is never hit. */
const BATCH = 1000;

export interface RetentionResult {
  dryRun: boolean;
  /** Data from before this instant goes. */
  cutoff: string;
  /** Bookings that lost contact name and phone, notes, case reference and free-text reasons. */
  bookings: number;
  /** History entries of those bookings that lost their reason text or an SMS sender's number. */
  bookingEvents: number;
  /** SMS whose text was removed. */
  smsMessages: number;
  /** Records of reads of phone numbers and IBANs from before this instant go (READ_AUDIT_RETENTION_DAYS). */
  readAuditCutoff: string;
  /** Records of reads (`personal_data_read` history entries) that were deleted. */
  readAuditEntries: number;
}

export interface RetentionDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  retentionMonths: number;
  /** Days a record of a read of personal data is kept (who read a phone number or IBAN, when). */
  readAuditRetentionDays: number;
}

/**
 * Removes personal data that is older than RETENTION_MONTHS: contact details, notes, case
 * references and free text (completion notes, cancellation and history reasons, which people
 * write names into) of bookings that ended before the cutoff, and the text of SMS sent or
 * received before it. Finance records (allowances, export batches) and the structure of
 * bookings (time, language, organisation, status, interpreter) stay. Records of who read an
 * interpreter's phone number or IBAN go after READ_AUDIT_RETENTION_DAYS (the person's other
 * history entries, erasure and SMS opt-out, stay).
 *
 * @example
 * const retention = createRetentionService({ db, clock, logger, retentionMonths: 24, readAuditRetentionDays: 365 });
 * await retention.runIfDue(); // null when another instance ran it in the last 24 hours
 */
export function createRetentionService(deps: RetentionDeps) {
  const { prisma } = deps.db;

  type Counts = Omit<RetentionResult, "dryRun" | "cutoff" | "readAuditCutoff">;

  async function count(cutoff: Date, readCutoff: Date): Promise<Counts> {
    const [row] = await prisma.$queryRaw<Counts[]>`
      SELECT
        (SELECT count(*)::int FROM "Booking" WHERE "endsAt" < ${cutoff} AND "personalDataRemovedAt" IS NULL) AS "bookings",
        (SELECT count(*)::int FROM "BookingEvent" e JOIN "Booking" b ON b."id" = e."bookingId"
          WHERE b."endsAt" < ${cutoff} AND b."personalDataRemovedAt" IS NULL AND (e."reason" IS NOT NULL OR e."actorPhone" IS NOT NULL)) AS "bookingEvents",
        (SELECT count(*)::int FROM "SmsMessage" WHERE "createdAt" < ${cutoff} AND "redactedAt" IS NULL AND "status" NOT IN ('queued', 'sending')) AS "smsMessages",
        (SELECT count(*)::int FROM "InterpreterEvent" WHERE "action" = ${PERSONAL_DATA_READ} AND "at" < ${readCutoff}) AS "readAuditEntries"`;
    return {
      bookings: Number(row?.bookings ?? 0),
      bookingEvents: Number(row?.bookingEvents ?? 0),
      smsMessages: Number(row?.smsMessages ?? 0),
      readAuditEntries: Number(row?.readAuditEntries ?? 0),
    };
  }

  async function redactBookings(cutoff: Date, now: Date): Promise<{ bookings: number; bookingEvents: number }> {
    const total = { bookings: 0, bookingEvents: 0 };
    for (;;) {
      // SKIP LOCKED: a booking being changed right now is left for the next run.
      const [row] = await prisma.$queryRaw<{ bookings: number; bookingEvents: number }[]>`
        WITH "due" AS (
          SELECT "id" FROM "Booking" WHERE "endsAt" < ${cutoff} AND "personalDataRemovedAt" IS NULL
          ORDER BY "endsAt", "id" LIMIT ${BATCH} FOR UPDATE SKIP LOCKED
        ), "events" AS (
          UPDATE "BookingEvent" e SET "reason" = NULL, "actorPhone" = NULL FROM "due"
          WHERE e."bookingId" = "due"."id" AND (e."reason" IS NOT NULL OR e."actorPhone" IS NOT NULL)
          RETURNING e."id"
        ), "bookings" AS (
          UPDATE "Booking" b SET
            "contactName" = NULL, "contactPhone" = NULL, "notes" = NULL, "caseReference" = NULL,
            "completionNote" = NULL, "cancellationReason" = NULL,
            "personalDataRemovedAt" = ${now}, "updatedAt" = ${now}
          FROM "due" WHERE b."id" = "due"."id"
          RETURNING b."id"
        )
        SELECT (SELECT count(*)::int FROM "bookings") AS "bookings", (SELECT count(*)::int FROM "events") AS "bookingEvents"`;
      const bookings = Number(row?.bookings ?? 0);
      total.bookings += bookings;
      total.bookingEvents += Number(row?.bookingEvents ?? 0);
      if (bookings < BATCH) return total;
    }
  }

  async function redactSms(cutoff: Date, now: Date): Promise<number> {
    let total = 0;
    for (;;) {
      // Messages still waiting to be sent keep their text (they cannot be this old unless stuck).
      const changed = await prisma.$executeRaw`
        WITH "due" AS (
          SELECT "id" FROM "SmsMessage" WHERE "createdAt" < ${cutoff} AND "redactedAt" IS NULL AND "status" NOT IN ('queued', 'sending')
          ORDER BY "createdAt", "id" LIMIT ${BATCH} FOR UPDATE SKIP LOCKED
        )
        UPDATE "SmsMessage" m SET "body" = '', "replyBody" = NULL, "redactedAt" = ${now} FROM "due" WHERE m."id" = "due"."id"`;
      total += changed;
      if (changed < BATCH) return total;
    }
  }

  async function pruneReadAudit(cutoff: Date): Promise<number> {
    let total = 0;
    for (;;) {
      // Oldest first along the ("action", "at") index; a batch per statement keeps each one short.
      const deleted = await prisma.$executeRaw`
        WITH "due" AS (
          SELECT "id" FROM "InterpreterEvent" WHERE "action" = ${PERSONAL_DATA_READ} AND "at" < ${cutoff}
          ORDER BY "at", "id" LIMIT ${BATCH} FOR UPDATE SKIP LOCKED
        )
        DELETE FROM "InterpreterEvent" e USING "due" WHERE e."id" = "due"."id"`;
      total += deleted;
      if (deleted < BATCH) return total;
    }
  }

  /**
   * Runs the retention job now; `dryRun` only counts what would go and changes nothing.
   *
   * @example
   * await retention.run({ dryRun: true }); // { dryRun: true, cutoff: "2024-11-24T08:00:00.000Z", bookings: 12, bookingEvents: 40, smsMessages: 96, readAuditCutoff: "2025-11-24T08:00:00.000Z", readAuditEntries: 5310 }
   */
  async function run(options: { dryRun: boolean }): Promise<RetentionResult> {
    const now = deps.clock.now();
    const cutoff = retentionCutoff(now, deps.retentionMonths);
    const readCutoff = readAuditCutoff(now, deps.readAuditRetentionDays);
    const cutoffs = { cutoff: cutoff.toISOString(), readAuditCutoff: readCutoff.toISOString() };
    if (options.dryRun) return { dryRun: true, ...cutoffs, ...(await count(cutoff, readCutoff)) };
    const bookings = await redactBookings(cutoff, now);
    const smsMessages = await redactSms(cutoff, now);
    const readAuditEntries = await pruneReadAudit(readCutoff);
    return { dryRun: false, ...cutoffs, ...bookings, smsMessages, readAuditEntries };
  }

  return {
    run,

    /**
     * Runs the job if no instance ran it in the last 24 hours (claimed atomically in
     * MaintenanceRun, so of several instances ticking at once exactly one runs it); null otherwise.
     * A failed run is tried again an hour later.
     */
    async runIfDue(): Promise<RetentionResult | null> {
      const result = await runDaily(prisma, RETENTION_JOB, deps.clock.now(), () => run({ dryRun: false }));
      if (result) deps.logger.info({ ...result }, "retention job ran");
      return result;
    },
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
