import { describe, expect, it } from "vitest";
import {
  EXCLUSION_RULES,
  OVERRIDABLE_RULES,
  evaluateInterpreter,
  needsQualifiedInterpreter,
  rankCandidates,
  type Evaluation,
  type ExclusionRule,
  type HeldAssignment,
  type InterpreterFacts,
  type JobFacts,
  type MatchingRules,
} from "../../../src/domain/matching";

const RULES: MatchingRules = { travelBufferMinutes: 30 };
/** A local Berlin time in winter (UTC+1). */
const at = (date: string, clock: string) => new Date(`${date}T${clock}:00+01:00`);
const TUESDAY = "2026-11-24";

/** An on-site Arabic job, Tuesday 24.11.2026 09:30–10:30 local. */
function job(overrides: Partial<JobFacts> = {}): JobFacts {
  return {
    id: "job-1",
    language: "ar",
    dialect: null,
    startsAt: at(TUESDAY, "09:30"),
    endsAt: at(TUESDAY, "10:30"),
    mode: "onsite",
    topic: "general",
    sensitive: false,
    genderPreference: null,
    organisationId: "org-1",
    ...overrides,
  };
}

/** An interpreter who passes every hard rule for `job()`. */
function interpreter(overrides: Partial<InterpreterFacts> = {}): InterpreterFacts {
  return {
    id: "int-1",
    active: true,
    gender: "female",
    qualification: "trained",
    modes: ["onsite", "phone", "video"],
    languages: [{ code: "ar", dialect: "levantinisch", level: "native" }],
    slots: [{ weekday: 2, fromMinute: 9 * 60, toMinute: 12 * 60 }],
    absences: [],
    blockReason: null,
    assignments: [],
    assignmentsLast30Days: 0,
    lastServedAt: null,
    assignmentsInJobMonth: 0,
    maxAssignmentsPerMonth: null,
    distanceKm: 5,
    maxTravelKm: 30,
    ...overrides,
  };
}

function held(from: string, to: string, mode: HeldAssignment["mode"], overrides: Partial<HeldAssignment> = {}): HeldAssignment {
  return { bookingId: "booking-7", code: "4711", startsAt: at(TUESDAY, from), endsAt: at(TUESDAY, to), mode, ...overrides };
}

function exclusion(evaluation: Evaluation): { rule: ExclusionRule; reason: string } | null {
  return evaluation.eligible ? null : { rule: evaluation.rule, reason: evaluation.reason };
}

const evaluate = (j: JobFacts, i: InterpreterFacts, options?: { ignore?: ReadonlySet<ExclusionRule> }) => evaluateInterpreter(j, i, RULES, options);

