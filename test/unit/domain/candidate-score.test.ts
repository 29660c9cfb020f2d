import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { candidateScore, factsThatCount, inRankingOrder, scoreParts } from "../../../src/domain/candidate-score";
import { evaluateInterpreter, rankCandidates, type InterpreterFacts, type JobFacts } from "../../../src/domain/matching";

const RULES = { travelBufferMinutes: 30 };
const JOB_START = new Date("2026-11-24T08:30:00Z"); // Tuesday 09:30 in Berlin

const jobArbitrary = fc.record({
  dialect: fc.constantFrom(null, "levantinisch", "irakisch"),
  mode: fc.constantFrom("onsite", "phone", "video") as fc.Arbitrary<JobFacts["mode"]>,
  topic: fc.constantFrom("general", "medical", "school") as fc.Arbitrary<JobFacts["topic"]>,
  sensitive: fc.boolean(),
  genderPreference: fc.constantFrom(null, { gender: "female" as const, required: false }, { gender: "male" as const, required: false }),
});

/** Any job, a required gender and an empty dialect wish included. */
const anyJobArbitrary = fc.record({
  dialect: fc.constantFrom(null, "", "levantinisch", "irakisch"),
  mode: fc.constantFrom("onsite", "phone", "video") as fc.Arbitrary<JobFacts["mode"]>,
  topic: fc.constantFrom("general", "medical", "psychosocial", "school") as fc.Arbitrary<JobFacts["topic"]>,
  sensitive: fc.boolean(),
  genderPreference: fc.option(fc.record({ gender: fc.constantFrom("female" as const, "male" as const), required: fc.boolean() })),
});

/** An interpreter who passes every hard rule, with random ranking facts. */
const interpreterArbitrary = (id: number) =>
  fc.record({
    gender: fc.constantFrom("female", "male", "diverse", null) as fc.Arbitrary<InterpreterFacts["gender"]>,
    qualification: fc.constantFrom("volunteer", "trained", "certified") as fc.Arbitrary<InterpreterFacts["qualification"]>,
    dialects: fc.subarray(["levantinisch", "irakisch", "LEVANTINISCH"]),
    assignmentsLast30Days: fc.nat(120),
    daysAgo: fc.option(fc.nat(400)),
    distanceKm: fc.option(fc.double({ min: 0, max: 150, noNaN: true })),
  }).map(
    (random): InterpreterFacts => ({
      id: `int-${String(id).padStart(3, "0")}`,
      active: true,
      gender: random.gender,
      qualification: random.qualification,
      modes: ["onsite", "phone", "video"],
      languages: [{ code: "ar", dialect: null, level: "native" as const }, ...random.dialects.map((dialect) => ({ code: "ar", dialect, level: "fluent" as const }))],
      slots: [{ weekday: 2, fromMinute: 0, toMinute: 1440 }],
      absences: [],
      blockReason: null,
      assignments: [],
      assignmentsLast30Days: random.assignmentsLast30Days,
      lastServedAt: random.daysAgo === null ? null : new Date(JOB_START.getTime() - random.daysAgo * 86_400_000 - 3_600_000),
      assignmentsInJobMonth: 0,
      maxAssignmentsPerMonth: null,
      distanceKm: random.distanceKm,
      maxTravelKm: null,
    }),
  );

const poolArbitrary = fc.integer({ min: 1, max: 40 }).chain((size) => fc.tuple(...Array.from({ length: size }, (_, index) => interpreterArbitrary(index))));

describe("candidate score", () => {
  it("orders a pool of eligible people exactly as ranking them after the hard rules does", () => {
    fc.assert(
      fc.property(jobArbitrary, poolArbitrary, (random, pool) => {
        const job: JobFacts = { id: "job", language: "ar", startsAt: JOB_START, endsAt: new Date(JOB_START.getTime() + 3_600_000), organisationId: "org", ...random };
        const ranked = rankCandidates(job, pool, RULES);
        expect(ranked.excluded).toEqual([]);
        expect(inRankingOrder(job, pool)).toEqual(ranked.candidates.map((candidate) => ({ interpreterId: candidate.interpreterId, score: candidate.score })));
      }),
    );
  });

  it("depends on no fact that factsThatCount leaves out for the job", () => {
    fc.assert(
      fc.property(anyJobArbitrary, interpreterArbitrary(1), interpreterArbitrary(2), (random, person, other) => {
        const job: JobFacts = { id: "job", language: "ar", startsAt: JOB_START, endsAt: new Date(JOB_START.getTime() + 3_600_000), organisationId: "org", ...random };
        const counts = factsThatCount(job);
        // The person with every fact that does not count taken from someone else.
        const changed: InterpreterFacts = {
          ...person,
          gender: counts.gender ? person.gender : other.gender,
          qualification: counts.qualification ? person.qualification : other.qualification,
          languages: counts.dialect ? person.languages : other.languages,
          distanceKm: counts.distance ? person.distanceKm : other.distanceKm,
        };
        expect(scoreParts(job, changed)).toEqual(scoreParts(job, person));
      }),
    );
  });

  it("counts each fact for the jobs whose score reads it", () => {
    const plain: JobFacts = {
      id: "job", language: "ar", dialect: null, startsAt: JOB_START, endsAt: new Date(JOB_START.getTime() + 3_600_000),
      mode: "phone", topic: "general", sensitive: false, genderPreference: null, organisationId: "org",
    };
    expect(factsThatCount(plain)).toEqual({ gender: false, qualification: false, dialect: false, distance: false });
    expect(factsThatCount({ ...plain, genderPreference: { gender: "female", required: false } }).gender).toBe(true);
    expect(factsThatCount({ ...plain, genderPreference: { gender: "female", required: true } }).gender).toBe(false);
    expect(factsThatCount({ ...plain, sensitive: true }).qualification).toBe(true);
    expect(factsThatCount({ ...plain, topic: "medical" }).qualification).toBe(true);
    expect(factsThatCount({ ...plain, dialect: "irakisch" }).dialect).toBe(true);
    expect(factsThatCount({ ...plain, dialect: "" }).dialect).toBe(false);
    expect(factsThatCount({ ...plain, mode: "onsite" }).distance).toBe(true);
  });

  it("is the score an eligible evaluation carries, and keeps its parts in their digits", () => {
    const job: JobFacts = {
      id: "job", language: "ar", dialect: "levantinisch", startsAt: JOB_START, endsAt: new Date(JOB_START.getTime() + 3_600_000),
      mode: "onsite", topic: "medical", sensitive: false, genderPreference: { gender: "female", required: false }, organisationId: "org",
    };
    const person: InterpreterFacts = {
      id: "int-1", active: true, gender: "female", qualification: "certified", modes: ["onsite"],
      languages: [{ code: "ar", dialect: "Levantinisch", level: "native" }], slots: [{ weekday: 2, fromMinute: 0, toMinute: 1440 }],
      absences: [], blockReason: null, assignments: [], assignmentsLast30Days: 2, lastServedAt: new Date(JOB_START.getTime() - 12.5 * 86_400_000),
      assignmentsInJobMonth: 0, maxAssignmentsPerMonth: null, distanceKm: 7.4, maxTravelKm: null,
    };
    expect(scoreParts(job, person)).toEqual({ fairness: 97, daysSinceLast: 12, dialectMatch: 1, qualificationFit: 2, genderMatch: 1, proximity: 92 });
    expect(candidateScore(job, person)).toBeCloseTo(97.1212192, 7);
    const verdict = evaluateInterpreter(job, person, RULES);
    expect(verdict.eligible && verdict.score).toBe(candidateScore(job, person));
  });
});
