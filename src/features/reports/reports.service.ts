import type { Database } from "../../db/database";
import { germanLanguageName } from "../../domain/languages";
import { reportPeriod, type ReportPeriod } from "../../domain/report-period";
import { fillRate, type CancelledByParty, type FillFigures, type ReportSummary } from "../../domain/report-tables";
import type { Prisma } from "../../generated/prisma/client";
import { ORGANISATION_KINDS } from "../organisations/organisations.schemas";

type Tx = Prisma.TransactionClient;

const ALLOWANCE_STATUSES = ["pending", "approved", "exported", "paid", "rejected"] as const;
const CANCELLING_PARTIES: readonly CancelledByParty[] = ["requester", "coordinator", "interpreter"];

interface CountRow {
  requested: number;
  assigned: number;
  completed: number;
  unfilled: number;
  pending: number;
}

/** Counts come back as int, sums as bigint (BigInt in JS): both become plain numbers. */
const num = (value: unknown): number => Number(value ?? 0);
const nullableNum = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

function figures(row: CountRow | undefined): FillFigures {
  const counts = { requested: num(row?.requested), assigned: num(row?.assigned), completed: num(row?.completed), unfilled: num(row?.unfilled), pending: num(row?.pending) };
  return { ...counts, fillRate: fillRate(counts.assigned, counts.requested) };
}

/**
 * Requests of the period counted in one pass over the bookings (GROUPING SETS): per language,
 * organisation kind, municipality and local month, and in total. A booking cancelled by the
 * requester before anyone was assigned was withdrawn and is not a request; the rest is assigned
 * (an interpreter was assigned, even if the job was later cancelled), unfilled (start passed
 * unassigned, or cancelled by the pool office unassigned) or pending (still open or offered).
 */
async function fillCounts(tx: Tx, period: ReportPeriod) {
  return tx.$queryRaw<(CountRow & { dimension: string; key: string | null })[]>`
    WITH considered AS (
      SELECT b."language",
             o."kind"::text AS "kind",
             o."municipality",
             to_char(date_trunc('month', b."startsAt" AT TIME ZONE ${period.timeZone}::text), 'YYYY-MM') AS "month",
             (b."status" IN ('assigned', 'completed') OR (b."status" = 'cancelled' AND b."interpreterId" IS NOT NULL)) AS "isAssigned",
             b."status" = 'completed' AS "isCompleted",
             (b."status" = 'unfilled' OR (b."status" = 'cancelled' AND b."interpreterId" IS NULL)) AS "isUnfilled",
             b."status" IN ('open', 'offered') AS "isPending"
      FROM "Booking" b
      JOIN "Organisation" o ON o."id" = b."organisationId"
      WHERE b."startsAt" >= ${period.start}::timestamptz AND b."startsAt" < ${period.end}::timestamptz
        -- Leaves out withdrawn bookings; IS NOT NULL keeps NOT (…) from turning NULL and dropping the row.
        AND NOT (b."status" = 'cancelled' AND b."interpreterId" IS NULL AND b."cancelledBy" IS NOT NULL AND b."cancelledBy" = 'requester')
    )
    SELECT CASE
             WHEN GROUPING("language") = 0 THEN 'language'
             WHEN GROUPING("kind") = 0 THEN 'kind'
             WHEN GROUPING("municipality") = 0 THEN 'municipality'
             WHEN GROUPING("month") = 0 THEN 'month'
             ELSE 'total'
           END AS "dimension",
           COALESCE("language", "kind", "municipality", "month") AS "key",
           COUNT(*)::int AS "requested",
           (COUNT(*) FILTER (WHERE "isAssigned"))::int AS "assigned",
           (COUNT(*) FILTER (WHERE "isCompleted"))::int AS "completed",
           (COUNT(*) FILTER (WHERE "isUnfilled"))::int AS "unfilled",
           (COUNT(*) FILTER (WHERE "isPending"))::int AS "pending"
    FROM considered
    GROUP BY GROUPING SETS (("language"), ("kind"), ("municipality"), ("month"), ())`;
}

