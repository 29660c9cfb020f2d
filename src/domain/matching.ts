import { absenceDuring, coveringSlots, describeAbsence, describeSlot, type AbsencePeriod, type WeeklySlot } from "./availability";
import { compareRanked, needsQualifiedInterpreter, scoreOfParts, scoreParts, spokenLanguage } from "./candidate-score";
import { formatLocalRange, toLocal } from "./pool-time";

export { needsQualifiedInterpreter } from "./candidate-score";

export type Mode = "onsite" | "phone" | "video";
export type Level = "native" | "fluent" | "basic";
export type Qualification = "volunteer" | "trained" | "certified";
export type Topic = "general" | "medical" | "psychosocial" | "school" | "authority" | "youth_welfare";

/** What matching needs to know about a job. */
export interface JobFacts {
  id: string;
  language: string;
  dialect: string | null;
  startsAt: Date;
  endsAt: Date;
  mode: Mode;
  topic: Topic;
  sensitive: boolean;
  genderPreference: { gender: "female" | "male"; required: boolean } | null;
  organisationId: string;
}

/** An assignment an interpreter already holds. */
export interface HeldAssignment {
  bookingId: string;
  code: string;
  startsAt: Date;
  endsAt: Date;
  mode: Mode;
}

/** What matching needs to know about one interpreter, gathered by the caller. */
export interface InterpreterFacts {
  id: string;
  active: boolean;
  gender: "female" | "male" | "diverse" | null;
  qualification: Qualification;
  modes: Mode[];
  languages: { code: string; dialect: string | null; level: Level }[];
  slots: WeeklySlot[];
  absences: AbsencePeriod[];
  /** Blocks for the job's organisation (reason), if any. */
  blockReason: string | null;
  /** Assignments near the job's time (any that could clash, buffer included). */
  assignments: HeldAssignment[];
  /** Assignments that start in the 30 days before the job. */
  assignmentsLast30Days: number;
  /** Start of the most recent assignment before the job, or null if never served. */
  lastServedAt: Date | null;
  /** Assignments in the job's local calendar month. */
  assignmentsInJobMonth: number;
  maxAssignmentsPerMonth: number | null;
  /** Distance from home to the job's place, when both postcodes are known. */
  distanceKm: number | null;
  maxTravelKm: number | null;
}

export interface MatchingRules {
  /** Minutes kept free between an on-site job and any other job (travel). */
  travelBufferMinutes: number;
}

export const EXCLUSION_RULES = [
  "inactive",
  "language",
  "mode",
  "gender",
  "blocked",
  "absence",
  "availability",
  "overlap",
  "monthly_limit",
  "travel_distance",
] as const;
export type ExclusionRule = (typeof EXCLUSION_RULES)[number];

/** Rules a coordinator may override with `force` (never a double booking, the language or a block). */
export const OVERRIDABLE_RULES: ReadonlySet<ExclusionRule> = new Set(["absence", "availability", "monthly_limit", "travel_distance"]);

export type Evaluation =
  | { eligible: true; interpreterId: string; score: number; reasons: string[] }
  | { eligible: false; interpreterId: string; rule: ExclusionRule; reason: string };

const LEVEL_DE: Record<Level, string> = { native: "Muttersprache", fluent: "fließend", basic: "Grundkenntnisse" };
const QUALIFICATION_DE: Record<Qualification, string> = { volunteer: "ehrenamtlich", trained: "geschult", certified: "zertifiziert" };
const MODE_DE: Record<Mode, string> = { onsite: "vor Ort", phone: "per Telefon", video: "per Video" };
const GENDER_DE = { female: "weiblich", male: "männlich" } as const;

/** Minutes two jobs must lie apart: the travel buffer when either is on site. */
function gapMinutes(a: Mode, b: Mode, rules: MatchingRules): number {
  return a === "onsite" || b === "onsite" ? rules.travelBufferMinutes : 0;
}

/**
 * The assignment that would clash with the job (overlap, or closer than the travel buffer), if any.
 *
 * @example
 * clashingAssignment(job, held, { travelBufferMinutes: 30 }); // the held job 09:00–10:00 for an on-site job at 10:15
 */
