import type { Actor } from "../../auth/actor";
import { rowsThroughPrisma } from "../../db/database";
import type { SqlTx } from "../../db/sql-transaction";
import { ASSIGNMENT_STATUSES } from "../../domain/booking-lifecycle";
import type { WeeklySlot } from "../../domain/availability";
import type { InterpreterFacts, JobFacts } from "../../domain/matching";
import { fromLocal, toLocal } from "../../domain/pool-time";
import { Prisma } from "../../generated/prisma/client";
import type { PostcodeDistances } from "../postcodes/postcodes.service";
import { bookingColumnsSql, visibleBookingSql, type BookingRow } from "./booking-view";

type Db = SqlTx;
const DAY_MS = 86_400_000;

/** The columns of a booking the matching reads: `jobFactsOf`'s and the place's postcode. */
const JOB_COLUMNS = ["id", "language", "dialect", "startsAt", "endsAt", "mode", "topic", "sensitive", "genderPreference", "genderRequired", "organisationId", "postcode"] as const;
const JOB_SELECT = bookingColumnsSql("b", JOB_COLUMNS);

export type JobRow = Pick<BookingRow, (typeof JOB_COLUMNS)[number]>;

/** A job as the matching reads it: the facts of the rules and the place's postcode (on-site distances). */
export type MatchingJob = JobFacts & { postcode: string | null };

/** What the matching needs to know about a job, from its booking row. @example jobFactsOf(row).language; // "ar" */
export function jobFactsOf(row: JobRow): MatchingJob {
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
    postcode: row.postcode,
  };
}

/**
 * A job as the matching reads it, in one statement through `rows` (`Database.rows`), if the actor
 * may see the booking (`visibleBookingSql`); null otherwise. Only the columns the matching needs:
 * a whole booking row is 42 columns and two lookups more, which the candidates answer never shows.
 *
 * @example
 * const job = await readJob(db.rows, id, actor); // { language: "ar", …, postcode: "52349" }
 */