/** Cancelled bookings of the period by who cancelled, and jobs interpreters gave back (from the history). */
async function cancellationCounts(tx: Tx, period: ReportPeriod) {
  const cancelled = await tx.$queryRaw<{ cancelledBy: string | null; total: number; late: number; unassigned: number }[]>`
    SELECT b."cancelledBy"::text AS "cancelledBy",
           COUNT(*)::int AS "total",
           (COUNT(*) FILTER (WHERE b."lateCancellation"))::int AS "late",
           (COUNT(*) FILTER (WHERE b."interpreterId" IS NULL))::int AS "unassigned"
    FROM "Booking" b
    WHERE b."status" = 'cancelled' AND b."startsAt" >= ${period.start}::timestamptz AND b."startsAt" < ${period.end}::timestamptz
    GROUP BY 1`;
  const [givenBack] = await tx.$queryRaw<{ total: number; late: number }[]>`
    SELECT COUNT(*)::int AS "total", (COUNT(*) FILTER (WHERE (e."details"->>'late')::boolean))::int AS "late"
    FROM "BookingEvent" e
    JOIN "Booking" b ON b."id" = e."bookingId"
    WHERE e."action" = 'interpreter_cancelled' AND b."startsAt" >= ${period.start}::timestamptz AND b."startsAt" < ${period.end}::timestamptz`;
  const byWhom = CANCELLING_PARTIES.map((party) => {
    const rows = cancelled.filter((row) => row.cancelledBy === party);
    const total = rows.reduce((sum, row) => sum + num(row.total), 0) + (party === "interpreter" ? num(givenBack?.total) : 0);
    const late = rows.reduce((sum, row) => sum + num(row.late), 0) + (party === "interpreter" ? num(givenBack?.late) : 0);
    return { cancelledBy: party, total, late, notLate: total - late };
  });
  const withdrawn = cancelled.filter((row) => row.cancelledBy === "requester").reduce((sum, row) => sum + num(row.unassigned), 0);
  const total = byWhom.reduce((sum, row) => sum + row.total, 0);
  const late = byWhom.reduce((sum, row) => sum + row.late, 0);
  return { withdrawn, cancellations: { total, late, notLate: total - late, byWhom } };
}

/**
 * Outcomes of completed jobs, and the median minutes from the request (its "created" history
 * entry, written with the service's clock) to the (last) assignment of every assigned booking.
 */
async function outcomeCounts(tx: Tx, period: ReportPeriod) {
  const [row] = await tx.$queryRaw<Record<string, unknown>[]>`
    SELECT (COUNT(*) FILTER (WHERE b."status" = 'completed'))::int AS "completed",
           (COUNT(*) FILTER (WHERE b."status" = 'completed' AND b."outcome" = 'done'))::int AS "done",
           (COUNT(*) FILTER (WHERE b."status" = 'completed' AND b."outcome" = 'client_no_show'))::int AS "clientNoShow",
           (COUNT(*) FILTER (WHERE b."status" = 'completed' AND b."outcome" = 'interpreter_no_show'))::int AS "interpreterNoShow",
           (COUNT(*) FILTER (WHERE b."interpreterId" IS NOT NULL AND b."assignedAt" IS NOT NULL))::int AS "assignments",
           percentile_cont(0.5) WITHIN GROUP (ORDER BY (EXTRACT(EPOCH FROM (b."assignedAt" - COALESCE(requested."at", b."createdAt"))) / 60)::float8)
             FILTER (WHERE b."interpreterId" IS NOT NULL AND b."assignedAt" IS NOT NULL) AS "medianMinutes"
    FROM "Booking" b
    LEFT JOIN LATERAL (
      SELECT MIN(e."at") AS "at" FROM "BookingEvent" e WHERE e."bookingId" = b."id" AND e."action" = 'created'
    ) requested ON b."interpreterId" IS NOT NULL
    WHERE b."startsAt" >= ${period.start}::timestamptz AND b."startsAt" < ${period.end}::timestamptz`;
  const median = nullableNum(row?.medianMinutes);
  return {
    outcomes: { completed: num(row?.completed), done: num(row?.done), clientNoShow: num(row?.clientNoShow), interpreterNoShow: num(row?.interpreterNoShow) },
    timeToConfirmation: { assignments: num(row?.assignments), medianMinutes: median === null ? null : Math.round(median * 10) / 10 },
  };
}

/** Allowances of jobs in the period (by service date) per status; the total leaves out rejected ones. */
async function allowanceSums(tx: Tx, period: ReportPeriod) {
  const rows = await tx.$queryRaw<{ status: string; count: number; amountCents: bigint }[]>`
    SELECT a."status"::text AS "status", COUNT(*)::int AS "count", COALESCE(SUM(a."amountCents"), 0)::bigint AS "amountCents"
    FROM "Allowance" a
    WHERE a."serviceDate" >= ${period.start}::timestamptz AND a."serviceDate" < ${period.end}::timestamptz
    GROUP BY 1`;
  const byStatus = ALLOWANCE_STATUSES.map((status) => {
    const row = rows.find((entry) => entry.status === status);
    return { status, count: num(row?.count), amountCents: num(row?.amountCents) };
  });
  const counted = byStatus.filter((row) => row.status !== "rejected");
  return { count: counted.reduce((sum, row) => sum + row.count, 0), amountCents: counted.reduce((sum, row) => sum + row.amountCents, 0), byStatus };
}