/** A deterministic shuffle (seeded LCG), so tests show input order does not matter. */
function shuffled<T>(items: T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

const ids = (ranked: { interpreterId: string }[]) => ranked.map((e) => e.interpreterId);

describe("evaluateInterpreter: hard rules", () => {
  it("accepts the baseline interpreter", () => {
    expect(evaluate(job(), interpreter())).toMatchObject({ eligible: true, interpreterId: "int-1" });
  });

  it("excludes inactive interpreters", () => {
    expect(exclusion(evaluate(job(), interpreter({ active: false })))).toEqual({ rule: "inactive", reason: "inaktiv" });
  });

  it("excludes interpreters who do not speak the language", () => {
    const faOnly = interpreter({ languages: [{ code: "fa", dialect: null, level: "native" }] });
    expect(exclusion(evaluate(job(), faOnly))).toEqual({ rule: "language", reason: "spricht kein ar" });
    expect(exclusion(evaluate(job(), interpreter({ languages: [] })))).toEqual({ rule: "language", reason: "spricht kein ar" });
  });

  it("does not exclude for another dialect of the right language", () => {
    const iraqi = interpreter({ languages: [{ code: "ar", dialect: "irakisch", level: "fluent" }] });
    expect(evaluate(job({ dialect: "levantinisch" }), iraqi).eligible).toBe(true);
  });

  it("excludes interpreters who do not offer the job's mode", () => {
    expect(exclusion(evaluate(job(), interpreter({ modes: ["phone", "video"] })))).toEqual({ rule: "mode", reason: "bietet keine Einsätze vor Ort an" });
    expect(exclusion(evaluate(job({ mode: "phone" }), interpreter({ modes: ["onsite"] })))).toEqual({
      rule: "mode",
      reason: "bietet keine Einsätze per Telefon an",
    });
    expect(exclusion(evaluate(job({ mode: "video" }), interpreter({ modes: ["onsite", "phone"] })))).toEqual({
      rule: "mode",
      reason: "bietet keine Einsätze per Video an",
    });
  });

  it("excludes other genders only when the preference is required", () => {
    const required = job({ genderPreference: { gender: "female", required: true } });
    const expected = { rule: "gender", reason: "Geschlecht weiblich verlangt" };
    expect(exclusion(evaluate(required, interpreter({ gender: "male" })))).toEqual(expected);
    expect(exclusion(evaluate(required, interpreter({ gender: "diverse" })))).toEqual(expected);
    expect(exclusion(evaluate(required, interpreter({ gender: null })))).toEqual(expected);
    expect(evaluate(required, interpreter({ gender: "female" })).eligible).toBe(true);
    expect(exclusion(evaluate(job({ genderPreference: { gender: "male", required: true } }), interpreter({ gender: "female" })))).toEqual({
      rule: "gender",
      reason: "Geschlecht männlich verlangt",
    });
    const wish = job({ genderPreference: { gender: "female", required: false } });
    expect(evaluate(wish, interpreter({ gender: "male" })).eligible).toBe(true);
  });

  it("excludes interpreters blocked for the organisation, with the block reason", () => {
    expect(exclusion(evaluate(job(), interpreter({ blockReason: "Beschwerde vom 03.02.2026" })))).toEqual({
      rule: "blocked",
      reason: "für diese Organisation gesperrt: Beschwerde vom 03.02.2026",
    });
  });

  it("excludes interpreters absent on the job's day", () => {
    const away = interpreter({ absences: [{ fromDate: "2026-11-23", toDate: "2026-11-27", note: "Urlaub" }] });
    expect(exclusion(evaluate(job(), away))).toEqual({ rule: "absence", reason: "abwesend 23.11.2026–27.11.2026 (Urlaub)" });
    const dayOff = interpreter({ absences: [{ fromDate: "2026-11-24", toDate: "2026-11-24", note: null }] });
    expect(exclusion(evaluate(job(), dayOff))).toEqual({ rule: "absence", reason: "abwesend 24.11.2026" });
    const backBefore = interpreter({ absences: [{ fromDate: "2026-11-16", toDate: "2026-11-23", note: "Urlaub" }] });
    expect(evaluate(job(), backBefore).eligible).toBe(true);
  });

  it("excludes interpreters without a covering slot", () => {
    expect(exclusion(evaluate(job(), interpreter({ slots: [] })))).toEqual({ rule: "availability", reason: "keine Verfügbarkeit eingetragen" });
    const afternoon = interpreter({ slots: [{ weekday: 2, fromMinute: 13 * 60, toMinute: 17 * 60 }] });
    expect(exclusion(evaluate(job(), afternoon))).toEqual({ rule: "availability", reason: "nicht verfügbar Di 24.11. 09:30–10:30" });
    const wrongDay = interpreter({ slots: [{ weekday: 3, fromMinute: 9 * 60, toMinute: 12 * 60 }] });
    expect(exclusion(evaluate(job(), wrongDay))?.rule).toBe("availability");
  });

  describe("overlap and travel buffer (30 minutes)", () => {
    const allDay = { slots: [{ weekday: 2, fromMinute: 7 * 60, toMinute: 18 * 60 }] };
    const jobAt = (from: string, to: string, mode: JobFacts["mode"]) => job({ startsAt: at(TUESDAY, from), endsAt: at(TUESDAY, to), mode });
    const holding = (assignment: HeldAssignment) => interpreter({ ...allDay, assignments: [assignment] });

    it("excludes a job that overlaps a held assignment, naming it", () => {
      expect(exclusion(evaluate(jobAt("09:30", "10:30", "phone"), holding(held("09:00", "10:00", "phone"))))).toEqual({
        rule: "overlap",
        reason: "bereits im Einsatz Di 24.11. 09:00–10:00 (Einsatz 4711)",
      });
    });

    it("blocks an on-site job starting 10:15 after an on-site job until 10:00, not one starting 10:30", () => {
      const interp = holding(held("09:00", "10:00", "onsite"));
      expect(exclusion(evaluate(jobAt("10:15", "11:15", "onsite"), interp))?.rule).toBe("overlap");
      expect(exclusion(evaluate(jobAt("10:29", "11:15", "onsite"), interp))?.rule).toBe("overlap");
      expect(evaluate(jobAt("10:30", "11:30", "onsite"), interp).eligible).toBe(true);
    });

    it("applies the buffer before a held assignment too", () => {
      const interp = holding(held("11:00", "12:00", "onsite"));
      expect(exclusion(evaluate(jobAt("09:45", "10:45", "onsite"), interp))?.rule).toBe("overlap");
      expect(evaluate(jobAt("09:30", "10:30", "onsite"), interp).eligible).toBe(true);
    });

    it("needs no buffer between two phone or video jobs", () => {
      expect(evaluate(jobAt("10:00", "11:00", "phone"), holding(held("09:00", "10:00", "phone"))).eligible).toBe(true);
      expect(evaluate(jobAt("08:00", "09:00", "video"), holding(held("09:00", "10:00", "phone"))).eligible).toBe(true);
      expect(exclusion(evaluate(jobAt("09:59", "11:00", "phone"), holding(held("09:00", "10:00", "phone"))))?.rule).toBe("overlap");
    });

    it("applies the buffer when either job is on site", () => {
      expect(exclusion(evaluate(jobAt("10:15", "11:00", "phone"), holding(held("09:00", "10:00", "onsite"))))?.rule).toBe("overlap");
      expect(exclusion(evaluate(jobAt("10:15", "11:00", "onsite"), holding(held("09:00", "10:00", "phone"))))?.rule).toBe("overlap");
      expect(evaluate(jobAt("10:30", "11:00", "phone"), holding(held("09:00", "10:00", "onsite"))).eligible).toBe(true);
    });

    it("uses the configured buffer", () => {
      const interp = holding(held("09:00", "10:00", "onsite"));
      expect(evaluateInterpreter(jobAt("10:15", "11:15", "onsite"), interp, { travelBufferMinutes: 15 }).eligible).toBe(true);
      expect(evaluateInterpreter(jobAt("10:15", "11:15", "onsite"), interp, { travelBufferMinutes: 0 }).eligible).toBe(true);
      expect(evaluateInterpreter(jobAt("10:15", "11:15", "onsite"), interp, { travelBufferMinutes: 16 }).eligible).toBe(false);
    });

    it("does not let the job clash with its own assignment", () => {
      const own = holding(held("09:30", "10:30", "onsite", { bookingId: "job-1" }));
      expect(evaluate(jobAt("09:30", "10:30", "onsite"), own).eligible).toBe(true);
    });
  });

  it("excludes interpreters who reached their monthly limit", () => {
    expect(exclusion(evaluate(job(), interpreter({ maxAssignmentsPerMonth: 4, assignmentsInJobMonth: 4 })))).toEqual({
      rule: "monthly_limit",
      reason: "Monatsgrenze erreicht (4 von 4)",
    });
    expect(exclusion(evaluate(job(), interpreter({ maxAssignmentsPerMonth: 4, assignmentsInJobMonth: 6 })))?.reason).toBe("Monatsgrenze erreicht (6 von 4)");
    expect(exclusion(evaluate(job(), interpreter({ maxAssignmentsPerMonth: 0, assignmentsInJobMonth: 0 })))?.rule).toBe("monthly_limit");
    expect(evaluate(job(), interpreter({ maxAssignmentsPerMonth: 4, assignmentsInJobMonth: 3 })).eligible).toBe(true);
    expect(evaluate(job(), interpreter({ maxAssignmentsPerMonth: null, assignmentsInJobMonth: 40 })).eligible).toBe(true);
  });

  it("excludes on-site jobs beyond the interpreter's travel distance", () => {
    expect(exclusion(evaluate(job(), interpreter({ distanceKm: 42.4, maxTravelKm: 30 })))).toEqual({
      rule: "travel_distance",
      reason: "zu weit: ca. 42 km, höchstens 30 km",
    });
    expect(evaluate(job(), interpreter({ distanceKm: 30, maxTravelKm: 30 })).eligible).toBe(true);
    expect(evaluate(job(), interpreter({ distanceKm: null, maxTravelKm: 30 })).eligible).toBe(true);
    expect(evaluate(job(), interpreter({ distanceKm: 400, maxTravelKm: null })).eligible).toBe(true);
    expect(evaluate(job({ mode: "phone" }), interpreter({ distanceKm: 400, maxTravelKm: 30 })).eligible).toBe(true);
    expect(evaluate(job({ mode: "video" }), interpreter({ distanceKm: 400, maxTravelKm: 30 })).eligible).toBe(true);
  });

  it("reports the first failing rule, in the documented order", () => {
    const requiredFemale = job({ genderPreference: { gender: "female", required: true } });
    // Violates every rule; each step repairs the reported one and the next rule surfaces.
    const repairs: [ExclusionRule, Partial<InterpreterFacts>][] = [
      ["inactive", { active: true }],
      ["language", { languages: [{ code: "ar", dialect: null, level: "fluent" }] }],
      ["mode", { modes: ["onsite"] }],
      ["gender", { gender: "female" }],
      ["blocked", { blockReason: null }],
      ["absence", { absences: [] }],
      ["availability", { slots: [{ weekday: 2, fromMinute: 9 * 60, toMinute: 12 * 60 }] }],
      ["overlap", { assignments: [] }],
      ["monthly_limit", { assignmentsInJobMonth: 0 }],
      ["travel_distance", { distanceKm: 10 }],
    ];
    let facts = interpreter({
      active: false,
      languages: [{ code: "fa", dialect: null, level: "native" }],
      modes: ["video"],
      gender: "male",
      blockReason: "gesperrt",
      absences: [{ fromDate: "2026-11-24", toDate: "2026-11-24" }],
      slots: [],
      assignments: [held("09:00", "10:00", "onsite")],
      maxAssignmentsPerMonth: 2,
      assignmentsInJobMonth: 2,
      distanceKm: 80,
      maxTravelKm: 20,
    });
    expect(repairs.map(([rule]) => rule)).toEqual([...EXCLUSION_RULES]);
    for (const [rule, repair] of repairs) {
      expect(exclusion(evaluate(requiredFemale, facts))?.rule).toBe(rule);
      facts = { ...facts, ...repair };
    }
    expect(evaluate(requiredFemale, facts).eligible).toBe(true);
  });

  describe("ignore option", () => {
    const everythingOverridable = interpreter({
      absences: [{ fromDate: "2026-11-24", toDate: "2026-11-24", note: "krank" }],
      slots: [],
      maxAssignmentsPerMonth: 3,
      assignmentsInJobMonth: 3,
      distanceKm: 80,
      maxTravelKm: 20,
    });

    it("names exactly absence, availability, monthly limit and travel distance as overridable", () => {
      expect([...OVERRIDABLE_RULES].sort()).toEqual(["absence", "availability", "monthly_limit", "travel_distance"]);
    });

    it("lets overridable rules pass when ignored", () => {
      expect(exclusion(evaluate(job(), everythingOverridable))?.rule).toBe("absence");
      const forced = evaluate(job(), everythingOverridable, { ignore: OVERRIDABLE_RULES });
      expect(forced.eligible).toBe(true);
      if (forced.eligible) expect(forced.reasons.some((r) => r.startsWith("frei "))).toBe(false);
    });

    it("reports the next rule that is not ignored", () => {
      expect(exclusion(evaluate(job(), everythingOverridable, { ignore: new Set<ExclusionRule>(["absence"]) }))?.rule).toBe("availability");
      expect(exclusion(evaluate(job(), everythingOverridable, { ignore: new Set<ExclusionRule>(["absence", "availability"]) }))?.rule).toBe(
        "monthly_limit",
      );
    });

    it("still excludes for overlap, language and blocks", () => {
      const ignore = OVERRIDABLE_RULES;
      const clash = { ...everythingOverridable, assignments: [held("09:00", "10:00", "onsite")] };
      expect(exclusion(evaluate(job(), clash, { ignore }))?.rule).toBe("overlap");
      const noArabic = { ...everythingOverridable, languages: [{ code: "tr", dialect: null, level: "native" as const }] };
      expect(exclusion(evaluate(job(), noArabic, { ignore }))?.rule).toBe("language");
      const blocked = { ...everythingOverridable, blockReason: "Beschwerde" };
      expect(exclusion(evaluate(job(), blocked, { ignore }))?.rule).toBe("blocked");
      expect(exclusion(evaluate(job(), { ...everythingOverridable, active: false }, { ignore }))?.rule).toBe("inactive");
    });
  });
});

describe("rankCandidates", () => {
  const rank = (j: JobFacts, interpreters: InterpreterFacts[]) => rankCandidates(j, interpreters, RULES);
  const daysBefore = (days: number) => new Date(job().startsAt.getTime() - days * 86_400_000);

  it("puts fewer assignments in the last 30 days first", () => {
    const interpreters = [
      interpreter({ id: "a", assignmentsLast30Days: 3, lastServedAt: daysBefore(20) }),
      interpreter({ id: "b", assignmentsLast30Days: 1, lastServedAt: daysBefore(2) }),
      interpreter({ id: "c", assignmentsLast30Days: 0, lastServedAt: daysBefore(40) }),
    ];
    expect(ids(rank(job(), interpreters).candidates)).toEqual(["c", "b", "a"]);
  });

  it("with equal counts puts the one served longer ago first, never served before served", () => {
    const interpreters = [
      interpreter({ id: "a", assignmentsLast30Days: 1, lastServedAt: daysBefore(2) }),
      interpreter({ id: "b", assignmentsLast30Days: 1, lastServedAt: daysBefore(20) }),
      interpreter({ id: "c", assignmentsLast30Days: 1, lastServedAt: daysBefore(9) }),
      interpreter({ id: "d", assignmentsLast30Days: 1, lastServedAt: null }),
    ];
    expect(ids(rank(job(), interpreters).candidates)).toEqual(["d", "b", "c", "a"]);
  });

  it("puts a never-served interpreter before one served long ago", () => {
    const interpreters = [
      interpreter({ id: "a", lastServedAt: daysBefore(99) }),
      interpreter({ id: "b", lastServedAt: daysBefore(400) }),
      interpreter({ id: "c", lastServedAt: null }),
    ];
    expect(ids(rank(job(), interpreters).candidates)[0]).toBe("c");
  });

  it("ranks fairness above recency", () => {
    const interpreters = [
      interpreter({ id: "a", assignmentsLast30Days: 2, lastServedAt: daysBefore(25) }),
      interpreter({ id: "b", assignmentsLast30Days: 1, lastServedAt: daysBefore(1) }),
    ];
    expect(ids(rank(job(), interpreters).candidates)).toEqual(["b", "a"]);
  });

  it("then prefers the requested dialect (case-insensitive)", () => {
    const wanted = job({ dialect: "Levantinisch" });
    const interpreters = [
      interpreter({ id: "a", languages: [{ code: "ar", dialect: "irakisch", level: "native" }] }),
      interpreter({ id: "b", languages: [{ code: "ar", dialect: "levantinisch", level: "fluent" }] }),
      interpreter({ id: "c", languages: [{ code: "ar", dialect: null, level: "native" }] }),
    ];
    const { candidates } = rank(wanted, interpreters);
    expect(ids(candidates)).toEqual(["b", "a", "c"]);
    expect(candidates[0]!.reasons).toContain("Dialekt passt (Levantinisch)");
    expect(candidates[1]!.reasons).toContain("anderer Dialekt als gewünscht (Levantinisch)");
    // recency beats the dialect
    const recent = [
      interpreter({ id: "a", lastServedAt: daysBefore(3), languages: [{ code: "ar", dialect: "levantinisch", level: "native" }] }),
      interpreter({ id: "b", lastServedAt: null, languages: [{ code: "ar", dialect: "irakisch", level: "native" }] }),
    ];
    expect(ids(rank(wanted, recent).candidates)).toEqual(["b", "a"]);
  });

  it("reports the matching dialect when an interpreter speaks several", () => {
    const both = interpreter({
      languages: [
        { code: "ar", dialect: "irakisch", level: "native" },
        { code: "ar", dialect: "levantinisch", level: "fluent" },
      ],
    });
    const [candidate] = rank(job({ dialect: "levantinisch" }), [both]).candidates;
    expect(candidate!.reasons).toContain("spricht ar (levantinisch, fließend)");
    const [plain] = rank(job(), [both]).candidates;
    expect(plain!.reasons).toContain("spricht ar (irakisch, Muttersprache)");
  });

  const byQualification = () => [
    interpreter({ id: "a", qualification: "volunteer" }),
    interpreter({ id: "b", qualification: "trained" }),
    interpreter({ id: "c", qualification: "certified" }),
  ];

  it.each([
    { kind: "sensitive", overrides: { sensitive: true } },
    { kind: "medical", overrides: { topic: "medical" as const } },
    { kind: "psychosocial", overrides: { topic: "psychosocial" as const } },
  ])("prefers certified over trained over volunteer for a $kind job", ({ overrides }) => {
    const j = job(overrides);
    expect(needsQualifiedInterpreter(j)).toBe(true);
    const { candidates } = rank(j, byQualification());
    expect(ids(candidates)).toEqual(["c", "b", "a"]);
    expect(candidates[0]!.reasons).toContain("zertifiziert – passend für diesen Einsatz");
    expect(candidates[1]!.reasons).toContain("geschult – passend für diesen Einsatz");
    expect(candidates[2]!.reasons).toContain("ehrenamtlich ohne Schulung – für diesen Einsatz sind geschulte Dolmetschende besser");
  });

  it.each(["general", "school", "authority"] as const)("makes no difference by qualification for a %s job", (topic) => {
    const j = job({ topic });
    expect(needsQualifiedInterpreter(j)).toBe(false);
    const { candidates } = rank(j, shuffled(byQualification(), 7));
    expect(ids(candidates)).toEqual(["a", "b", "c"]);
    expect(new Set(candidates.map((c) => c.score)).size).toBe(1);
    expect(candidates.flatMap((c) => c.reasons).some((r) => r.includes("passend") || r.includes("Schulung"))).toBe(false);
  });

  it("ranks the dialect above qualification", () => {
    const j = job({ topic: "medical", dialect: "levantinisch" });
    const interpreters = [
      interpreter({ id: "a", qualification: "certified", languages: [{ code: "ar", dialect: "irakisch", level: "native" }] }),
      interpreter({ id: "b", qualification: "volunteer", languages: [{ code: "ar", dialect: "levantinisch", level: "native" }] }),
    ];
    expect(ids(rank(j, interpreters).candidates)).toEqual(["b", "a"]);
  });

  it("then honours a soft gender wish, below qualification", () => {
    const wish = job({ genderPreference: { gender: "female", required: false } });
    const interpreters = [interpreter({ id: "a", gender: "male" }), interpreter({ id: "b", gender: "female" }), interpreter({ id: "c", gender: null })];
    const { candidates } = rank(wish, interpreters);
    expect(ids(candidates)).toEqual(["b", "a", "c"]);
    expect(candidates[0]!.reasons).toContain("Wunsch weiblich erfüllt");
    expect(candidates[1]!.reasons).toContain("Wunsch weiblich nicht erfüllt");
    const medicalWish = job({ topic: "medical", genderPreference: { gender: "female", required: false } });
    const mixed = [interpreter({ id: "a", gender: "female", qualification: "trained" }), interpreter({ id: "b", gender: "male", qualification: "certified" })];
    expect(ids(rank(medicalWish, mixed).candidates)).toEqual(["b", "a"]);
  });

  it("then puts closer interpreters first for on-site jobs (unknown distance last)", () => {
    const interpreters = [
      interpreter({ id: "a", distanceKm: 12 }),
      interpreter({ id: "b", distanceKm: 3.2 }),
      interpreter({ id: "c", distanceKm: null }),
      interpreter({ id: "d", distanceKm: 25 }),
    ];
    const { candidates } = rank(job(), interpreters);
    expect(ids(candidates)).toEqual(["b", "a", "d", "c"]);
    expect(candidates[0]!.reasons).toContain("ca. 3 km entfernt");
    expect(candidates[3]!.reasons).toContain("Entfernung unbekannt");
    // gender wish beats distance
    const wish = job({ genderPreference: { gender: "male", required: false } });
    const far = [interpreter({ id: "a", gender: "female", distanceKm: 1 }), interpreter({ id: "b", gender: "male", distanceKm: 25 })];
    expect(ids(rank(wish, far).candidates)).toEqual(["b", "a"]);
  });

  it("ignores distance for phone jobs", () => {
    const interpreters = [interpreter({ id: "b", distanceKm: 1 }), interpreter({ id: "a", distanceKm: 200 })];
    const { candidates } = rank(job({ mode: "phone" }), interpreters);
    expect(ids(candidates)).toEqual(["a", "b"]);
    expect(candidates[0]!.score).toBe(candidates[1]!.score);
    expect(candidates.flatMap((c) => c.reasons).some((r) => r.includes("km"))).toBe(false);
  });

  it("orders complete ties by id ascending, whatever the input order", () => {
    const team = ["int-04", "int-11", "int-01", "int-20", "int-07", "int-02"].map((id) => interpreter({ id }));
    for (const seed of [1, 2, 3, 42, 2026]) {
      expect(ids(rank(job(), shuffled(team, seed)).candidates)).toEqual(["int-01", "int-02", "int-04", "int-07", "int-11", "int-20"]);
    }
    expect(ids(rank(job(), [...team].reverse()).candidates)).toEqual(["int-01", "int-02", "int-04", "int-07", "int-11", "int-20"]);
  });

  it("gives strictly decreasing scores when a more important key is worse and all less important ones are better", () => {
    const j = job({ topic: "medical", dialect: "levantinisch", genderPreference: { gender: "female", required: false } });
    const best = { qualification: "certified" as const, gender: "female" as const, distanceKm: 1, lastServedAt: null, assignmentsLast30Days: 0 };
    const levantine = [{ code: "ar", dialect: "levantinisch", level: "native" as const }];
    const iraqi = [{ code: "ar", dialect: "irakisch", level: "native" as const }];
    const expected = [
      interpreter({ ...best, id: "p1" }),
      interpreter({ ...best, id: "p2", distanceKm: 2 }),
      interpreter({ ...best, id: "p3", gender: "male", distanceKm: 0 }),
      interpreter({ ...best, id: "p4", qualification: "trained", distanceKm: 0 }),
      interpreter({ ...best, id: "p5", qualification: "volunteer", distanceKm: 0 }),
      interpreter({ ...best, id: "p6", languages: iraqi, distanceKm: 0 }),
      interpreter({ ...best, id: "p7", lastServedAt: daysBefore(50), distanceKm: 0 }),
      interpreter({ ...best, id: "p8", lastServedAt: daysBefore(10), distanceKm: 0 }),
      interpreter({ ...best, id: "p9", assignmentsLast30Days: 1, lastServedAt: daysBefore(29), distanceKm: 0 }),
      interpreter({ ...best, id: "p10", assignmentsLast30Days: 5, lastServedAt: daysBefore(29), distanceKm: 0 }),
    ].map((i) => (i.languages === iraqi ? i : { ...i, languages: levantine }));
    const { candidates, excluded } = rank(j, shuffled(expected, 5));
    expect(excluded).toEqual([]);
    expect(ids(candidates)).toEqual(expected.map((i) => i.id));
    for (let k = 1; k < candidates.length; k++) {
      expect(candidates[k]!.score, `${candidates[k - 1]!.interpreterId} > ${candidates[k]!.interpreterId}`).toBeLessThan(candidates[k - 1]!.score);
    }
    // the integer part is the fairness band (99 − assignments)
    expect(Math.floor(candidates[0]!.score)).toBe(99);
    expect(Math.floor(candidates[8]!.score)).toBe(98);
    expect(Math.floor(candidates[9]!.score)).toBe(94);
  });

  it("explains the ranking in German", () => {
    const amina = interpreter({ id: "amina", assignmentsLast30Days: 2, lastServedAt: new Date("2026-11-10T09:00:00+01:00") });
    const [candidate] = rank(job(), [amina]).candidates;
    expect(candidate!.reasons).toEqual([
      "spricht ar (levantinisch, Muttersprache)",
      "frei Di 09:00–12:00",
      "2 Einsätze in den letzten 30 Tagen",
      "zuletzt im Einsatz am 10.11.2026",
      "ca. 5 km entfernt",
    ]);
    const newcomer = interpreter({ id: "new", languages: [{ code: "ar", dialect: null, level: "basic" }] });
    expect(rank(job(), [newcomer]).candidates[0]!.reasons).toEqual(
      expect.arrayContaining(["spricht ar (Grundkenntnisse)", "0 Einsätze in den letzten 30 Tagen", "bisher kein Einsatz"]),
    );
    const once = interpreter({ assignmentsLast30Days: 1, lastServedAt: daysBefore(3) });
    expect(rank(job(), [once]).candidates[0]!.reasons).toContain("1 Einsatz in den letzten 30 Tagen");
  });

  it("names both slots for a job across midnight", () => {
    const night = job({ startsAt: at(TUESDAY, "23:00"), endsAt: at("2026-11-25", "01:00"), mode: "phone" });
    const owl = interpreter({
      slots: [
        { weekday: 2, fromMinute: 20 * 60, toMinute: 24 * 60 },
        { weekday: 3, fromMinute: 0, toMinute: 2 * 60 },
      ],
    });
    expect(rank(night, [owl]).candidates[0]!.reasons).toContain("frei Di 20:00–24:00 und Mi 00:00–02:00");
  });

  it("lists the excluded by rule order, then id", () => {
    const interpreters = [
      interpreter({ id: "z-ok" }),
      interpreter({ id: "m-far", distanceKm: 99, maxTravelKm: 10 }),
      interpreter({ id: "b-noslot", slots: [] }),
      interpreter({ id: "a-noslot", slots: [] }),
      interpreter({ id: "z-inactive", active: false }),
      interpreter({ id: "c-inactive", active: false }),
      interpreter({ id: "a-blocked", blockReason: "Beschwerde" }),
      interpreter({ id: "q-lang", languages: [] }),
      interpreter({ id: "a-ok" }),
    ];
    for (const seed of [1, 9]) {
      const { candidates, excluded } = rank(job(), shuffled(interpreters, seed));
      expect(ids(candidates)).toEqual(["a-ok", "z-ok"]);
      expect(excluded.map((e) => [e.rule, e.interpreterId])).toEqual([
        ["inactive", "c-inactive"],
        ["inactive", "z-inactive"],
        ["language", "q-lang"],
        ["blocked", "a-blocked"],
        ["availability", "a-noslot"],
        ["availability", "b-noslot"],
        ["travel_distance", "m-far"],
      ]);
    }
  });
});
