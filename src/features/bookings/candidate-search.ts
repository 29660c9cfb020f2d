import { compareRanked, factsThatCount, inRankingOrder, type RankingFacts } from "../../domain/candidate-score";
import { evaluateInterpreter, rankCandidates, type InterpreterFacts } from "../../domain/matching";
import { Prisma } from "../../generated/prisma/client";
import type { PostcodeDistances } from "../postcodes/postcodes.service";
import { heldBookingsSql, loadInterpreterFacts, recentHistorySql, type InterpreterProfile, type MatchingJob, type MatchingReader } from "./matching-facts";

type Eligible = Extract<ReturnType<typeof evaluateInterpreter>, { eligible: true }>;

interface RankingRow {
  id: string;
  /** Only when asked for (`contacts`): an offer wave texts the people it ranks. */
  phone?: string;
  /** Gender, qualification, home postcode and dialect only for jobs whose score reads them (`factsThatCount`). */
  gender?: InterpreterFacts["gender"];
  qualification?: InterpreterFacts["qualification"];
  homePostcode?: string | null;
  /** One of the dialects the person speaks the language in (null: none named); one row per dialect. */
  dialect?: string | null;
  reachable?: boolean;
  assignmentsLast30Days: number;
  /** The last assignment before the job, in milliseconds since the epoch. */
  lastServedMs: number | null;
}

/** The pool of a job in ranking order, with whether each person can be reached by SMS, and at which number. */
interface RankedPool {
  order: { interpreterId: string; score: number }[];
  reachable: Set<string>;
  phones: Map<string, string>;
  /** Distances from every home postcode in the pool to the job's place (on-site jobs). */
  distances: Map<string, number | null>;
}

/**
 * Everything the ranking score needs for every active interpreter who speaks the job's language,
 * in one statement that reads one range of one index: the person's columns it needs are copied
 * onto their language rows (the `person…` columns, kept by triggers; migration language_pool_copy).
 * The dialects they speak it in (a row per dialect, merged here: grouping in SQL
 * cost more than the rare extra row), the 30-day count and the last assignment
 * before the job. Those two read the person's history only where their copied latest assignment
 * says it can answer (`recentHistorySql`); for everyone else — in a large pool most people — the
 * column alone answers, so the statement costs little more than reading the pool.
 * The hard rules need much more (slots, absences, blocks, nearby assignments, month counts); those
 * are loaded only for the few people at the top of this order.
 */
async function rankedPool(
  reader: MatchingReader,
  job: MatchingJob,
  distancesOf: PostcodeDistances,
  contacts: boolean,
): Promise<RankedPool> {
  const held = heldBookingsSql(Prisma.raw(`l."interpreterId"`), job);
  // The history's probes under a CASE (`recentHistorySql`): a lateral join with the condition as a
  // one-time filter cost a (memoized) scan node per row of the pool even when filtered out, a
  // quarter of the statement for a job whose pool had served no one in the 30 days before it
  // (pgbench, 500 people: 1.9–2.2 → 1.4–1.6 ms; the same rows).
  const history = recentHistorySql(Prisma.raw(`l."personLatestAssignmentAt"`), held, job);
  // The last time comes as epoch milliseconds (a double): decoding 500 timestamps cost more than
  // the rest of a row. Columns only some callers need (phones and reachability for offer waves;
  // gender, qualification, dialect and home postcode for the jobs whose score reads them) are read
  // only for them: every column is 500 more values to decode (RESULTS.md, fixes 40 and 41).
  const counts = factsThatCount(job);
  const rows = await reader.rows<RankingRow>(Prisma.sql`
    SELECT l."interpreterId"::text AS "id",
      ${counts.gender ? Prisma.sql`l."personGender"::text AS "gender",` : Prisma.empty}
      ${counts.qualification ? Prisma.sql`l."personQualification"::text AS "qualification",` : Prisma.empty}
      ${counts.dialect ? Prisma.sql`l."dialect",` : Prisma.empty}
      ${contacts ? Prisma.sql`l."personPhone" AS "phone", l."personReachable" AS "reachable",` : Prisma.empty}
      ${counts.distance ? Prisma.sql`l."personHomePostcode" AS "homePostcode",` : Prisma.empty}
      ${history.assignmentsLast30Days} AS "assignmentsLast30Days",
      (extract(epoch FROM ${history.lastServedAt}) * 1000)::float8 AS "lastServedMs"
    FROM "InterpreterLanguage" l
    WHERE l."code" = ${job.language} AND l."personActive"`);
  const homes = [...new Set(rows.flatMap((row) => (row.homePostcode ? [row.homePostcode] : [])))];
  const distances = counts.distance && job.postcode && homes.length > 0 ? await distancesOf.distancesKm(reader.db, homes, job.postcode) : new Map<string, number | null>();
  const people = new Map<string, RankingFacts>();
  const reachable = new Set<string>();
  const phones = new Map<string, string>();
  for (const row of rows) {
    // Only the job's language matters to the score; its level does not. Facts the statement left
    // out (`factsThatCount`) do not change the score: any value of their type serves.
    const language = { code: job.language, dialect: row.dialect ?? null, level: "fluent" as const };
    const known = people.get(row.id);
    if (known) {
      known.languages.push(language);
      continue;
    }
    people.set(row.id, {
      id: row.id,
      gender: row.gender ?? null,
      qualification: row.qualification ?? "volunteer",
      languages: [language],
      assignmentsLast30Days: Number(row.assignmentsLast30Days),
      lastServedAt: row.lastServedMs === null ? null : new Date(Number(row.lastServedMs)),
      distanceKm: row.homePostcode ? (distances.get(row.homePostcode) ?? null) : null,
    });
    if (row.reachable) reachable.add(row.id);
    if (row.phone !== undefined) phones.set(row.id, row.phone);
  }
  return { order: inRankingOrder(job, [...people.values()]), reachable, phones, distances };
}