export function clashingAssignment(job: Pick<JobFacts, "id" | "startsAt" | "endsAt" | "mode">, held: HeldAssignment[], rules: MatchingRules): HeldAssignment | null {
  return (
    held.find((other) => {
      if (other.bookingId === job.id) return false;
      const gap = gapMinutes(job.mode, other.mode, rules) * 60_000;
      return other.startsAt.getTime() < job.endsAt.getTime() + gap && job.startsAt.getTime() < other.endsAt.getTime() + gap;
    }) ?? null
  );
}

type Excluder = (rule: ExclusionRule, reason: string) => Evaluation | null;
type HardRule = (job: JobFacts, interpreter: InterpreterFacts, rules: MatchingRules, exclude: Excluder) => Evaluation | null;

/**
 * The hard rules in order, each excluding (unless ignored) with its reason. Written once for the
 * module rather than as closures per call: they are asked for every candidate of every answer.
 */
const HARD_RULES: readonly HardRule[] = [
  (_job, interpreter, _rules, exclude) => (interpreter.active ? null : exclude("inactive", "inaktiv")),
  (job, interpreter, _rules, exclude) => (spokenLanguage(job, interpreter) ? null : exclude("language", `spricht kein ${job.language}`)),
  (job, interpreter, _rules, exclude) => (interpreter.modes.includes(job.mode) ? null : exclude("mode", `bietet keine Einsätze ${MODE_DE[job.mode]} an`)),
  (job, interpreter, _rules, exclude) => {
    const wish = job.genderPreference;
    return wish?.required && interpreter.gender !== wish.gender ? exclude("gender", `Geschlecht ${GENDER_DE[wish.gender]} verlangt`) : null;
  },
  (_job, interpreter, _rules, exclude) => (interpreter.blockReason === null ? null : exclude("blocked", `für diese Organisation gesperrt: ${interpreter.blockReason}`)),
  (job, interpreter, _rules, exclude) => {
    const absence = absenceDuring(interpreter.absences, job.startsAt, job.endsAt);
    return absence ? exclude("absence", `abwesend ${describeAbsence(absence)}`) : null;
  },
  (job, interpreter, _rules, exclude) => {
    if (coveringSlots(interpreter.slots, job.startsAt, job.endsAt)) return null;
    return exclude(
      "availability",
      interpreter.slots.length === 0 ? "keine Verfügbarkeit eingetragen" : `nicht verfügbar ${formatLocalRange(job.startsAt, job.endsAt)}`,
    );
  },
  (job, interpreter, rules, exclude) => {
    const clash = clashingAssignment(job, interpreter.assignments, rules);
    return clash ? exclude("overlap", `bereits im Einsatz ${formatLocalRange(clash.startsAt, clash.endsAt)} (Einsatz ${clash.code})`) : null;
  },
  (_job, interpreter, _rules, exclude) => {
    const max = interpreter.maxAssignmentsPerMonth;
    return max !== null && interpreter.assignmentsInJobMonth >= max
      ? exclude("monthly_limit", `Monatsgrenze erreicht (${interpreter.assignmentsInJobMonth} von ${max})`)
      : null;
  },
  (job, interpreter, _rules, exclude) => {
    const { distanceKm, maxTravelKm } = interpreter;
    return job.mode === "onsite" && distanceKm !== null && maxTravelKm !== null && distanceKm > maxTravelKm
      ? exclude("travel_distance", `zu weit: ca. ${Math.round(distanceKm)} km, höchstens ${maxTravelKm} km`)
      : null;
  },
];

/** The first hard rule that applies (and is not ignored). */
function firstViolation(job: JobFacts, interpreter: InterpreterFacts, rules: MatchingRules, exclude: Excluder): Evaluation | null {
  for (const rule of HARD_RULES) {
    const result = rule(job, interpreter, rules, exclude);
    if (result) return result;
  }
  return null;
}

const NO_RULES: ReadonlySet<ExclusionRule> = new Set();

