import type { InterpreterFacts, JobFacts } from "./matching";

const DAY_MS = 86_400_000;
const QUALIFICATION_FIT = { volunteer: 0, trained: 1, certified: 2 } as const;

/**
 * The facts the ranking score depends on — a small part of `InterpreterFacts`, cheap to load for a
 * whole language pool, so candidates can be put in order before the hard rules are checked for
 * the few at the top.
 */
export type RankingFacts = Pick<InterpreterFacts, "id" | "gender" | "qualification" | "languages" | "assignmentsLast30Days" | "lastServedAt" | "distanceKm">;

/** Sensitive, medical and psychosocial jobs prefer trained or certified interpreters. */
export function needsQualifiedInterpreter(job: Pick<JobFacts, "sensitive" | "topic">): boolean {
  return job.sensitive || job.topic === "medical" || job.topic === "psychosocial";
}

/** The entry of the interpreter's languages that serves the job: the wished dialect if spoken, else the first. */
export function spokenLanguage(job: Pick<JobFacts, "language" | "dialect">, interpreter: Pick<InterpreterFacts, "languages">) {
  const matching = interpreter.languages.filter((language) => language.code === job.language);
  const sameDialect = job.dialect
    ? matching.find((language) => language.dialect?.toLowerCase() === job.dialect!.toLowerCase())
    : undefined;
  return sameDialect ?? matching[0];
}

/** The parts of a candidate's score, most significant first (see `candidateScore`). */
export interface ScoreParts {
  fairness: number;
  daysSinceLast: number;
  dialectMatch: number;
  qualificationFit: number;
  genderMatch: number;
  proximity: number;
}

/** Which of an interpreter's ranking facts can change the score of a job (`scoreParts`). */
export interface FactsThatCount {
  /** The gender: only a soft wish scores it (a required one is a hard rule, checked on the full facts). */
  gender: boolean;
  /** The qualification: only jobs that need a qualified interpreter score it. */
  qualification: boolean;
  /** The dialects: only a wished dialect scores them. */
  dialect: boolean;
  /** The distance: only on-site jobs score it. */
  distance: boolean;
}

/**
 * The ranking facts `scoreParts` reads for a job: a pool's ranking loads only these (every column
 * of a pool is hundreds more values to read and decode), and the others may hold any value of their
 * type without changing a score (held to that by a property test).
 *
 * @example
 * factsThatCount({ ...job, dialect: null, mode: "phone", genderPreference: null }).dialect; // false
 */
export function factsThatCount(job: Pick<JobFacts, "dialect" | "mode" | "genderPreference" | "sensitive" | "topic">): FactsThatCount {
  return {
    gender: job.genderPreference !== null && !job.genderPreference.required,
    qualification: needsQualifiedInterpreter(job),
    dialect: Boolean(job.dialect),
    distance: job.mode === "onsite",
  };
}

/**
 * The parts of the ranking score: fairness (99 − assignments in the 30 days before the job), days
 * since the last assignment (99 for never served, otherwise at most 98), dialect, qualification
 * fit (only for jobs that need it), a soft gender wish, and proximity (on-site jobs only).
 *
 * @example
 * scoreParts(job, facts).fairness; // 97 for two assignments in the last 30 days
 */
export function scoreParts(job: JobFacts, interpreter: RankingFacts): ScoreParts {
  const language = spokenLanguage(job, interpreter);
  const count = interpreter.assignmentsLast30Days;
  const wish = job.genderPreference;
  return {
    fairness: 99 - Math.min(99, count),
    // Never served ranks above any served interpreter: 99, while served ones are capped at 98.
    daysSinceLast: interpreter.lastServedAt ? Math.min(98, Math.floor((job.startsAt.getTime() - interpreter.lastServedAt.getTime()) / DAY_MS)) : 99,
    dialectMatch: job.dialect && language?.dialect?.toLowerCase() === job.dialect.toLowerCase() ? 1 : 0,
    qualificationFit: needsQualifiedInterpreter(job) ? QUALIFICATION_FIT[interpreter.qualification] : 0,
    genderMatch: wish && !wish.required && interpreter.gender === wish.gender ? 1 : 0,
    proximity: job.mode === "onsite" && interpreter.distanceKm !== null ? 99 - Math.min(99, Math.round(interpreter.distanceKm)) : 0,
  };
}

/**
 * The ranking score of an eligible candidate: higher means an earlier place. Its integer part is
 * the fairness band; the decimals encode the other parts, digits most significant first
 * (FF.RRDQGPP), so no later part can outweigh an earlier one.
 *
 * @example
 * candidateScore(job, { ...facts, assignmentsLast30Days: 2, lastServedAt: null }); // 97.99…
 */
export function candidateScore(job: JobFacts, interpreter: RankingFacts): number {
  return scoreOfParts(scoreParts(job, interpreter));
}

/**
 * `candidateScore` from parts already worked out (the candidates answer needs the parts for its
 * reasons as well).
 *
 * @example
 * scoreOfParts(scoreParts(job, facts)) === candidateScore(job, facts); // true
 */
export function scoreOfParts(parts: ScoreParts): number {
  const composite =
    ((((parts.fairness * 100 + parts.daysSinceLast) * 10 + parts.dialectMatch) * 10 + parts.qualificationFit) * 10 + parts.genderMatch) * 100 + parts.proximity;
  return composite / 10_000_000;
}

/** Candidate order: higher score first, equal scores by id, so the order never depends on the database. */
export function compareRanked(a: { score: number; interpreterId: string }, b: { score: number; interpreterId: string }): number {
  return b.score - a.score || (a.interpreterId < b.interpreterId ? -1 : a.interpreterId > b.interpreterId ? 1 : 0);
}

/**
 * Puts a pool in ranking order by score alone, before any hard rule is checked: for every
 * interpreter who turns out eligible, this is exactly their place among the eligible ones, since
 * `evaluateInterpreter` scores with `candidateScore` too.
 *
 * @example
 * inRankingOrder(job, pool).map((entry) => entry.interpreterId); // best first
 */
export function inRankingOrder(job: JobFacts, pool: RankingFacts[]): { interpreterId: string; score: number }[] {
  return pool.map((interpreter) => ({ interpreterId: interpreter.id, score: candidateScore(job, interpreter) })).sort(compareRanked);
}