export interface TopCandidatesQuery {
  /** How many eligible candidates to return at most. */
  limit: number;
  /** Leave out these interpreters (e.g. asked before). */
  skip?: ReadonlySet<string>;
  /** Only people who can be reached by SMS (consent given, not opted out); their numbers come with the answer (`phones`, empty otherwise). */
  reachableOnly?: boolean;
}

/**
 * The best `limit` eligible candidates for a job, best first, and whether there are more. The
 * pool is put in ranking order on a few cheap facts; the hard rules are then checked in that
 * order, a growing chunk at a time, only until `limit + 1` people passed. Since an eligible
 * person's final score is the one the order was made with (`candidateScore`), the answer is the
 * same as ranking the whole pool — at a cost that grows with the pool only by the cheap part.
 *
 * @example
 * const { candidates, hasMore } = await findTopCandidates(readerIn(tx), job, { limit: 20 }, factsOptions);
 */
export async function findTopCandidates(
  reader: MatchingReader,
  job: MatchingJob,
  query: TopCandidatesQuery,
  options: { travelBufferMinutes: number; distances: PostcodeDistances },
): Promise<{ candidates: Eligible[]; profiles: Map<string, InterpreterProfile>; hasMore: boolean; phones: Map<string, string> }> {
  const pool = await rankedPool(reader, job, options.distances, query.reachableOnly === true);
  // The distances of the pool are known now: the chunks need not look them up again.
  const known: PostcodeDistances = { distancesKm: async (_db, from) => new Map(from.map((home) => [home, pool.distances.get(home) ?? null])) };
  const order = pool.order.filter(({ interpreterId }) => !query.skip?.has(interpreterId) && (!query.reachableOnly || pool.reachable.has(interpreterId)));
  const candidates: Eligible[] = [];
  const profiles = new Map<string, InterpreterProfile>();
  let next = 0;
  for (let chunk = Math.max(8, query.limit + 1); next < order.length && candidates.length <= query.limit; chunk *= 2) {
    const ids = order.slice(next, next + chunk).map((entry) => entry.interpreterId);
    next += ids.length;
    const loaded = await loadInterpreterFacts(reader, job, { interpreterIds: ids }, { ...options, distances: known });
    const factsOf = new Map(loaded.facts.map((facts) => [facts.id, facts]));
    for (const id of ids) {
      const facts = factsOf.get(id);
      const verdict = facts ? evaluateInterpreter(job, facts, options) : null;
      if (!verdict?.eligible) continue;
      candidates.push(verdict);
      profiles.set(id, loaded.profiles.get(id)!);
    }
  }
  // Already in order unless facts changed between the two reads; the final scores decide.
  candidates.sort(compareRanked);
  return { candidates: candidates.slice(0, query.limit), profiles, hasMore: candidates.length > query.limit, phones: pool.phones };
}

const profileView = (profile: InterpreterProfile) => ({
  id: profile.id,
  name: profile.name,
  gender: profile.gender,
  qualification: profile.qualification,
  languages: profile.languages,
  homePostcode: profile.homePostcode,
});

/**
 * The candidates answer of a job: the best `limit` eligible interpreters with reasons, whether
 * more exist, and — only when asked for, since it means checking every interpreter of the pool —
 * everyone else with the rule that excludes them.
 *
 * @example
 * await candidatesOf({ db: prisma, rows: database.rows }, job, { limit: 20, includeExcluded: false }, factsOptions); // { candidates, hasMore, excluded: [] }
 */
export async function candidatesOf(
  reader: MatchingReader,
  job: MatchingJob,
  query: { limit: number; includeExcluded: boolean },
  options: { travelBufferMinutes: number; distances: PostcodeDistances },
) {
  const view = (candidate: Eligible, profiles: Map<string, InterpreterProfile>) => ({
    interpreter: profileView(profiles.get(candidate.interpreterId)!),
    score: candidate.score,
    reasons: candidate.reasons,
  });
  if (!query.includeExcluded) {
    const top = await findTopCandidates(reader, job, { limit: query.limit }, options);
    return { candidates: top.candidates.map((candidate) => view(candidate, top.profiles)), hasMore: top.hasMore, excluded: [] };
  }
  const { facts, profiles } = await loadInterpreterFacts(reader, job, { everyone: true }, options);
  const ranked = rankCandidates(job, facts, options);
  return {
    candidates: ranked.candidates.slice(0, query.limit).map((candidate) => view(candidate, profiles)),
    hasMore: ranked.candidates.length > query.limit,
    excluded: ranked.excluded.map((entry) => ({ interpreter: profileView(profiles.get(entry.interpreterId)!), rule: entry.rule, reason: entry.reason })),
  };
}