export async function readJob(rows: <Row>(query: Prisma.Sql) => Promise<Row[]>, id: string, actor: Actor): Promise<MatchingJob | null> {
  const select = visibleBookingSql(id, actor, JOB_SELECT);
  const [row] = select ? await rows<JobRow>(select) : [];
  return row ? jobFactsOf(row) : null;
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

/**
 * Where the matching statements read. Inside a transaction everything goes through it
 * (`readerIn(tx)`); outside one, the statements may go straight to the driver (`Database.rows`,
 * past Prisma's decoding of hundreds of rows) while `db` serves the model reads.
 */
export interface MatchingReader {
  /** Model reads (postcode distances). */
  db: Db;
  /** Runs one statement and returns its rows. */
  rows<Row>(query: Prisma.Sql): Promise<Row[]>;
}

/**
 * Every read through one transaction. How its statements are planned is the transaction's: one
 * that ranks a pool (an offer wave) is begun with `Database.transaction`'s `genericPlans`, so
 * where statements are prepared (a PostgreSQL server with DATABASE_PREPARED_STATEMENTS on) the
 * ranking and facts statements are planned once per connection instead of on every call (0.6–0.9
 * ms each; the same as `Database.rows` outside transactions, see open-database.ts). The facts of
 * one person (an assignment's checks) are read in a transaction begun with `KEYED_PLANS`: left to
 * itself, PostgreSQL kept planning that statement anew on every run (RESULTS.md, fix 31).
 *
 * @example
 * await findTopCandidates(readerIn(tx), job, { limit: 3 }, factsOptions);
 */
export function readerIn(tx: Db): MatchingReader {
  return { db: tx, rows: rowsThroughPrisma(tx) };
}

export interface FactsQuery {
  /** Only these interpreters (e.g. the one being assigned). */
  interpreterIds?: string[];
  /** Every interpreter of the pool, not just active ones who speak the language. */
  everyone?: boolean;
}

/** One row of the facts query: an interpreter with everything matching needs, aggregated in SQL. */
interface FactsRow {
  id: string;
  name: string;
  gender: InterpreterFacts["gender"];
  qualification: InterpreterFacts["qualification"];
  homePostcode: string | null;
  active: boolean;
  /** The modes, comma-separated (`MODES_SQL`). */
  modes: string;
  maxAssignmentsPerMonth: number | null;
  maxTravelKm: number | null;
  languages: Json<InterpreterFacts["languages"]>;
  /** Each slot as one number, comma-separated (`SLOT_SQL`). */
  slots: string;
  absences: Json<InterpreterFacts["absences"]>;
  blockReason: string | null;
  assignments: Json<{ bookingId: string; code: string; startsAt: number; endsAt: number; mode: InterpreterFacts["modes"][number] }[]>;
  assignmentsLast30Days: number;
  lastServedAt: Date | string | null;
  assignmentsInJobMonth: number;
}

/**
 * A weekly slot as one integer, `weekday·10⁸ + fromMinute·10⁴ + toMinute` (at most 714,401,440):
 * PostgreSQL builds an int array of a person's slots for a fraction of what seven JSON objects
 * cost (0.12 ms of the 0.45 ms facts of 21 people; RESULTS.md, fix 27). The condition is the
 * CHECK every slot meets, stated so the planner uses the covering index "AvailabilitySlot_weekly_idx".
 * The array travels as one comma-separated text (no slots: ''), like the modes (`MODES_SQL`): pg
 * parses array columns a character at a time, with an object per character — a tenth of all the
 * memory a booking pipeline allocated (RESULTS.md, fix 43) — and text reads the same on every driver.
 */
const SLOT_SQL = Prisma.raw(`COALESCE((SELECT array_to_string(array_agg(s."weekday" * 100000000 + s."fromMinute" * 10000 + s."toMinute"), ',')
                FROM "AvailabilitySlot" s WHERE s."interpreterId" = i."id" AND s."fromMinute" < s."toMinute"), '')`);
const MODES_SQL = Prisma.raw(`array_to_string(i."modes", ',')`);

/** The items of a comma-separated list ('' for none). */
const listItems = (text: string): string[] => (text === "" ? [] : text.split(","));

/**
 * The slots of `SLOT_SQL` back as objects.
 *
 * @example
 * slotsOf(String(100000000 * 2 + 480 * 10000 + 1020)); // [{ weekday: 2, fromMinute: 480, toMinute: 1020 }]
 */
export function slotsOf(encoded: string): WeeklySlot[] {
  return listItems(encoded).map((item) => {
    const value = Number(item);
    return { weekday: Math.floor(value / 100_000_000), fromMinute: Math.floor(value / 10_000) % 10_000, toMinute: value % 10_000 };
  });
}

// Literal statuses (PGlite cannot take enum-array parameters); the constants are ours, not input.
const HELD = Prisma.raw(ASSIGNMENT_STATUSES.map((status) => `'${status}'`).join(", "));

/** The held bookings (assigned or done) of the person `person` other than the job itself, as `x`. @example heldBookingsSql(Prisma.raw(`i."id"`), job); */
export function heldBookingsSql(person: Prisma.Sql, job: Pick<JobFacts, "id">): Prisma.Sql {
  return Prisma.sql`x."interpreterId" = ${person} AND x."status" IN (${HELD}) AND x."id" <> ${job.id}::uuid`;
}

/**
 * The 30-day count and the last assignment before the job, for the ranking and the facts
 * statements alike: each reads the person's history (`held`: their held bookings other than the
 * job, as `x`) only where their latest assignment (`latest`, kept by triggers) says it can hold an
 * answer — a count of the window only if the latest lies in it or later, the last one before the
 * job only if the latest lies after it. For a job weeks ahead most people's history lies wholly
 * before it, and the column alone answers. Each probe is a scalar subquery under a CASE, so it runs
 * only for the rows that need it (a lateral join cost a scan node per row even when filtered out).
 *
 * @example
 * const history = recentHistorySql(Prisma.raw('i."latestAssignmentAt"'), held, job);
 * Prisma.sql`SELECT ${history.assignmentsLast30Days} AS "assignmentsLast30Days" …`;
 */
export function recentHistorySql(latest: Prisma.Sql, held: Prisma.Sql, job: Pick<JobFacts, "startsAt">): { assignmentsLast30Days: Prisma.Sql; lastServedAt: Prisma.Sql } {
  const since30Days = new Date(job.startsAt.getTime() - 30 * DAY_MS);
  return {
    assignmentsLast30Days: Prisma.sql`CASE WHEN ${latest} >= ${since30Days}::timestamptz
        THEN (SELECT count(*)::int FROM "Booking" x WHERE ${held} AND x."startsAt" >= ${since30Days}::timestamptz AND x."startsAt" < ${job.startsAt}::timestamptz)
        ELSE 0 END`,
    lastServedAt: Prisma.sql`CASE WHEN ${latest} IS NULL OR ${latest} < ${job.startsAt}::timestamptz THEN ${latest}
        ELSE (SELECT max(x."startsAt") FROM "Booking" x WHERE ${held} AND x."startsAt" < ${job.startsAt}::timestamptz) END`,
  };
}

/** A json column as the driver hands it over: parsed already, or (some adapters) as text. */
type Json<T> = T | string;
const parsed = <T>(value: Json<T>): T => (typeof value === "string" ? (JSON.parse(value) as T) : value);


/**
 * Gathers what the matching rules need about interpreters for one job in a single query: each
 * interpreter's languages, slots, absences near the date, a block for the job's organisation,
 * assignments that could clash, and the counts behind fairness and monthly limits. The per-person
 * parts are correlated subqueries on (interpreterId, …) indexes, so the cost grows with the
 * candidates, not with the history of the pool (long `IN (…)` lists and GROUP BYs over every past
 * assignment of every candidate were the bottleneck at 10,000 interpreters).
 */
export async function loadInterpreterFacts(
  reader: MatchingReader,
  job: MatchingJob,
  query: FactsQuery,
  options: { travelBufferMinutes: number; distances: PostcodeDistances },
): Promise<{ facts: InterpreterFacts[]; profiles: Map<string, InterpreterProfile> }> {
  if (query.interpreterIds && query.interpreterIds.length === 0) return { facts: [], profiles: new Map() };
  const firstDay = toLocal(job.startsAt).date;
  const lastDay = toLocal(job.endsAt).date;
  const buffer = options.travelBufferMinutes * 60_000;
  const local = toLocal(job.startsAt);
  const monthStart = fromLocal(`${local.year}-${String(local.month).padStart(2, "0")}-01`, 0);
  const nextMonth = fromLocal(local.month === 12 ? `${local.year + 1}-01-01` : `${local.year}-${String(local.month + 1).padStart(2, "0")}-01`, 0);
  const nearStart = new Date(job.startsAt.getTime() - buffer);
  const nearEnd = new Date(job.endsAt.getTime() + buffer);
  // Erased people are never candidates, not even among the excluded.
  const who = query.interpreterIds
    ? Prisma.sql`i."id" IN (${Prisma.join(query.interpreterIds.map((id) => Prisma.sql`${id}::uuid`))})`
    : query.everyone
      ? Prisma.sql`TRUE`
      : Prisma.sql`i."active" AND EXISTS (SELECT 1 FROM "InterpreterLanguage" l WHERE l."interpreterId" = i."id" AND l."code" = ${job.language} AND l."personActive")`;
  // Overlap as a range (`&&`), the exclusion constraint's own expression: its GiST index then
  // finds the clashes directly; `startsAt < … AND endsAt > …` made it scan each person's history.
  // The counts and the last assignment look at the history only where the person's latest
  // assignment ("latestAssignmentAt", the latest start of their held bookings, kept by triggers)
  // says it can hold an answer, as the ranking does (`recentHistorySql`).
  const held = heldBookingsSql(Prisma.raw(`i."id"`), job);
  const history = recentHistorySql(Prisma.raw(`i."latestAssignmentAt"`), held, job);
  const rows = await reader.rows<FactsRow>(Prisma.sql`
    SELECT i."id"::text AS "id", i."name", i."gender"::text AS "gender", i."qualification"::text AS "qualification", i."homePostcode",
      i."active", ${MODES_SQL} AS "modes", i."maxAssignmentsPerMonth", i."maxTravelKm",
      COALESCE((SELECT json_agg(json_build_object('code', l."code", 'dialect', l."dialect", 'level', l."level") ORDER BY l."id")
                FROM "InterpreterLanguage" l WHERE l."interpreterId" = i."id"), '[]') AS "languages",
      ${SLOT_SQL} AS "slots",
      COALESCE((SELECT json_agg(json_build_object('fromDate', to_char(a."fromDate", 'YYYY-MM-DD'), 'toDate', to_char(a."toDate", 'YYYY-MM-DD'), 'note', a."note"))
                FROM "Absence" a WHERE a."interpreterId" = i."id" AND a."fromDate" <= ${lastDay}::date AND a."toDate" >= ${firstDay}::date), '[]') AS "absences",
      (SELECT b."reason" FROM "InterpreterBlock" b WHERE b."interpreterId" = i."id" AND b."organisationId" = ${job.organisationId}::uuid LIMIT 1) AS "blockReason",
      COALESCE((SELECT json_agg(json_build_object('bookingId', x."id", 'code', x."code", 'mode', x."mode",
                  'startsAt', (extract(epoch FROM x."startsAt") * 1000)::bigint, 'endsAt', (extract(epoch FROM x."endsAt") * 1000)::bigint))
                FROM "Booking" x WHERE ${held} AND tstzrange(x."startsAt", x."endsAt", '[)') && tstzrange(${nearStart}::timestamptz, ${nearEnd}::timestamptz, '[)')), '[]') AS "assignments",
      ${history.assignmentsLast30Days} AS "assignmentsLast30Days",
      ${history.lastServedAt} AS "lastServedAt",
      CASE WHEN i."latestAssignmentAt" >= ${monthStart}::timestamptz
        THEN (SELECT count(*)::int FROM "Booking" x WHERE ${held} AND x."startsAt" >= ${monthStart}::timestamptz AND x."startsAt" < ${nextMonth}::timestamptz)
        ELSE 0 END AS "assignmentsInJobMonth"
    FROM "Interpreter" i
    WHERE ${who} AND i."erasedAt" IS NULL
    ORDER BY i."id"`);

  const homes = rows.flatMap((row) => (row.homePostcode ? [row.homePostcode] : []));
  const distances = job.mode === "onsite" && job.postcode ? await options.distances.distancesKm(reader.db, homes, job.postcode) : new Map<string, number | null>();
  const facts: InterpreterFacts[] = [];
  const profiles = new Map<string, InterpreterProfile>();
  for (const row of rows) {
    const languages = parsed(row.languages);
    facts.push({
      id: row.id,
      active: row.active,
      gender: row.gender,
      qualification: row.qualification,
      modes: listItems(row.modes) as InterpreterFacts["modes"],
      languages,
      slots: slotsOf(row.slots),
      absences: parsed(row.absences),
      blockReason: row.blockReason,
      assignments: parsed(row.assignments).map((held) => ({ ...held, startsAt: new Date(Number(held.startsAt)), endsAt: new Date(Number(held.endsAt)) })),
      assignmentsLast30Days: Number(row.assignmentsLast30Days),
      lastServedAt: row.lastServedAt === null ? null : new Date(row.lastServedAt),
      assignmentsInJobMonth: Number(row.assignmentsInJobMonth),
      maxAssignmentsPerMonth: row.maxAssignmentsPerMonth,
      distanceKm: row.homePostcode ? (distances.get(row.homePostcode) ?? null) : null,
      maxTravelKm: row.maxTravelKm,
    });
    profiles.set(row.id, { id: row.id, name: row.name, gender: row.gender, qualification: row.qualification, homePostcode: row.homePostcode, languages });
  }
  return { facts, profiles };
}
