import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ALL_WEEK } from "../helpers/fixtures";
import { createTestContext, newInterpreter, newOrganisation, uniqueMobile, type TestContext } from "../helpers/test-app";
import { testDbKind } from "../helpers/test-database";
import { sendSms, smsTestConfig } from "../helpers/twilio";
import { expectLanguageCopiesMatch } from "../helpers/language-pool-copy";

// Ranking a language pool reads the person's columns from copies on their language rows (the
// `person…` columns of "InterpreterLanguage", kept by triggers; migration language_pool_copy). This
// file changes every copied column the way coordinators and interpreters do — through the API, the
// CSV import and the SMS webhook — and holds the copies to their source after each step, and the
// candidates list to what the person now is. Each test uses a language no other file books.
const NOW = "2027-02-02T08:00:00.000Z"; // Tuesday 09:00 in Berlin

describe("the person's columns copied onto their language rows", () => {
  let ctx: TestContext;
  let organisationId: string;

  beforeAll(async () => {
    ctx = await createTestContext({ config: smsTestConfig });
    organisationId = (await newOrganisation(ctx.coordinator)).id;
  });

  beforeEach(() => ctx.clock.set(NOW));

  async function person(language: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; phone: string }> {
    const created = await newInterpreter(ctx.coordinator, { languages: [{ code: language, level: "native" }], modes: ["onsite", "phone"], ...overrides });
    const response = await ctx.coordinator.put(`/v1/interpreters/${created.id}/availability`, { weekly: ALL_WEEK, absences: [] });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return created;
  }

  async function job(language: string, startsAt: string, extra: Record<string, unknown> = {}): Promise<string> {
    const response = await ctx.coordinator.post("/v1/bookings", { organisationId, language, startsAt, durationMinutes: 60, mode: "phone", ...extra });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.id;
  }

  async function candidateIds(bookingId: string): Promise<string[]> {
    const response = await ctx.coordinator.get(`/v1/bookings/${bookingId}/candidates`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.candidates.map((candidate: { interpreter: { id: string } }) => candidate.interpreter.id);
  }

  async function patch(id: string, body: Record<string, unknown>): Promise<void> {
    const response = await ctx.coordinator.patch(`/v1/interpreters/${id}`, body);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  }

  const check = (ids: string[]) => expectLanguageCopiesMatch(ctx.deps.db.prisma, ids);

  it("follow edits of phone, gender, qualification, postcode and languages, and what the ranking makes of them", async () => {
    const amina = await person("xpa", { gender: "male", qualification: "volunteer", homePostcode: "52351" });
    const other = await person("xpa", { gender: "male", qualification: "volunteer" });
    await check([amina.id, other.id]);
    // A wished (not required) gender ranks the person who has it first: the ranking reads the copy.
    const booking = await job("xpa", "2027-02-10T10:00:00+01:00", { genderPreference: { gender: "female", required: false } });
    expect(new Set(await candidateIds(booking))).toEqual(new Set([amina.id, other.id]));

    await patch(amina.id, { gender: "female" });
    await check([amina.id, other.id]);
    expect((await candidateIds(booking))[0]).toBe(amina.id);
    await patch(amina.id, { phone: uniqueMobile(), qualification: "certified", homePostcode: "52349" });
    await check([amina.id, other.id]);

    // New language rows take the person's values when written (and the old rows are gone).
    await patch(other.id, { gender: "female", languages: [{ code: "xpa", dialect: "nord", level: "fluent" }, { code: "xpb", level: "basic" }] });
    await check([amina.id, other.id]);
    const rows = await ctx.deps.db.prisma.interpreterLanguage.findMany({ where: { interpreterId: other.id }, orderBy: { code: "asc" } });
    expect(rows.map((row) => [row.code, row.personGender])).toEqual([
      ["xpa", "female"],
      ["xpb", "female"],
    ]);
  });

  it("take a person out of the pool when deactivated or erased, and back when active again", async () => {
    const leaving = await person("xpc");
    const staying = await person("xpc");
    const booking = await job("xpc", "2027-02-11T10:00:00+01:00");
    expect(new Set(await candidateIds(booking))).toEqual(new Set([leaving.id, staying.id]));

    await patch(leaving.id, { active: false });
    await check([leaving.id, staying.id]);
    expect(await candidateIds(booking)).toEqual([staying.id]);
    await patch(leaving.id, { active: true });
    await check([leaving.id, staying.id]);
    expect(new Set(await candidateIds(booking))).toEqual(new Set([leaving.id, staying.id]));

    const erased = await ctx.coordinator.delete(`/v1/interpreters/${leaving.id}`);
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    await check([leaving.id, staying.id]);
    expect(await ctx.deps.db.prisma.interpreterLanguage.count({ where: { interpreterId: leaving.id } })).toBe(0);
    expect(await candidateIds(booking)).toEqual([staying.id]);
  });

  it("follow the SMS opt-out and opt-in, the CSV import and assignments", async () => {
    const texting = await person("xpd");
    await check([texting.id]);

    expect((await sendSms(ctx.anonymous, texting.phone, "STOP")).status).toBe(200);
    await check([texting.id]);
    expect((await ctx.deps.db.prisma.interpreterLanguage.findFirstOrThrow({ where: { interpreterId: texting.id } })).personReachable).toBe(false);
    expect((await sendSms(ctx.anonymous, texting.phone, "START")).status).toBe(200);
    await check([texting.id]);
    expect((await ctx.deps.db.prisma.interpreterLanguage.findFirstOrThrow({ where: { interpreterId: texting.id } })).personReachable).toBe(true);

    // The import updates the person found by phone number, languages and all.
    const imported = await ctx.coordinator.request("POST", "/v1/interpreters/import", {
      rawBody: `name;phone;languages;qualification\nImport Person;${texting.phone};xpd: native, xpe: fluent;certified\n`,
      headers: { "content-type": "text/csv" },
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    await check([texting.id]);
    expect(await ctx.deps.db.prisma.interpreterLanguage.count({ where: { interpreterId: texting.id, personQualification: "certified" } })).toBe(2);

    // An assignment moves the person's latest assignment, and with it the copy.
    const booking = await job("xpd", "2027-02-12T10:00:00+01:00");
    const assigned = await ctx.coordinator.post(`/v1/bookings/${booking}/assign`, { interpreterId: texting.id });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    await check([texting.id]);
    const copy = await ctx.deps.db.prisma.interpreterLanguage.findFirstOrThrow({ where: { interpreterId: texting.id } });
    expect(copy.personLatestAssignmentAt?.toISOString()).toBe("2027-02-12T09:00:00.000Z");
    const cancelled = await ctx.coordinator.post(`/v1/bookings/${booking}/cancel`, { reason: "Testende" });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    await check([texting.id]);
  });

  // Two connections at once: only on a PostgreSQL server (the embedded database has one).
  it.skipIf(testDbKind() !== "postgres")("copy an assignment committed while a language edit waited for the person's row", async () => {
    const busy = await person("xpf");
    const booking = await job("xpf", "2027-02-15T10:00:00+01:00");
    const prisma = ctx.deps.db.prisma;
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // The assignment holds the person's row (as the API's does) and commits only once the
    // coordinator's edit of the languages waits for that row.
    const assignment = prisma.$transaction(async (tx) => {
      await tx.$queryRawUnsafe(`SELECT 1 FROM "Interpreter" WHERE "id" = $1::uuid FOR UPDATE`, busy.id);
      await tx.$executeRawUnsafe(`UPDATE "Booking" SET "status" = 'assigned', "interpreterId" = $2::uuid WHERE "id" = $1::uuid`, booking, busy.id);
      held();
      await released;
    });
    await holding;
    const edit = ctx.coordinator.patch(`/v1/interpreters/${busy.id}`, { languages: [{ code: "xpf", level: "native" }, { code: "xpg", level: "fluent" }] });
    for (let waited = 0; ; waited += 20) {
      const [row] = await prisma.$queryRawUnsafe<{ waiting: number }[]>(
        `SELECT count(*)::int AS "waiting" FROM pg_stat_activity WHERE "wait_event_type" = 'Lock' AND "datname" = current_database() AND "query" LIKE '%FOR UPDATE%'`,
      );
      if (row!.waiting > 0) break;
      if (waited > 10_000) throw new Error("the language edit never waited for the person's row");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    release();
    await assignment;
    expect((await edit).status).toBe(200);
    // The new language rows were written after the assignment committed: they carry its start.
    await check([busy.id]);
    const rows = await prisma.interpreterLanguage.findMany({ where: { interpreterId: busy.id } });
    expect(rows.map((row) => row.personLatestAssignmentAt?.toISOString()).sort()).toEqual(["2027-02-15T09:00:00.000Z", "2027-02-15T09:00:00.000Z"]);
    const cancelled = await ctx.coordinator.post(`/v1/bookings/${booking}/cancel`, { reason: "Testende" });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    await check([busy.id]);
  });
});
