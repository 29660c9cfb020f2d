import { ASSIGNMENT_STATUSES } from "../../domain/booking-lifecycle";
import type { InterpreterFacts, JobFacts } from "../../domain/matching";
import { fromLocal, toLocal } from "../../domain/pool-time";
import type { Prisma } from "../../generated/prisma/client";
import { dateOnly, utcDate } from "../availability/availability.service";
import type { PostcodeDistances } from "../postcodes/postcodes.service";
import type { BookingRow } from "./booking-view";

type Db = Prisma.TransactionClient;
const DAY_MS = 86_400_000;
const assignmentStatus = { in: [...ASSIGNMENT_STATUSES] };

export function jobFactsOf(row: BookingRow): JobFacts {
  return {
    id: row.id,
    language: row.language,
    dialect: row.dialect,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    mode: row.mode,
    topic: row.topic,
    sensitive: row.sensitive,
    genderPreference:
      row.genderPreference === "female" || row.genderPreference === "male"
        ? { gender: row.genderPreference, required: row.genderRequired }
        : null,
    organisationId: row.organisationId,
  };
}

export const PROFILE_SELECT = {
  id: true,
  name: true,
  gender: true,
  qualification: true,
  homePostcode: true,
  languages: { select: { code: true, dialect: true, level: true }, orderBy: { id: "asc" } },
} as const satisfies Prisma.InterpreterSelect;

export type InterpreterProfile = Prisma.InterpreterGetPayload<{ select: typeof PROFILE_SELECT }>;

export interface FactsQuery {
  /** Only these interpreters (e.g. the one being assigned). */
  interpreterIds?: string[];
  /** Every interpreter of the pool, not just active ones who speak the language. */
  everyone?: boolean;
}

/**
 * Gathers what the matching rules need about interpreters for one job, in a handful of queries
 * (never one per interpreter): availability, absences near the date, blocks for the job's
 * organisation, assignments that could clash, and the counts behind fairness and monthly limits.
 */
export async function loadInterpreterFacts(
  db: Db,
  job: JobFacts & { postcode: string | null },
  query: FactsQuery,
  options: { travelBufferMinutes: number; distances: PostcodeDistances },
): Promise<{ facts: InterpreterFacts[]; profiles: Map<string, InterpreterProfile> }> {
  const firstDay = toLocal(job.startsAt).date;
  const lastDay = toLocal(job.endsAt).date;
  const where: Prisma.InterpreterWhereInput = query.interpreterIds
    ? { id: { in: query.interpreterIds } }
    : query.everyone
      ? {}
      : { active: true, languages: { some: { code: job.language } } };
  const interpreters = await db.interpreter.findMany({
    where,
    select: {
      ...PROFILE_SELECT,
      active: true,
      modes: true,
      maxAssignmentsPerMonth: true,
      maxTravelKm: true,
      slots: { select: { weekday: true, fromMinute: true, toMinute: true } },
      absences: {
        where: { fromDate: { lte: utcDate(lastDay) }, toDate: { gte: utcDate(firstDay) } },
        select: { fromDate: true, toDate: true, note: true },
      },
      blocks: { where: { organisationId: job.organisationId }, select: { reason: true } },
    },
    orderBy: { id: "asc" },
  });
  const ids = interpreters.map((interpreter) => interpreter.id);
  const notThisJob = { id: { not: job.id }, interpreterId: { in: ids }, status: assignmentStatus };
  const buffer = options.travelBufferMinutes * 60_000;
  const local = toLocal(job.startsAt);
  const monthStart = fromLocal(`${local.year}-${String(local.month).padStart(2, "0")}-01`, 0);
  const nextMonth = local.month === 12 ? `${local.year + 1}-01-01` : `${local.year}-${String(local.month + 1).padStart(2, "0")}-01`;

  // One after another: inside a transaction they share one connection.
  const nearby = ids.length === 0 ? [] : await db.booking.findMany({
    where: { ...notThisJob, startsAt: { lt: new Date(job.endsAt.getTime() + buffer) }, endsAt: { gt: new Date(job.startsAt.getTime() - buffer) } },
    select: { id: true, code: true, startsAt: true, endsAt: true, mode: true, interpreterId: true },
  });
  const last30Days = ids.length === 0 ? [] : await db.booking.groupBy({
    by: ["interpreterId"],
    where: { ...notThisJob, startsAt: { gte: new Date(job.startsAt.getTime() - 30 * DAY_MS), lt: job.startsAt } },
    _count: { _all: true },
  });
  const lastServed = ids.length === 0 ? [] : await db.booking.groupBy({
    by: ["interpreterId"],
    where: { ...notThisJob, startsAt: { lt: job.startsAt } },
    _max: { startsAt: true },
  });
  const inMonth = ids.length === 0 ? [] : await db.booking.groupBy({
    by: ["interpreterId"],
    where: { ...notThisJob, startsAt: { gte: monthStart, lt: fromLocal(nextMonth, 0) } },
    _count: { _all: true },
  });

  const count30 = new Map(last30Days.map((row) => [row.interpreterId, row._count._all]));
  const lastAt = new Map(lastServed.map((row) => [row.interpreterId, row._max.startsAt]));
  const monthCount = new Map(inMonth.map((row) => [row.interpreterId, row._count._all]));
  const homes = interpreters.flatMap((interpreter) => (interpreter.homePostcode ? [interpreter.homePostcode] : []));
  const distances = job.mode === "onsite" && job.postcode ? await options.distances.distancesKm(db, homes, job.postcode) : new Map<string, number | null>();
  const facts = interpreters.map((interpreter): InterpreterFacts => ({
      id: interpreter.id,
      active: interpreter.active,
      gender: interpreter.gender,
      qualification: interpreter.qualification,
      modes: interpreter.modes,
      languages: interpreter.languages,
      slots: interpreter.slots,
      absences: interpreter.absences.map((absence) => ({ fromDate: dateOnly(absence.fromDate), toDate: dateOnly(absence.toDate), note: absence.note })),
      blockReason: interpreter.blocks[0]?.reason ?? null,
      assignments: nearby
        .filter((booking) => booking.interpreterId === interpreter.id)
        .map((booking) => ({ bookingId: booking.id, code: booking.code, startsAt: booking.startsAt, endsAt: booking.endsAt, mode: booking.mode })),
      assignmentsLast30Days: count30.get(interpreter.id) ?? 0,
      lastServedAt: lastAt.get(interpreter.id) ?? null,
      assignmentsInJobMonth: monthCount.get(interpreter.id) ?? 0,
      maxAssignmentsPerMonth: interpreter.maxAssignmentsPerMonth,
      distanceKm: interpreter.homePostcode ? (distances.get(interpreter.homePostcode) ?? null) : null,
      maxTravelKm: interpreter.maxTravelKm,
  }));
  return { facts, profiles: new Map(interpreters.map((interpreter) => [interpreter.id, interpreter])) };
}
