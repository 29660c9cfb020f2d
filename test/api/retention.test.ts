// Retention: personal data older than RETENTION_MONTHS (24) is removed by the daily job that the
// dispatch tick starts: contact details, notes, case references and free text of past bookings,
// SMS texts; and records of reads of phone numbers and IBANs older than READ_AUDIT_RETENTION_DAYS
// (365). Finance records stay. The job runs once a day however often (and wherever) the tick runs.
//
// This file runs on a database of its own: the job sweeps the whole pool, and the clock jumps years.
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "../../src/services";
import { ALL_WEEK } from "../helpers/fixtures";
import { walkPages } from "../helpers/pagination";
import { createTestContext, newInterpreter, type TestContext } from "../helpers/test-app";
import { privateDatabase, type PrivateDatabase } from "../helpers/test-database";
import { replyOf, sendSms, smsTestConfig } from "../helpers/twilio";

const NOW = "2026-11-24T08:00:00.000Z";
const CONTACT = { caseReference: "BG-2026-0815", contactName: "Frau Schmitz", contactPhone: "02421 123-456", notes: "Klientin spricht nur Dari" };

describe("retention of personal data", () => {
  let own: PrivateDatabase | undefined;
  let ctx: TestContext;
  let organisationId: string;

  beforeAll(async () => {
    own = await privateDatabase("retention", 20);
    ctx = await createTestContext({ config: smsTestConfig, deps: { db: own.db } });
    organisationId = (await ctx.newRequester()).organisationId;
  });

  afterAll(async () => {
    await own?.dispose();
  });

  async function booking(startsAt: string) {
    const created = await ctx.coordinator.post("/v1/bookings", { organisationId, language: "prs", startsAt, durationMinutes: 60, mode: "phone", ...CONTACT });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string; code: string };
  }

  const get = async (id: string) => (await ctx.coordinator.get(`/v1/bookings/${id}`)).body;
  const tick = async () => expect((await ctx.coordinator.post("/v1/dispatch/tick")).status).toBe(200);
  const messages = async () => (await walkPages(ctx.coordinator, "/v1/sms/messages?limit=200")).flatMap((page) => page.items) as { id: string; body: string; createdAt: string; status: string }[];
  const kept = (view: any) => ({ caseReference: view.caseReference, contactName: view.contactName, contactPhone: view.contactPhone, notes: view.notes });
  const removed = { caseReference: null, contactName: null, contactPhone: null, notes: null };

  async function allowancesCsv(batchId: string) {
    const response = await ctx.app.request(`/v1/exports/${batchId}/allowances.csv`, { headers: { authorization: `Bearer ${ctx.finance.key}` } });
    expect(response.status).toBe(200);
    return parse(Buffer.from(await response.arrayBuffer()), { bom: true, delimiter: ";", columns: true }) as Record<string, string>[];
  }

  it("removes contact details, notes and free text of old bookings and old SMS texts once a day, keeping finance records", async () => {
    const person = await newInterpreter(ctx.coordinator, { languages: [{ code: "prs", level: "native" }] });
    await ctx.coordinator.put(`/v1/interpreters/${person.id}/availability`, { weekly: ALL_WEEK, absences: [] });

    // Done by SMS and completed with a note; cancelled with a reason; one a day later.
    const done = await booking("2026-11-25T10:00:00+01:00");
    await ctx.coordinator.post(`/v1/bookings/${done.id}/offers`, { interpreterIds: [person.id] });
    await tick();
    expect(replyOf(await sendSms(ctx.anonymous, person.phone, `JA ${done.code}`))).toContain(done.code);
    ctx.clock.set("2026-11-25T10:00:00Z");
    expect((await ctx.coordinator.post(`/v1/bookings/${done.id}/complete`, { outcome: "done", note: "Herr Ahmadi kam 10 Minuten zu spät" })).status).toBe(200);
    ctx.clock.set(NOW);
    const cancelled = await booking("2026-11-25T11:30:00+01:00");
    expect((await ctx.coordinator.post(`/v1/bookings/${cancelled.id}/cancel`, { reason: "Klientin Frau Yilmaz ist erkrankt" })).status).toBe(200);
    ctx.clock.set("2026-11-26T08:00:00Z");
    const later = await booking("2026-11-26T11:00:00+01:00");
    await ctx.coordinator.post(`/v1/bookings/${later.id}/offers`, { interpreterIds: [person.id] });
    await tick();
    const laterTexts = (await messages()).filter((message) => message.createdAt === "2026-11-26T08:00:00.000Z");
    expect(laterTexts.length).toBeGreaterThan(0);

    const batch = (await ctx.finance.post("/v1/exports", { organisationId })).body;
    expect(batch).toMatchObject({ allowanceCount: 1, totalCents: 2000 });
    expect((await ctx.finance.post(`/v1/exports/${batch.id}/paid`)).status).toBe(200);
    const allowancesBefore = (await ctx.finance.get(`/v1/allowances?organisationId=${organisationId}`)).body.items;
    const csvBefore = await allowancesCsv(batch.id);

    // Two years and a day later (plus 4 hours): the first two bookings ended before the cutoff, the third did not.
    ctx.clock.set("2028-11-25T12:00:00Z");
    const recent = await booking("2028-11-27T10:00:00+01:00");
    const retention = createServices(ctx.deps).retention;
    const dry = await retention.run({ dryRun: true });
    const oldTexts = (await messages()).filter((message) => message.createdAt < "2026-11-25T12:00:00.000Z");
    expect(dry).toMatchObject({ dryRun: true, cutoff: "2026-11-25T12:00:00.000Z", bookings: 2, smsMessages: oldTexts.length });
    expect(dry.bookingEvents).toBeGreaterThan(0);
    expect(kept(await get(done.id))).toEqual(CONTACT);
    expect((await messages()).filter((message) => message.body === "")).toEqual([]);

    await tick();
    const doneAfter = await get(done.id);
    expect(kept(doneAfter)).toEqual(removed);
    expect(doneAfter.completion).toMatchObject({ outcome: "done", note: null });
    expect(doneAfter).toMatchObject({ status: "completed", interpreterId: person.id, language: "prs", startsAt: "2026-11-25T09:00:00.000Z" });
    expect(doneAfter.history.map((entry: { action: string }) => entry.action)).toEqual(["created", "offered", "assigned", "completed"]);
    expect(doneAfter.history.every((entry: { reason: string | null; actor: { phone: string | null } }) => entry.reason === null && entry.actor.phone === null)).toBe(true);
    const cancelledAfter = await get(cancelled.id);
    expect(kept(cancelledAfter)).toEqual(removed);
    expect(cancelledAfter.cancellation).toMatchObject({ by: "coordinator", reason: "" });
    expect(kept(await get(later.id))).toEqual(CONTACT);
    expect(kept(await get(recent.id))).toEqual(CONTACT);
    const afterRun = await messages();
    expect(afterRun.filter((message) => message.body === "").map((message) => message.id).sort()).toEqual(oldTexts.map((message) => message.id).sort());
    expect(afterRun.filter((message) => laterTexts.some((text) => text.id === message.id)).map((message) => message.body)).toEqual(laterTexts.map((message) => message.body));
    expect(await retention.run({ dryRun: true })).toMatchObject({ bookings: 0, bookingEvents: 0, smsMessages: 0 });

    // Finance records are untouched.
    expect((await ctx.finance.get(`/v1/allowances?organisationId=${organisationId}`)).body.items).toEqual(allowancesBefore);
    expect((await ctx.finance.get(`/v1/exports/${batch.id}`)).body).toMatchObject({ status: "paid", allowanceCount: 1, totalCents: 2000 });
    expect(await allowancesCsv(batch.id)).toEqual(csvBefore);

    // 23.5 hours later the third booking is past the cutoff too, but the job already ran today.
    ctx.clock.set("2028-11-26T11:30:00Z");
    await tick();
    expect(kept(await get(later.id))).toEqual(CONTACT);
    expect((await retention.run({ dryRun: true })).bookings).toBe(1);
    ctx.clock.set("2028-11-26T12:00:00Z");
    await tick();
    expect(kept(await get(later.id))).toEqual(removed);
    expect(kept(await get(recent.id))).toEqual(CONTACT);
    const laterAfter = (await messages()).filter((message) => laterTexts.some((text) => text.id === message.id));
    expect(laterAfter.map((message) => message.body)).toEqual(laterTexts.map(() => ""));
    ctx.clock.set(NOW);
  });

  it("is claimed by exactly one of several instances ticking at the same time", async () => {
    const instances = [createServices(ctx.deps), createServices(ctx.deps), createServices(ctx.deps)];
    ctx.clock.set("2030-01-10T12:00:00Z");
    try {
      const results = await Promise.all(instances.map((services) => services.retention.runIfDue()));
      expect(results.filter((result) => result !== null)).toHaveLength(1);
      expect(await Promise.all(instances.map((services) => services.retention.runIfDue()))).toEqual([null, null, null]);
      ctx.clock.set("2030-01-11T11:59:59Z");
      expect(await instances[0]!.retention.runIfDue()).toBeNull();
      ctx.clock.set("2030-01-11T12:00:00Z");
      expect(await instances[1]!.retention.runIfDue()).toMatchObject({ dryRun: false, cutoff: "2028-01-11T12:00:00.000Z" });
    } finally {
      ctx.clock.set(NOW);
    }
  });

  it("deletes records of reads of phone numbers and IBANs older than READ_AUDIT_RETENTION_DAYS (365), in batches, keeping other history", async () => {
    const retention = createServices(ctx.deps).retention;
    const history = async (id: string) =>
      (await walkPages(ctx.coordinator, `/v1/interpreters/${id}/history?limit=200`)).flatMap((page) => page.items) as { action: string; at: string }[];
    try {
      // Whatever earlier tests recorded goes first, so the counts below are this test's alone.
      ctx.clock.set("2031-03-01T08:00:00Z");
      await retention.run({ dryRun: false });
      const person = await newInterpreter(ctx.coordinator, { languages: [{ code: "prs", level: "native" }] });

      ctx.clock.set("2031-03-01T09:00:00Z");
      expect((await ctx.coordinator.get(`/v1/interpreters/${person.id}`)).body.phone).toBe(person.phone);
      expect((await ctx.coordinator.get(`/v1/interpreters?q=${encodeURIComponent(person.name)}`)).body.items).toHaveLength(1);
      expect(replyOf(await sendSms(ctx.anonymous, person.phone, "STOP"))).toBeTruthy();
      // Years of reads by a busy office: more than one batch.
      const manyOld = 2345;
      await own!.db.prisma.interpreterEvent.createMany({
        data: Array.from({ length: manyOld }, (_, index) => ({
          interpreterId: person.id,
          at: new Date(Date.parse("2030-01-01T00:00:00Z") + index * 60_000),
          action: "personal_data_read",
          actorType: "key" as const,
          details: { fields: ["phone"], route: "GET /v1/interpreters" },
        })),
      });
      ctx.clock.set("2031-06-01T09:00:00Z");
      expect((await ctx.coordinator.get(`/v1/interpreters/${person.id}`)).status).toBe(200);
      const before = await history(person.id);
      expect(before.filter((event) => event.action === "personal_data_read")).toHaveLength(manyOld + 3);
      expect(before.filter((event) => event.action === "sms_opt_out")).toHaveLength(1);

      // 365 days after 2 March 2031, 11:00 in Berlin: the reads of 1 March and before go, the one of June stays.
      ctx.clock.set("2032-03-01T10:00:00Z");
      const dry = await retention.run({ dryRun: true });
      expect(dry).toMatchObject({ dryRun: true, readAuditCutoff: "2031-03-02T10:00:00.000Z", readAuditEntries: manyOld + 2 });
      expect(await history(person.id)).toEqual(before);
      const shorter = createServices({ ...ctx.deps, config: { ...ctx.deps.config, READ_AUDIT_RETENTION_DAYS: 30 } }).retention;
      expect(await shorter.run({ dryRun: true })).toMatchObject({ readAuditCutoff: "2032-01-31T10:00:00.000Z", readAuditEntries: manyOld + 3 });

      await tick();
      const after = await history(person.id);
      expect(after.map((event) => [event.action, event.at])).toEqual([
        ["sms_opt_out", "2031-03-01T09:00:00.000Z"],
        ["personal_data_read", "2031-06-01T09:00:00.000Z"],
      ]);
      expect(await retention.run({ dryRun: true })).toMatchObject({ readAuditEntries: 0 });
    } finally {
      ctx.clock.set(NOW);
    }
  });
});
