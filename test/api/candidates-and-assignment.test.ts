import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPostcodeService } from "../../src/features/postcodes/postcodes.service";
import { createTestContext, newInterpreter, newOrganisation, type ApiClient, type TestContext } from "../helpers/test-app";
import { expectError } from "../helpers/assertions";
import { ALL_WEEK } from "../helpers/fixtures";

// The candidates endpoint looks at every active interpreter who speaks the booking's language, in
// a database other files share: each test uses a language no other file books. Times are in
// January 2027 (winter time, +01:00), far from the weeks other files book and tick in.
const NOW = "2027-01-12T08:00:00.000Z"; // Tuesday 09:00 in Berlin
const POSTCODE = "52351";
const PLACE = { street: "Bismarckstr. 10", postcode: POSTCODE, city: "Düren" };

const local = (date: string, time: string) => `${date}T${time}:00+01:00`;
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Two interpreters, the one with the lower id first. */
function lowerIdFirst<T extends { id: string }>(a: T, b: T): [T, T] {
  return byId(a.id, b.id) < 0 ? [a, b] : [b, a];
}

interface Candidate {
  interpreter: { id: string; name: string };
  score: number;
  reasons: string[];
}

describe("candidates and assignment", () => {
  let ctx: TestContext;
  let organisationId: string;
  const bookingsToClean: string[] = [];

  beforeAll(async () => {
    ctx = await createTestContext();
    organisationId = (await newOrganisation(ctx.coordinator)).id;
  });

  beforeEach(() => {
    ctx.clock.set(NOW);
  });

  afterAll(async () => {
    if (!ctx) return;
    for (const id of bookingsToClean) await ctx.coordinator.post(`/v1/bookings/${id}/cancel`, { reason: "Testende" });
  });

  async function person(
    language: string,
    overrides: Record<string, unknown> = {},
    availability: { weekly?: unknown[]; absences?: unknown[] } = {},
  ): Promise<{ id: string; name: string }> {
    const created = await newInterpreter(ctx.coordinator, {
      languages: [{ code: language, level: "native" }],
      modes: ["onsite", "phone", "video"],
      gender: "female",
      qualification: "trained",
      homePostcode: POSTCODE,
      ...overrides,
    });
    const response = await ctx.coordinator.put(`/v1/interpreters/${created.id}/availability`, {
      weekly: availability.weekly ?? ALL_WEEK,
      absences: availability.absences ?? [],
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return created;
  }

  async function job(language: string, startsAt: string, durationMinutes = 60, extra: Record<string, unknown> = {}): Promise<any> {
    const response = await ctx.coordinator.post("/v1/bookings", { organisationId, language, startsAt, durationMinutes, mode: "phone", ...extra });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    bookingsToClean.push(response.body.id);
    return response.body;
  }

  async function assign(bookingId: string, interpreterId: string): Promise<any> {
    const response = await ctx.coordinator.post(`/v1/bookings/${bookingId}/assign`, { interpreterId });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  async function complete(bookingId: string): Promise<void> {
    const response = await ctx.coordinator.post(`/v1/bookings/${bookingId}/complete`, { outcome: "done" });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  }

  async function candidates(bookingId: string, includeExcluded = false): Promise<{ candidates: Candidate[]; excluded: any[] }> {
    const response = await ctx.coordinator.get(`/v1/bookings/${bookingId}/candidates${includeExcluded ? "?includeExcluded=true" : ""}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  const idsOf = (list: Candidate[]) => list.map((candidate) => candidate.interpreter.id);

  async function history(bookingId: string): Promise<any[]> {
    const response = await ctx.coordinator.get(`/v1/bookings/${bookingId}`);
    expect(response.status).toBe(200);
    return response.body.history;
  }

  describe("GET /v1/bookings/{id}/candidates", () => {
    it("lists eligible interpreters best first, with score and reasons in German", async () => {
      const language = "sdh";
      // Created in the opposite order of their rank, so the ranking is not the id order.
      const volunteer = await person(language, { qualification: "volunteer" }, { weekly: [{ weekday: 4, from: "08:00", to: "12:00" }] });
      const trained = await person(language, { qualification: "trained" }, { weekly: [{ weekday: 4, from: "08:00", to: "12:00" }] });
      const certified = await person(language, { qualification: "certified", gender: "male" }, { weekly: [{ weekday: 4, from: "08:00", to: "12:00" }] });
      // A medical job on Thursday 10:00–11:00 prefers trained interpreters, certified ones most.
      const booking = await job(language, local("2027-01-14", "10:00"), 60, { topic: "medical" });

      const result = await candidates(booking.id);
      expect(idsOf(result.candidates)).toEqual([certified.id, trained.id, volunteer.id]);
      expect(result.excluded).toEqual([]);

      const [first, second, third] = result.candidates as [Candidate, Candidate, Candidate];
      expect(first.interpreter).toEqual({
        id: certified.id,
        name: certified.name,
        gender: "male",
        qualification: "certified",
        languages: [{ code: language, dialect: null, level: "native" }],
        homePostcode: POSTCODE,
      });
      expect(first.interpreter).not.toHaveProperty("phone");
      expect(first.reasons).toEqual([
        `spricht ${language} (Muttersprache)`,
        "frei Do 08:00–12:00",
        "0 Einsätze in den letzten 30 Tagen",
        "bisher kein Einsatz",
        "zertifiziert – passend für diesen Einsatz",
      ]);
      expect(second.reasons.at(-1)).toBe("geschult – passend für diesen Einsatz");
      expect(third.reasons.at(-1)).toBe("ehrenamtlich ohne Schulung – für diesen Einsatz sind geschulte Dolmetschende besser");
      // The integer part is the fairness band (99 − assignments in the last 30 days).
      for (const candidate of result.candidates) expect(Math.floor(candidate.score)).toBe(99);
      expect(first.score).toBeGreaterThan(second.score);
      expect(second.score).toBeGreaterThan(third.score);
    });

    it("prefers the wished dialect, then a wished gender, and tells why", async () => {
      const language = "glk";
      const plain = await person(language, { gender: "female" });
      const wishedGender = await person(language, { gender: "male" });
      const wishedDialect = await person(language, { gender: "female", languages: [{ code: language, dialect: "Rashti", level: "fluent" }] });
      const booking = await job(language, local("2027-01-14", "10:00"), 60, {
        dialect: "rashti",
        genderPreference: { gender: "male", required: false },
      });

      const result = await candidates(booking.id);
      expect(idsOf(result.candidates)).toEqual([wishedDialect.id, wishedGender.id, plain.id]);
      const reasons = new Map(result.candidates.map((candidate) => [candidate.interpreter.id, candidate.reasons]));
      expect(reasons.get(wishedDialect.id)).toEqual(
        expect.arrayContaining([`spricht ${language} (Rashti, fließend)`, "Dialekt passt (rashti)", "Wunsch männlich nicht erfüllt"]),
      );
      expect(reasons.get(wishedGender.id)).toEqual(expect.arrayContaining(["anderer Dialekt als gewünscht (rashti)", "Wunsch männlich erfüllt"]));
      expect(reasons.get(plain.id)).toEqual(expect.arrayContaining(["anderer Dialekt als gewünscht (rashti)", "Wunsch männlich nicht erfüllt"]));
    });

    it("matches a dialect whatever characters it holds, for a person with several dialects of the language", async () => {
      // The ranking reads a row per person and dialect and merges them: the wished one counts
      // wherever it stands among the person's dialects, separators and quotes in it included.
      const language = "bqi";
      const odd = "Nord\u001eSüd\u001f, \"x\";\nWest";
      const before = await person(language, { gender: "male" });
      const twoDialects = await person(language, {
        gender: "female",
        languages: [
          { code: language, dialect: "Ost", level: "fluent" },
          { code: language, dialect: odd, level: "native" },
        ],
      });
      const after = await person(language, { gender: "male", languages: [{ code: language, dialect: "Ost", level: "fluent" }] });
      const booking = await job(language, local("2027-01-14", "12:00"), 60, { dialect: odd.toUpperCase() });

      const result = await candidates(booking.id);
      expect(idsOf(result.candidates)[0]).toBe(twoDialects.id);
      expect(new Set(idsOf(result.candidates))).toEqual(new Set([before.id, twoDialects.id, after.id]));
      const reasons = new Map(result.candidates.map((candidate) => [candidate.interpreter.id, candidate.reasons]));
      expect(reasons.get(twoDialects.id)).toEqual(expect.arrayContaining([`Dialekt passt (${odd.toUpperCase()})`]));
      expect(reasons.get(after.id)).toEqual(expect.arrayContaining([`anderer Dialekt als gewünscht (${odd.toUpperCase()})`]));
    });

    it("lists every excluded interpreter with the rule that excludes them", async () => {
      const language = "lki";
      // Thursday 14 January 10:00–11:00, on site, a woman required.
      const thursdayMorning = [{ weekday: 4, from: "08:00", to: "12:00" }];
      const eligible = await person(language, {}, { weekly: thursdayMorning });
      const inactive = await person(language, { active: false });
      const otherLanguage = await person("tly");
      const phoneOnly = await person(language, { modes: ["phone"] });
      const man = await person(language, { gender: "male" });
      const blocked = await person(language);
      const absent = await person(language, {}, { absences: [{ from: "2027-01-14", to: "2027-01-14", note: "Arzttermin" }] });
      const notAvailable = await person(language, {}, { weekly: [{ weekday: 1, from: "08:00", to: "18:00" }, { weekday: 4, from: "10:30", to: "18:00" }] });
      const busy = await person(language);
      const limited = await person(language, { maxAssignmentsPerMonth: 1 });

      const block = await ctx.coordinator.post(`/v1/interpreters/${blocked.id}/blocks`, { organisationId, reason: "Beschwerde" });
      expect(block.status).toBe(201);
      const clash = await job(language, local("2027-01-14", "10:30"));
      await assign(clash.id, busy.id);
      const laterThisMonth = await job(language, local("2027-01-28", "10:00"));
      await assign(laterThisMonth.id, limited.id);

      const booking = await job(language, local("2027-01-14", "10:00"), 60, {
        mode: "onsite",
        location: PLACE,
        genderPreference: { gender: "female", required: true },
      });

      const plain = await candidates(booking.id);
      expect(idsOf(plain.candidates)).toEqual([eligible.id]);
      expect(plain.excluded).toEqual([]);
      expect(plain.candidates[0]!.reasons).toEqual([
        `spricht ${language} (Muttersprache)`,
        "frei Do 08:00–12:00",
        "0 Einsätze in den letzten 30 Tagen",
        "bisher kein Einsatz",
        "ca. 0 km entfernt",
      ]);

      const full = await candidates(booking.id, true);
      expect(idsOf(full.candidates)).toEqual([eligible.id]);
      const mine = new Map<string, string>([
        [inactive.id, "inactive"],
        [otherLanguage.id, "language"],
        [phoneOnly.id, "mode"],
        [man.id, "gender"],
        [blocked.id, "blocked"],
        [absent.id, "absence"],
        [notAvailable.id, "availability"],
        [busy.id, "overlap"],
        [limited.id, "monthly_limit"],
      ]);
      const excluded = full.excluded.filter((entry) => mine.has(entry.interpreter.id));
      expect(excluded.map((entry) => [entry.interpreter.id, entry.rule])).toEqual([...mine.entries()]);
      const reasonOf = (id: string) => excluded.find((entry) => entry.interpreter.id === id)!.reason;
      expect(reasonOf(inactive.id)).toBe("inaktiv");
      expect(reasonOf(otherLanguage.id)).toBe(`spricht kein ${language}`);
      expect(reasonOf(phoneOnly.id)).toBe("bietet keine Einsätze vor Ort an");
      expect(reasonOf(man.id)).toBe("Geschlecht weiblich verlangt");
      expect(reasonOf(blocked.id)).toBe("für diese Organisation gesperrt: Beschwerde");
      expect(reasonOf(absent.id)).toBe("abwesend 14.01.2027 (Arzttermin)");
      expect(reasonOf(notAvailable.id)).toBe("nicht verfügbar Do 14.01. 10:00–11:00");
      expect(reasonOf(busy.id)).toBe(`bereits im Einsatz Do 14.01. 10:30–11:30 (Einsatz ${clash.code})`);
      expect(reasonOf(limited.id)).toBe("Monatsgrenze erreicht (1 von 1)");
      // The excluded list is ordered by rule: interpreters of other files (other languages) come between ours.
      const rules = full.excluded.map((entry) => entry.rule);
      const order = ["inactive", "language", "mode", "gender", "blocked", "absence", "availability", "overlap", "monthly_limit", "travel_distance"];
      expect(rules.map((rule: string) => order.indexOf(rule))).toEqual([...rules.map((rule: string) => order.indexOf(rule))].sort((a, b) => a - b));
      expect(full.excluded.every((entry) => entry.interpreter.id !== eligible.id)).toBe(true);

      // Lifting the block makes that interpreter a candidate.
      expect((await ctx.coordinator.delete(`/v1/interpreters/${blocked.id}/blocks/${organisationId}`)).status).toBe(204);
      expect(idsOf((await candidates(booking.id)).candidates).sort(byId)).toEqual([eligible.id, blocked.id].sort(byId));
    });

    it("ranks by fairness: fewer assignments in the last 30 days first", async () => {
      const language = "hac";
      // The busier one has the lower id, so only fairness can put the other first.
      const [busy, rested] = lowerIdFirst(await person(language), await person(language));
      const first = await job(language, local("2027-01-13", "10:00"));
      const second = await job(language, local("2027-01-14", "10:00"));
      await assign(first.id, busy.id);
      await assign(second.id, busy.id);
      ctx.clock.set("2027-01-14T12:00:00Z");
      await complete(first.id);
      await complete(second.id);

      const booking = await job(language, local("2027-01-19", "10:00"));
      const result = await candidates(booking.id);
      expect(idsOf(result.candidates)).toEqual([rested.id, busy.id]);
      const [top, next] = result.candidates as [Candidate, Candidate];
      expect(Math.floor(top.score)).toBe(99);
      expect(Math.floor(next.score)).toBe(97);
      expect(top.reasons).toEqual([`spricht ${language} (Muttersprache)`, "frei Di 00:00–24:00", "0 Einsätze in den letzten 30 Tagen", "bisher kein Einsatz"]);
      expect(next.reasons).toEqual([
        `spricht ${language} (Muttersprache)`,
        "frei Di 00:00–24:00",
        "2 Einsätze in den letzten 30 Tagen",
        "zuletzt im Einsatz am 14.01.2027",
      ]);
    });

    it("ranks equally busy interpreters by the time since their last assignment", async () => {
      const language = "mzn";
      // The one who served longer ago has the higher id.
      const [recent, longAgo] = lowerIdFirst(await person(language), await person(language));
      const early = await job(language, local("2027-01-13", "10:00"));
      const late = await job(language, local("2027-01-20", "10:00"));
      await assign(early.id, longAgo.id);
      await assign(late.id, recent.id);
      ctx.clock.set("2027-01-20T12:00:00Z");
      await complete(early.id);
      await complete(late.id);

      const booking = await job(language, local("2027-01-22", "10:00"));
      const result = await candidates(booking.id);
      expect(idsOf(result.candidates)).toEqual([longAgo.id, recent.id]);
      for (const candidate of result.candidates) {
        expect(Math.floor(candidate.score)).toBe(98);
        expect(candidate.reasons).toContain("1 Einsatz in den letzten 30 Tagen");
      }
      expect(result.candidates[0]!.reasons).toContain("zuletzt im Einsatz am 13.01.2027");
      expect(result.candidates[1]!.reasons).toContain("zuletzt im Einsatz am 20.01.2027");
    });

    it("does not count a cancelled or handed-back assignment", async () => {
      const language = "ayl";
      const [first, second] = lowerIdFirst(await person(language), await person(language));
      const handedBack = await job(language, local("2027-01-13", "10:00"));
      await assign(handedBack.id, second.id);
      expect((await ctx.coordinator.post(`/v1/bookings/${handedBack.id}/cancel`, { reason: "krank", cancelledBy: "interpreter" })).status).toBe(200);
      const cancelled = await job(language, local("2027-01-14", "10:00"));
      await assign(cancelled.id, second.id);
      expect((await ctx.coordinator.post(`/v1/bookings/${cancelled.id}/cancel`, { reason: "entfällt" })).status).toBe(200);

      const booking = await job(language, local("2027-01-19", "10:00"));
      const result = await candidates(booking.id);
      // Nobody has served: equal, so by id.
      expect(idsOf(result.candidates)).toEqual([first.id, second.id]);
      expect(result.candidates[1]!.reasons).toContain("bisher kein Einsatz");
    });

    it("orders equal candidates by id", async () => {
      const language = "lrc";
      const people = [];
      for (let index = 0; index < 4; index++) people.push(await person(language));
      const booking = await job(language, local("2027-01-14", "10:00"));
      const result = await candidates(booking.id);
      expect(idsOf(result.candidates)).toEqual(people.map((p) => p.id).sort(byId));
      expect(new Set(result.candidates.map((candidate) => candidate.score)).size).toBe(1);
    });

    it("answers 404 for an unknown booking and refuses requesters and finance", async () => {
      expectError(await ctx.coordinator.get(`/v1/bookings/${randomUUID()}/candidates`), 404, "NOT_FOUND");
      expectError(await ctx.coordinator.get(`/v1/bookings/nope/candidates`), 404, "NOT_FOUND");
      const requester = await ctx.newRequester();
      const own = await requester.client.post("/v1/bookings", { language: "zza", startsAt: local("2027-01-14", "10:00"), durationMinutes: 60, mode: "phone" });
      expect(own.status).toBe(201);
      bookingsToClean.push(own.body.id);
      expectError(await requester.client.get(`/v1/bookings/${own.body.id}/candidates`), 403, "FORBIDDEN");
      expectError(await ctx.finance.get(`/v1/bookings/${own.body.id}/candidates`), 403, "FORBIDDEN");
      expectError(await ctx.anonymous.get(`/v1/bookings/${own.body.id}/candidates`), 401, "UNAUTHORIZED");
      expectError(await ctx.coordinator.get(`/v1/bookings/${own.body.id}/candidates?includeExcluded=maybe`), 422, "VALIDATION_FAILED");
    });
  });

  describe("POST /v1/bookings/{id}/assign", () => {
    const language = "zza";

    it("refuses an interpreter without a covering slot (422 NOT_ELIGIBLE), and assigns with force, recording why", async () => {
      const mondaysOnly = await person(language, {}, { weekly: [{ weekday: 1, from: "08:00", to: "18:00" }] });
      const booking = await job(language, local("2027-01-14", "10:00"));

      const refused = await ctx.coordinator.post(`/v1/bookings/${booking.id}/assign`, { interpreterId: mondaysOnly.id });
      expectError(refused, 422, "NOT_ELIGIBLE");
      expect(refused.body.error.details).toEqual({ rule: "availability", reason: "nicht verfügbar Do 14.01. 10:00–11:00" });
      expect(refused.body.error.message).toMatch(/force/);
      expect((await history(booking.id)).map((entry) => entry.action)).toEqual(["created"]);

      const forced = await ctx.coordinator.post(`/v1/bookings/${booking.id}/assign`, {
        interpreterId: mondaysOnly.id,
        force: true,
        reason: "telefonisch abgesprochen",
      });
      expect(forced.status, JSON.stringify(forced.body)).toBe(200);
      expect(forced.body).toMatchObject({ status: "assigned", interpreterId: mondaysOnly.id, assignedAt: NOW });
      expect((await history(booking.id)).at(-1)).toMatchObject({
        action: "assigned",
        from: "open",
        to: "assigned",
        reason: "telefonisch abgesprochen",
        details: { interpreterId: mondaysOnly.id, forced: { rule: "availability", reason: "nicht verfügbar Do 14.01. 10:00–11:00" } },
      });
    });

    it("records no forced rule when force was not needed", async () => {
      const ready = await person(language);
      const booking = await job(language, local("2027-01-15", "10:00"));
      const response = await ctx.coordinator.post(`/v1/bookings/${booking.id}/assign`, { interpreterId: ready.id, force: true });
      expect(response.status).toBe(200);
      expect((await history(booking.id)).at(-1).details).toEqual({ interpreterId: ready.id });
    });

    it("overrides an absence and the monthly limit with force", async () => {
      const absent = await person(language, {}, { absences: [{ from: "2027-01-14", to: "2027-01-15" }] });
      const first = await job(language, local("2027-01-14", "13:00"));
      expectError(await ctx.coordinator.post(`/v1/bookings/${first.id}/assign`, { interpreterId: absent.id }), 422, "NOT_ELIGIBLE");
      const forcedAbsence = await ctx.coordinator.post(`/v1/bookings/${first.id}/assign`, { interpreterId: absent.id, force: true });
      expect(forcedAbsence.status, JSON.stringify(forcedAbsence.body)).toBe(200);
      expect((await history(first.id)).at(-1).details.forced.rule).toBe("absence");

      const limited = await person(language, { maxAssignmentsPerMonth: 1 });
      const held = await job(language, local("2027-01-20", "13:00"));
      await assign(held.id, limited.id);
      const another = await job(language, local("2027-01-21", "13:00"));
      const refused = await ctx.coordinator.post(`/v1/bookings/${another.id}/assign`, { interpreterId: limited.id });
      expectError(refused, 422, "NOT_ELIGIBLE");
      expect(refused.body.error.details.rule).toBe("monthly_limit");
      // Next month is a new month.
      const nextMonth = await job(language, local("2027-02-02", "13:00"));
      await assign(nextMonth.id, limited.id);
      const forced = await ctx.coordinator.post(`/v1/bookings/${another.id}/assign`, { interpreterId: limited.id, force: true });
      expect(forced.status, JSON.stringify(forced.body)).toBe(200);
      expect((await history(another.id)).at(-1).details.forced).toEqual({ rule: "monthly_limit", reason: "Monatsgrenze erreicht (1 von 1)" });
    });

    it("never forces another language, a block, a required gender, a mode or an inactive interpreter", async () => {
      const booking = await job(language, local("2027-01-18", "10:00"), 60, { genderPreference: { gender: "female", required: true } });
      const cases: [string, { id: string }][] = [
        ["language", await person("tly")],
        ["gender", await person(language, { gender: "male" })],
        ["mode", await person(language, { modes: ["onsite"] })],
        ["inactive", await person(language, { active: false })],
      ];
      const blocked = await person(language);
      expect((await ctx.coordinator.post(`/v1/interpreters/${blocked.id}/blocks`, { organisationId, reason: "Befangenheit" })).status).toBe(201);
      cases.push(["blocked", blocked]);

      for (const [rule, candidate] of cases) {
        const response = await ctx.coordinator.post(`/v1/bookings/${booking.id}/assign`, { interpreterId: candidate.id, force: true });
        expectError(response, 422, "NOT_ELIGIBLE");
        expect(response.body.error.details.rule, rule).toBe(rule);
      }
      const after = await ctx.coordinator.get(`/v1/bookings/${booking.id}`);
      expect(after.body).toMatchObject({ status: "open", interpreterId: null });
      expect(after.body.history).toHaveLength(1);
    });

    it("never allows a double booking, not even with force (409 DOUBLE_BOOKING)", async () => {
      const busy = await person(language);
      const held = await job(language, local("2027-01-19", "10:00"));
      await assign(held.id, busy.id);
      const overlapping = await job(language, local("2027-01-19", "10:30"));
      for (const force of [false, true]) {
        const response = await ctx.coordinator.post(`/v1/bookings/${overlapping.id}/assign`, { interpreterId: busy.id, force });
        expectError(response, 409, "DOUBLE_BOOKING");
        expect(response.body.error.details).toMatchObject({ rule: "overlap" });
      }
      // Back to back without travel (both by phone) is fine.
      const adjacent = await job(language, local("2027-01-19", "11:00"));
      await assign(adjacent.id, busy.id);
      const after = await ctx.coordinator.get(`/v1/bookings?interpreterId=${busy.id}`);
      expect(after.body.items.map((item: { id: string }) => item.id)).toEqual([held.id, adjacent.id]);
      expect((await ctx.coordinator.get(`/v1/bookings/${overlapping.id}`)).body.status).toBe("open");
    });

    it("keeps the travel buffer around on-site jobs", async () => {
      const traveller = await person("bal");
      const onsite = (time: string, minutes: number) => job("bal", local("2027-01-15", time), minutes, { mode: "onsite", location: PLACE });
      const nine = await onsite("09:00", 60); // 09:00–10:00
      await assign(nine.id, traveller.id);

      const quarterPast = await onsite("10:15", 45); // 10:15–11:00: only 15 minutes to travel
      const refused = await ctx.coordinator.post(`/v1/bookings/${quarterPast.id}/assign`, { interpreterId: traveller.id });
      expectError(refused, 409, "DOUBLE_BOOKING");
      expectError(await ctx.coordinator.post(`/v1/bookings/${quarterPast.id}/assign`, { interpreterId: traveller.id, force: true }), 409, "DOUBLE_BOOKING");
      const excluded = (await candidates(quarterPast.id, true)).excluded.find((entry) => entry.interpreter.id === traveller.id);
      expect(excluded).toMatchObject({ rule: "overlap", reason: `bereits im Einsatz Fr 15.01. 09:00–10:00 (Einsatz ${nine.code})` });

      // A phone job also needs the buffer next to an on-site one: 08:00–08:40 leaves 20 minutes.
      const call = await job("bal", local("2027-01-15", "08:00"), 40);
      expectError(await ctx.coordinator.post(`/v1/bookings/${call.id}/assign`, { interpreterId: traveller.id }), 409, "DOUBLE_BOOKING");

      const halfPast = await onsite("10:30", 60); // 10:30–11:30: 30 minutes, enough
      expect((await assign(halfPast.id, traveller.id)).interpreterId).toBe(traveller.id);
    });

    it("refuses an on-site job beyond the interpreter's travel distance, unless forced", async () => {
      // Postcodes no other file uses, about 37 km apart.
      const geonames = [
        ["DE", "07961", "Ort X", "", "", "", "", "", "", "50.8000", "6.4800", "4"],
        ["DE", "07962", "Ort Y", "", "", "", "", "", "", "50.9375", "6.9603", "4"],
      ]
        .map((cells) => cells.join("\t"))
        .join("\n");
      expect(await createPostcodeService(ctx.deps.db).importGeonames(geonames)).toEqual({ postcodes: 2 });
      const homebody = await person(language, { homePostcode: "07961", maxTravelKm: 20 });
      const there = { street: "Markt 1", postcode: "07962", city: "Ort Y" };
      const booking = await job(language, local("2027-01-25", "10:00"), 60, { mode: "onsite", location: there });

      const refused = await ctx.coordinator.post(`/v1/bookings/${booking.id}/assign`, { interpreterId: homebody.id });
      expectError(refused, 422, "NOT_ELIGIBLE");
      expect(refused.body.error.details).toEqual({ rule: "travel_distance", reason: "zu weit: ca. 37 km, höchstens 20 km" });

      const forced = await ctx.coordinator.post(`/v1/bookings/${booking.id}/assign`, { interpreterId: homebody.id, force: true });
      expect(forced.status, JSON.stringify(forced.body)).toBe(200);
      expect((await history(booking.id)).at(-1).details.forced).toEqual({ rule: "travel_distance", reason: "zu weit: ca. 37 km, höchstens 20 km" });

      // Close to home is fine.
      const nearby = await job(language, local("2027-01-26", "10:00"), 60, { mode: "onsite", location: { ...there, postcode: "07961" } });
      expect((await assign(nearby.id, homebody.id)).interpreterId).toBe(homebody.id);
    });

    it("withdraws the other pending offers by SMS and records the phone number its answer shows", async () => {
      const taker = await person(language);
      const other = await person(language);
      const booking = await job(language, local("2027-01-26", "10:00"));
      const offered = await ctx.coordinator.post(`/v1/bookings/${booking.id}/offers`, { interpreterIds: [taker.id, other.id] });
      expect(offered.status, JSON.stringify(offered.body)).toBe(200);

      const assigned = await assign(booking.id, taker.id);
      expect(assigned.interpreter).toEqual({ id: taker.id, name: taker.name, phone: expect.stringMatching(/^\+49/) });
      const offers = await ctx.deps.db.prisma.offer.findMany({ where: { bookingId: booking.id }, select: { interpreterId: true, status: true, respondedAt: true } });
      expect(offers).toHaveLength(2);
      expect(offers.every((offer) => offer.status === "withdrawn" && offer.respondedAt?.toISOString() === NOW)).toBe(true);
      const sent = (await ctx.coordinator.get(`/v1/sms/messages?bookingId=${booking.id}&direction=outbound&limit=200`)).body.items;
      expect(sent.filter((message: { purpose: string }) => message.purpose === "offer_withdrawn").map((message: { interpreterId: string }) => message.interpreterId)).toEqual([other.id]);

      const phoneReads = async (interpreterId: string) =>
        (await ctx.coordinator.get(`/v1/interpreters/${interpreterId}/history?limit=200`)).body.items.filter(
          (event: { action: string; details: { route?: string } }) => event.action === "personal_data_read" && event.details.route === `POST /v1/bookings/${booking.id}/assign`,
        );
      expect((await phoneReads(taker.id)).map((event: { details: unknown }) => event.details)).toEqual([{ fields: ["phone"], route: `POST /v1/bookings/${booking.id}/assign` }]);
      // A refused assignment shows nobody's number and records nothing.
      expectError(await ctx.coordinator.post(`/v1/bookings/${booking.id}/assign`, { interpreterId: other.id }), 409, "INVALID_TRANSITION");
      expect(await phoneReads(other.id)).toEqual([]);
    });

    it("answers 422 for an unknown interpreter and 404 for an unknown booking", async () => {
      const booking = await job(language, local("2027-01-22", "10:00"));
      for (const interpreterId of [randomUUID(), "nope"]) {
        const response = await ctx.coordinator.post(`/v1/bookings/${booking.id}/assign`, { interpreterId });
        expectError(response, 422, "VALIDATION_FAILED");
        expect(response.body.error.details).toEqual([expect.objectContaining({ path: ["interpreterId"], in: "body" })]);
      }
      const ready = await person(language);
      expectError(await ctx.coordinator.post(`/v1/bookings/${randomUUID()}/assign`, { interpreterId: ready.id }), 404, "NOT_FOUND");
      expectError(await ctx.coordinator.post(`/v1/bookings/nope/assign`, { interpreterId: ready.id }), 404, "NOT_FOUND");
      const missing = await ctx.coordinator.post(`/v1/bookings/${booking.id}/assign`, {});
      expectError(missing, 422, "VALIDATION_FAILED");
      expect((await ctx.coordinator.get(`/v1/bookings/${booking.id}`)).body.status).toBe("open");
    });

    it("is for coordinators only", async () => {
      const ready = await person(language);
      const requester = await ctx.newRequester();
      const own = await requester.client.post("/v1/bookings", { language, startsAt: local("2027-01-22", "14:00"), durationMinutes: 60, mode: "phone" });
      expect(own.status).toBe(201);
      bookingsToClean.push(own.body.id);
      const clients: [string, ApiClient, number][] = [
        ["requester", requester.client, 403],
        ["finance", ctx.finance, 403],
        ["anonymous", ctx.anonymous, 401],
      ];
      for (const [label, client, status] of clients) {
        const response = await client.post(`/v1/bookings/${own.body.id}/assign`, { interpreterId: ready.id });
        expect(response.status, label).toBe(status);
      }
      expect((await ctx.coordinator.get(`/v1/bookings/${own.body.id}`)).body).toMatchObject({ status: "open", interpreterId: null });
    });
  });
});