/**
 * Applies the hard rules to one interpreter and, when none excludes them, scores them.
 *
 * The score orders candidates: fairness first (fewest assignments in the 30 days before the job,
 * then the longest time since the last one), then dialect, qualification fit, a soft gender
 * wish, and distance. Its integer part is the fairness band (99 − assignments); the decimals
 * encode the rest, so a higher score always means an earlier place.
 */
export function evaluateInterpreter(
  job: JobFacts,
  interpreter: InterpreterFacts,
  rules: MatchingRules,
  options: { ignore?: ReadonlySet<ExclusionRule> } = {},
): Evaluation {
  const ignore = options.ignore ?? NO_RULES;
  const exclude = (rule: ExclusionRule, reason: string): Evaluation | null =>
    ignore.has(rule) ? null : { eligible: false, interpreterId: interpreter.id, rule, reason };
  const violation = firstViolation(job, interpreter, rules, exclude);
  if (violation) return violation;
  const language = spokenLanguage(job, interpreter);
  const slots = coveringSlots(interpreter.slots, job.startsAt, job.endsAt) ?? [];

  const reasons: string[] = [];
  const details = [language?.dialect, language ? LEVEL_DE[language.level] : null].filter(Boolean).join(", ");
  if (language) reasons.push(`spricht ${language.code} (${details})`);
  if (slots.length > 0) reasons.push(`frei ${slots.map(describeSlot).join(" und ")}`);
  const count = interpreter.assignmentsLast30Days;
  reasons.push(count === 1 ? "1 Einsatz in den letzten 30 Tagen" : `${count} Einsätze in den letzten 30 Tagen`);
  if (interpreter.lastServedAt) {
    const last = toLocal(interpreter.lastServedAt);
    reasons.push(`zuletzt im Einsatz am ${String(last.day).padStart(2, "0")}.${String(last.month).padStart(2, "0")}.${last.year}`);
  } else {
    reasons.push("bisher kein Einsatz");
  }
  const parts = scoreParts(job, interpreter);
  if (job.dialect) reasons.push(parts.dialectMatch ? `Dialekt passt (${job.dialect})` : `anderer Dialekt als gewünscht (${job.dialect})`);
  if (needsQualifiedInterpreter(job)) {
    reasons.push(
      parts.qualificationFit > 0
        ? `${QUALIFICATION_DE[interpreter.qualification]} – passend für diesen Einsatz`
        : "ehrenamtlich ohne Schulung – für diesen Einsatz sind geschulte Dolmetschende besser",
    );
  }
  const wish = job.genderPreference;
  if (wish && !wish.required) reasons.push(parts.genderMatch ? `Wunsch ${GENDER_DE[wish.gender]} erfüllt` : `Wunsch ${GENDER_DE[wish.gender]} nicht erfüllt`);
  if (job.mode === "onsite") reasons.push(interpreter.distanceKm !== null ? `ca. ${Math.round(interpreter.distanceKm)} km entfernt` : "Entfernung unbekannt");
  return { eligible: true, interpreterId: interpreter.id, score: scoreOfParts(parts), reasons };
}

export interface RankedCandidates {
  candidates: Extract<Evaluation, { eligible: true }>[];
  excluded: Extract<Evaluation, { eligible: false }>[];
}

/**
 * Evaluates every interpreter and returns the eligible ones best first (equal scores by id, so
 * the order never depends on the database), and the others with the rule that excluded each.
 */
export function rankCandidates(job: JobFacts, interpreters: InterpreterFacts[], rules: MatchingRules): RankedCandidates {
  const evaluations = interpreters.map((interpreter) => evaluateInterpreter(job, interpreter, rules));
  const candidates = evaluations
    .filter((e): e is Extract<Evaluation, { eligible: true }> => e.eligible)
    .sort(compareRanked);
  const excluded = evaluations
    .filter((e): e is Extract<Evaluation, { eligible: false }> => !e.eligible)
    .sort((a, b) => EXCLUSION_RULES.indexOf(a.rule) - EXCLUSION_RULES.indexOf(b.rule) || compareIds(a.interpreterId, b.interpreterId));
  return { candidates, excluded };
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