/** Assignments (assigned or completed) in the period of every active interpreter, spread as min / median / max. */
async function fairness(tx: Tx, period: ReportPeriod) {
  const [row] = await tx.$queryRaw<Record<string, unknown>[]>`
    WITH per_person AS (
      SELECT i."id", COUNT(b."id")::int AS "assignments"
      FROM "Interpreter" i
      LEFT JOIN "Booking" b ON b."interpreterId" = i."id" AND b."status" IN ('assigned', 'completed')
        AND b."startsAt" >= ${period.start}::timestamptz AND b."startsAt" < ${period.end}::timestamptz
      WHERE i."active" AND i."erasedAt" IS NULL
      GROUP BY i."id"
    )
    SELECT COUNT(*)::int AS "interpreters",
           (COUNT(*) FILTER (WHERE "assignments" = 0))::int AS "withoutAssignment",
           COALESCE(SUM("assignments"), 0)::int AS "assignments",
           MIN("assignments")::int AS "minAssignments",
           percentile_cont(0.5) WITHIN GROUP (ORDER BY "assignments"::float8) AS "medianAssignments",
           MAX("assignments")::int AS "maxAssignments"
    FROM per_person`;
  return {
    interpreters: num(row?.interpreters),
    withoutAssignment: num(row?.withoutAssignment),
    assignments: num(row?.assignments),
    minAssignments: nullableNum(row?.minAssignments),
    medianAssignments: nullableNum(row?.medianAssignments),
    maxAssignments: nullableNum(row?.maxAssignments),
  };
}

export function createReportService(deps: { db: Database }) {
  const { prisma } = deps.db;

  return {
    /**
     * The committee report of a period of local dates (both inclusive). Every figure is an
     * aggregation in the database; all queries read one snapshot (repeatable read), so the
     * tables agree with each other even while bookings change.
     *
     * @example
     * const summary = await reports.summary("2026-01-01", "2026-12-31");
     * summary.totals.fillRate; // 0.9123
     */
    async summary(from: string, to: string): Promise<ReportSummary> {
      const period = reportPeriod(from, to);
      const facts = await prisma.$transaction(
        async (tx) => ({
          fill: await fillCounts(tx, period),
          cancellations: await cancellationCounts(tx, period),
          outcomes: await outcomeCounts(tx, period),
          allowances: await allowanceSums(tx, period),
          fairness: await fairness(tx, period),
        }),
        { isolationLevel: "RepeatableRead" },
      );
      const rowsOf = (dimension: string) => facts.fill.filter((row) => row.dimension === dimension && row.key !== null) as (CountRow & { key: string })[];
      const total = figures(facts.fill.find((row) => row.dimension === "total"));
      const byLanguage = rowsOf("language")
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map((row) => ({ language: row.key, languageName: germanLanguageName(row.key), ...figures(row) }));
      const byKind = new Map(rowsOf("kind").map((row) => [row.key, row]));
      const byMonth = new Map(rowsOf("month").map((row) => [row.key, row]));
      return {
        period: { from, to, timeZone: period.timeZone, start: period.start.toISOString(), end: period.end.toISOString() },
        totals: { bookings: total.requested + facts.cancellations.withdrawn, withdrawn: facts.cancellations.withdrawn, ...total },
        byLanguage,
        byOrganisationKind: ORGANISATION_KINDS.map((kind) => ({ organisationKind: kind, ...figures(byKind.get(kind)) })),
        byMunicipality: rowsOf("municipality")
          .sort((a, b) => a.key.localeCompare(b.key, "de"))
          .map((row) => ({ municipality: row.key, ...figures(row) })),
        byMonth: period.months.map((month) => ({ month, ...figures(byMonth.get(month)) })),
        unfilledByLanguage: byLanguage
          .filter((row) => row.unfilled > 0)
          .sort((a, b) => b.unfilled - a.unfilled || (a.language < b.language ? -1 : 1))
          .map((row) => ({ language: row.language, languageName: row.languageName, unfilled: row.unfilled, requested: row.requested })),
        cancellations: facts.cancellations.cancellations,
        ...facts.outcomes,
        allowances: facts.allowances,
        fairness: facts.fairness,
      };
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
