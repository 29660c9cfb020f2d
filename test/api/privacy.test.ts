// Data protection: the access export, the read audit of phone numbers and IBANs, and erasure
// (nothing personal left anywhere in the database, finance files of past batches unchanged in
// rows and cents, the person never texted or matched again).
//
// This file runs on a database of its own: erasure is checked against a dump of every table,
// and finance exports sweep up every approved allowance of an organisation.
import { parse } from "csv-parse/sync";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordingSmsSender } from "../../src/sms/sms-sender";
import { expectError, expectValidationError } from "../helpers/assertions";
import { ALL_WEEK, NIL_UUID } from "../helpers/fixtures";
import { walkPages } from "../helpers/pagination";
import { createTestContext, newInterpreter, newOrganisation, uniqueMobile, uniqueToken, type TestContext } from "../helpers/test-app";
import { privateDatabase, type PrivateDatabase } from "../helpers/test-database";
import { replyOf, sendSms, smsTestConfig } from "../helpers/twilio";

const NOW = "2026-11-24T08:00:00.000Z";
const LANGUAGE = "tet";
const CONFIG = {
  ...smsTestConfig,
  SHARE_INTERPRETER_PHONE: "true",
  SEPA_DEBTOR_NAME: "Stadt Düren – Dolmetscherpool",
  SEPA_DEBTOR_IBAN: "DE02120300000000202051",
  DATEV_CONSULTANT_NUMBER: "1234567",
  DATEV_CLIENT_NUMBER: "4711",
};

/** A valid German IBAN that no other person in this database has. */
function uniqueIban(): string {
  const bban = `37040044${String(Math.floor(Math.random() * 1e10)).padStart(10, "0")}`;
  const check = 98n - (BigInt(`${bban}131400`) % 97n);
  return `DE${String(check).padStart(2, "0")}${bban}`;
}

const plusMinutes = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
const cents = (euro: string) => Math.round(Number(euro.replace(",", ".")) * 100);
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

interface Person {
  id: string;
  name: string;
  phone: string;
  email: string | null;
  iban: string | null;
  homePostcode: string | null;
}

describe("data protection", () => {
  let own: PrivateDatabase | undefined;
  let ctx: TestContext;
  let sms: RecordingSmsSender;

  beforeAll(async () => {
    own = await privateDatabase("privacy", 20);
    ctx = await createTestContext({ config: CONFIG, deps: { db: own.db } });
    sms = ctx.deps.sms as RecordingSmsSender;
  });

  afterAll(async () => {
    await own?.dispose();
  });

  async function person(overrides: Record<string, unknown> = {}): Promise<Person> {
    const created = await newInterpreter(ctx.coordinator, {
      languages: [{ code: LANGUAGE, level: "native" }],
      email: `${uniqueToken("mail")}@example.org`,
      iban: uniqueIban(),
      ...overrides,
    });
    expect((await ctx.coordinator.put(`/v1/interpreters/${created.id}/availability`, { weekly: ALL_WEEK, absences: [] })).status).toBe(200);
    return created;
  }

  /** Each test books for an organisation of its own, so its exports hold only its own allowances. */
  async function booking(organisationId: string, startsAt: string) {
    const created = await ctx.coordinator.post("/v1/bookings", { organisationId, language: LANGUAGE, startsAt, durationMinutes: 60, mode: "phone" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string; code: string };
  }

  async function assign(bookingId: string, interpreterId: string) {
    const assigned = await ctx.coordinator.post(`/v1/bookings/${bookingId}/assign`, { interpreterId });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
  }

  /** Completes at the booked end (the clock moves there and back). */
  async function complete(bookingId: string, startsAt: string) {
    ctx.clock.set(plusMinutes(startsAt, 60));
    try {
      const completed = await ctx.coordinator.post(`/v1/bookings/${bookingId}/complete`, { outcome: "done" });
      expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    } finally {
      ctx.clock.set(NOW);
    }
  }

  async function history(interpreterId: string) {
    const pages = await walkPages(ctx.coordinator, `/v1/interpreters/${interpreterId}/history?limit=200`);
    return pages.flatMap((page) => page.items) as { action: string; actor: { type: string; keyId: string | null }; details: any }[];
  }

  const reads = async (interpreterId: string) => (await history(interpreterId)).filter((event) => event.action === "personal_data_read");

  async function newKey(role: "coordinator" | "finance") {
    const created = await ctx.coordinator.post("/v1/api-keys", { name: `audit ${role}`, role });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { client: ctx.as(created.body.key), keyId: created.body.id as string };
  }

  async function download(path: string) {
    const response = await ctx.app.request(path, { headers: { authorization: `Bearer ${ctx.finance.key}` } });
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(response.status, bytes.toString("utf8")).toBe(200);
    return bytes;
  }

  const csv = (bytes: Buffer) => parse(bytes, { bom: true, delimiter: ";", columns: true, skip_empty_lines: true }) as Record<string, string>[];

  /** Every row of every table of the database, as JSON text. */
  async function databaseDump(): Promise<{ tables: string[]; text: string }> {
    const { prisma } = own!.db;
    const tables = (await prisma.$queryRaw<{ name: string }[]>`SELECT "tablename" AS "name" FROM pg_tables WHERE "schemaname" = 'public' ORDER BY 1`).map((row) => row.name);
    const parts: string[] = [];
    for (const table of tables) {
      const rows = await prisma.$queryRawUnsafe<{ row: string }[]>(`SELECT row_to_json(t)::text AS "row" FROM "${table.replace(/"/g, '""')}" t`);
      parts.push(...rows.map((row) => row.row));
    }
    return { tables, text: parts.join("\n") };
  }

  it("exports everything stored about a person as a JSON attachment, and records that read", async () => {
    const { organisationId, client: requester } = await ctx.newRequester();
    const elsewhere = await newOrganisation(ctx.coordinator);
    const amina = await person({ trainings: [{ title: "Grundkurs", date: "2026-03-14" }], gender: "female" });
    await ctx.coordinator.put(`/v1/interpreters/${amina.id}/availability`, { weekly: ALL_WEEK, absences: [{ from: "2026-12-24", to: "2026-12-31", note: "Urlaub" }] });
    expect((await ctx.coordinator.post(`/v1/interpreters/${amina.id}/blocks`, { organisationId: elsewhere.id, reason: "Wunsch der Einrichtung" })).status).toBe(201);
    const job = await booking(organisationId, "2026-11-25T10:00:00+01:00");
    expect((await ctx.coordinator.post(`/v1/bookings/${job.id}/offers`, { interpreterIds: [amina.id] })).status).toBe(200);
    expect(replyOf(await sendSms(ctx.anonymous, amina.phone, `JA ${job.code}`))).toContain(job.code);
    await complete(job.id, "2026-11-25T10:00:00+01:00");

    expectError(await ctx.finance.get(`/v1/interpreters/${amina.id}/data-export`), 403, "FORBIDDEN");
    expectError(await requester.get(`/v1/interpreters/${amina.id}/data-export`), 403, "FORBIDDEN");
    expectError(await ctx.coordinator.get(`/v1/interpreters/${NIL_UUID}/data-export`), 404, "NOT_FOUND");
    const before = (await reads(amina.id)).length;
    const exported = await ctx.coordinator.get(`/v1/interpreters/${amina.id}/data-export`);
    expect(exported.status, JSON.stringify(exported.body)).toBe(200);
    expect(exported.headers.get("content-disposition")).toBe(`attachment; filename="interpreter-${amina.id.slice(0, 8)}-data-export.json"`);
    const data = exported.body;
    expect(data.interpreter).toMatchObject({ id: amina.id, name: amina.name, phone: amina.phone, email: amina.email, iban: amina.iban, gender: "female", erasedAt: null });
    expect(data.interpreter.trainings).toEqual([{ title: "Grundkurs", date: "2026-03-14" }]);
    expect(data.interpreter.languages).toEqual([{ code: LANGUAGE, dialect: null, level: "native" }]);
    expect(data.availability.weekly).toHaveLength(7);
    expect(data.availability.absences).toEqual([{ from: "2026-12-24", to: "2026-12-31", note: "Urlaub" }]);
    expect(data.blocks).toEqual([expect.objectContaining({ organisationId: elsewhere.id, organisationName: elsewhere.name, reason: "Wunsch der Einrichtung" })]);
    expect(data.offers).toEqual([expect.objectContaining({ bookingId: job.id, bookingCode: job.code, status: "accepted" })]);
    const texts = data.smsMessages.map((message: { direction: string; body: string }) => `${message.direction}: ${message.body}`);
    expect(texts).toContain(`inbound: JA ${job.code}`);
    expect(texts.some((text: string) => text.startsWith(`outbound: Dolmetscheinsatz ${job.code}`))).toBe(true);
    expect(data.bookings).toEqual([expect.objectContaining({ id: job.id, code: job.code, status: "completed", assignedToThisPerson: true, outcome: "done" })]);
    expect(data.bookings[0].events.map((event: { action: string }) => event.action)).toEqual(["created", "offered", "assigned", "completed"]);
    expect(data.bookings[0]).not.toHaveProperty("contactName");
    expect(data.allowances).toEqual([expect.objectContaining({ bookingId: job.id, amountCents: 2000, status: "approved" })]);
    // The completion answer showed the coordinator the assigned interpreter's number.
    expect(data.events.map((event: { action: string }) => event.action)).toContain("personal_data_read");

    const after = await reads(amina.id);
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)!.details).toEqual({ fields: ["iban", "phone"], route: `GET /v1/interpreters/${amina.id}/data-export` });
  });

  it("records every read of a phone number or IBAN by a key, and nothing for responses without them", async () => {
    const { organisationId, client: requester, keyId: requesterKeyId } = await ctx.newRequester();
    const token = uniqueToken("audit");
    const withIban = await person({ name: `Audit ${token} A` });
    const withoutIban = await person({ name: `Audit ${token} B`, iban: null });
    expect(await reads(withIban.id)).toEqual([]); // registering is no read
    const coordinator = await newKey("coordinator");
    const finance = await newKey("finance");

    expect((await coordinator.client.get(`/v1/interpreters/${withIban.id}`)).status).toBe(200);
    expect((await finance.client.get(`/v1/interpreters?q=${token}`)).body.items).toHaveLength(2);
    expect((await coordinator.client.patch(`/v1/interpreters/${withIban.id}`, { maxTravelKm: 30 })).status).toBe(200);
    expect((await coordinator.client.patch(`/v1/interpreters/${withIban.id}`, { phone: uniqueMobile() })).status).toBe(200);
    expect((await reads(withIban.id)).map((event) => [event.actor, event.details])).toEqual([
      [{ type: "key", keyId: coordinator.keyId }, { fields: ["iban", "phone"], route: `GET /v1/interpreters/${withIban.id}` }],
      [{ type: "key", keyId: finance.keyId }, { fields: ["iban", "phone"], route: "GET /v1/interpreters" }],
      [{ type: "key", keyId: coordinator.keyId }, { fields: ["iban", "phone"], route: `PATCH /v1/interpreters/${withIban.id}` }],
      // The new number was sent by the caller: only the IBAN was shown to them.
      [{ type: "key", keyId: coordinator.keyId }, { fields: ["iban"], route: `PATCH /v1/interpreters/${withIban.id}` }],
    ]);
    expect((await reads(withoutIban.id)).map((event) => event.details)).toEqual([{ fields: ["phone"], route: "GET /v1/interpreters" }]);

    // Bookings show the assigned interpreter's number (to requesters with SHARE_INTERPRETER_PHONE);
    // finance sees bookings without it, and the allowance list has neither number nor IBAN.
    const job = await booking(organisationId, "2026-11-26T10:00:00+01:00");
    await assign(job.id, withoutIban.id);
    await complete(job.id, "2026-11-26T10:00:00+01:00");
    const afterAssign = (await reads(withoutIban.id)).length;
    expect((await requester.get(`/v1/bookings/${job.id}`)).body.interpreter.phone).toBe(withoutIban.phone);
    expect((await finance.client.get(`/v1/bookings/${job.id}`)).body.interpreter).not.toHaveProperty("phone");
    expect((await finance.client.get(`/v1/allowances?interpreterId=${withoutIban.id}`)).body.items).toHaveLength(1);
    const bookingReads = (await reads(withoutIban.id)).slice(afterAssign);
    expect(bookingReads.map((event) => [event.actor.keyId, event.details])).toEqual([[requesterKeyId, { fields: ["phone"], route: `GET /v1/bookings/${job.id}` }]]);

    // Finance files with IBANs are recorded for everyone in the batch who has one; DATEV and recharge files show none.
    const paid = await person();
    const other = await booking(organisationId, "2026-11-26T12:00:00+01:00");
    await assign(other.id, paid.id);
    await complete(other.id, "2026-11-26T12:00:00+01:00");
    const batch = (await finance.client.post("/v1/exports", { organisationId })).body;
    expect(batch.allowanceCount).toBe(2);
    const count = async () => [(await reads(paid.id)).length, (await reads(withoutIban.id)).length];
    const [paidBefore, withoutBefore] = await count();
    for (const file of ["datev.csv", "recharge.csv"]) await download(`/v1/exports/${batch.id}/${file}`);
    expect(await count()).toEqual([paidBefore, withoutBefore]);
    await download(`/v1/exports/${batch.id}/sepa.xml`);
    await download(`/v1/exports/${batch.id}/allowances.csv`);
    expect((await reads(paid.id)).slice(paidBefore!).map((event) => event.details)).toEqual([
      { fields: ["iban"], route: `GET /v1/exports/${batch.id}/sepa.xml` },
      { fields: ["iban"], route: `GET /v1/exports/${batch.id}/allowances.csv` },
    ]);
    expect((await reads(withoutIban.id)).length).toBe(withoutBefore); // no IBAN, none shown
  });

  it("refuses to erase while money is owed or work is not closed out, and answers 404 for unknown people", async () => {
    const { organisationId, client: requester } = await ctx.newRequester();
    const owed = await person();
    const job = await booking(organisationId, "2026-11-27T10:00:00+01:00");
    await assign(job.id, owed.id);
    ctx.clock.set("2026-11-27T09:30:00Z");
    try {
      const started = await ctx.coordinator.delete(`/v1/interpreters/${owed.id}`);
      expectError(started, 409, "CONFLICT");
      expect(started.body.error.details).toMatchObject({ reason: "open_assignments", bookings: [{ id: job.id, code: job.code }] });
    } finally {
      ctx.clock.set(NOW);
    }
    await complete(job.id, "2026-11-27T10:00:00+01:00");
    const unpaid = await ctx.coordinator.delete(`/v1/interpreters/${owed.id}`);
    expectError(unpaid, 409, "CONFLICT");
    expect(unpaid.body.error.details).toMatchObject({ reason: "unpaid_allowances", allowances: [{ bookingId: job.id, status: "approved", amountCents: 2000 }] });
    const batch = (await ctx.finance.post("/v1/exports", { organisationId })).body;
    expect((await ctx.coordinator.delete(`/v1/interpreters/${owed.id}`)).body.error.details).toMatchObject({ reason: "unpaid_allowances", allowances: [{ status: "exported" }] });
    expect((await ctx.coordinator.get(`/v1/interpreters/${owed.id}`)).body.name).toBe(owed.name);
    expect((await ctx.finance.post(`/v1/exports/${batch.id}/paid`)).status).toBe(200);

    expectError(await ctx.finance.delete(`/v1/interpreters/${owed.id}`), 403, "FORBIDDEN");
    expectError(await requester.delete(`/v1/interpreters/${owed.id}`), 403, "FORBIDDEN");
    expectError(await ctx.coordinator.delete(`/v1/interpreters/${NIL_UUID}`), 404, "NOT_FOUND");
    expectError(await ctx.coordinator.delete("/v1/interpreters/not-an-id"), 404, "NOT_FOUND");
    expect((await ctx.coordinator.delete(`/v1/interpreters/${owed.id}`)).status).toBe(200);
  });

  it("erases a person: no personal field left in any table, past finance files add up as before, never texted or matched again", async () => {
    const { organisationId } = await ctx.newRequester();
    const elsewhere = await newOrganisation(ctx.coordinator);
    const postcode = "53909";
    const erased = await person({ homePostcode: postcode, gender: "female", trainings: [{ title: "Trauma und Dolmetschen", date: "2026-05-02" }] });
    const kept = await person();
    await ctx.coordinator.put(`/v1/interpreters/${erased.id}/availability`, { weekly: ALL_WEEK, absences: [{ from: "2027-01-04", to: "2027-01-08", note: "Kur in Bad Kissingen" }] });
    await ctx.coordinator.post(`/v1/interpreters/${erased.id}/blocks`, { organisationId: elsewhere.id, reason: "Streit mit Frau Meier" });

    // Past work, by SMS and directly; then paid in a batch with the kept person's.
    const first = await booking(organisationId, "2026-11-30T10:00:00+01:00");
    await ctx.coordinator.post(`/v1/bookings/${first.id}/offers`, { interpreterIds: [erased.id] });
    await ctx.coordinator.post("/v1/dispatch/tick");
    const greeting = `JA ${first.code} danke, Grüße ${uniqueToken("gruss")}`;
    expect(replyOf(await sendSms(ctx.anonymous, erased.phone, greeting))).toContain(first.code);
    await complete(first.id, "2026-11-30T10:00:00+01:00");
    for (const [who, startsAt] of [[erased, "2026-11-30T14:00:00+01:00"], [kept, "2026-11-30T12:00:00+01:00"]] as const) {
      const job = await booking(organisationId, startsAt);
      await assign(job.id, who.id);
      await complete(job.id, startsAt);
    }
    const batch = (await ctx.finance.post("/v1/exports", { organisationId })).body;
    expect(batch).toMatchObject({ allowanceCount: 3, totalCents: 6000 });
    const before = {
      allowances: csv(await download(`/v1/exports/${batch.id}/allowances.csv`)),
      summary: csv(await download(`/v1/exports/${batch.id}/summary.csv`)),
      datev: iconv.decode(await download(`/v1/exports/${batch.id}/datev.csv`), "win1252"),
    };
    expect((await ctx.finance.post(`/v1/exports/${batch.id}/paid`)).status).toBe(200);

    // Future work: an assignment and an unanswered offer (its SMS still queued).
    const future = await booking(organisationId, "2026-12-02T10:00:00+01:00");
    await assign(future.id, erased.id);
    const offered = await booking(organisationId, "2026-12-03T10:00:00+01:00");
    expect((await ctx.coordinator.post(`/v1/bookings/${offered.id}/offers`, { interpreterIds: [erased.id] })).status).toBe(200);
    const bodies = (await walkPages(ctx.coordinator, `/v1/sms/messages?to=${encodeURIComponent(erased.phone)}&limit=200`)).flatMap((page) => page.items.map((item: { body: string }) => item.body));
    expect(bodies).toContain(greeting);
    expect(bodies.length).toBeGreaterThan(3);
    const textsBefore = sms.to(erased.phone).length;

    const response = await ctx.coordinator.delete(`/v1/interpreters/${erased.id}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const pseudonym = response.body.pseudonym as string;
    expect(response.body).toEqual({ id: erased.id, pseudonym: expect.stringMatching(/^P-[2-9A-HJ-NP-Z]{6}$/), erasedAt: NOW, unassignedBookings: [{ id: future.id, code: future.code }], withdrawnOffers: 1 });

    const dump = await databaseDump();
    expect(dump.tables).toEqual(expect.arrayContaining(["Interpreter", "SmsMessage", "BookingEvent", "Allowance", "InterpreterEvent", "Absence", "InterpreterBlock"]));
    const national = `0${erased.phone.slice(3)}`;
    // The postcode quoted: five digits alone may occur inside ids and numbers.
    for (const value of [erased.name, erased.phone, national, erased.email!, erased.iban!, `"${postcode}"`, "Trauma und Dolmetschen", "Kur in Bad Kissingen", "Streit mit Frau Meier", ...bodies]) {
      expect(dump.text.includes(value), `"${value}" is still in the database`).toBe(false);
    }
    expect(dump.text).toContain(`Gelöscht (${pseudonym})`);
    expect(dump.text).toContain(kept.iban!);
    expect(dump.text).toContain(kept.name);

    // What is left shows only the pseudonym; the record cannot be changed or used.
    expect((await ctx.coordinator.get(`/v1/interpreters/${erased.id}`)).body).toEqual({ id: erased.id, pseudonym, erasedAt: NOW });
    expect((await ctx.finance.get(`/v1/interpreters/${erased.id}`)).body).toEqual({ id: erased.id, pseudonym, erasedAt: NOW });
    const everyone = (await walkPages(ctx.coordinator, "/v1/interpreters?limit=200")).flatMap((page) => page.items.map((item: { id: string }) => item.id));
    expect(everyone).toContain(kept.id);
    expect(everyone).not.toContain(erased.id);
    const again = await ctx.coordinator.delete(`/v1/interpreters/${erased.id}`);
    expectError(again, 409, "CONFLICT");
    expect(again.body.error.details).toMatchObject({ reason: "already_erased", pseudonym });
    const patched = await ctx.coordinator.patch(`/v1/interpreters/${erased.id}`, { name: erased.name });
    expectError(patched, 409, "CONFLICT");
    expect(patched.body.error.details).toMatchObject({ reason: "erased", pseudonym });
    expectError(await ctx.coordinator.put(`/v1/interpreters/${erased.id}/availability`, { weekly: ALL_WEEK, absences: [] }), 409, "CONFLICT");

    const reopened = (await ctx.coordinator.get(`/v1/bookings/${future.id}`)).body;
    expect(reopened).toMatchObject({ status: "open", interpreterId: null, needsAttention: true });
    expect(reopened.history.at(-1)).toMatchObject({ action: "unassigned", from: "assigned", to: "open" });
    const fresh = await booking(organisationId, "2026-12-04T10:00:00+01:00");
    expectValidationError(await ctx.coordinator.post(`/v1/bookings/${fresh.id}/assign`, { interpreterId: erased.id, force: true }), ["interpreterId"]);
    expectValidationError(await ctx.coordinator.post(`/v1/bookings/${fresh.id}/offers`, { interpreterIds: [erased.id] }), ["interpreterIds", 0]);
    const candidates = (await ctx.coordinator.get(`/v1/bookings/${fresh.id}/candidates?includeExcluded=true`)).body;
    const listed = [...candidates.candidates, ...candidates.excluded].map((entry: { interpreter: { id: string } }) => entry.interpreter.id);
    expect(listed).toContain(kept.id);
    expect(listed).not.toContain(erased.id);
    await ctx.coordinator.post("/v1/dispatch/tick");
    expect(sms.to(erased.phone)).toHaveLength(textsBefore);
    expect(sms.sent.filter((message) => message.to.startsWith("erased:"))).toEqual([]);
    expect(replyOf(await sendSms(ctx.anonymous, erased.phone, `JA ${fresh.code}`))).toContain("nicht im Dolmetscherpool eingetragen");

    // Finance: the paid batch's files have the same rows and cents, under the pseudonym.
    const allowances = csv(await download(`/v1/exports/${batch.id}/allowances.csv`));
    expect(allowances).toHaveLength(before.allowances.length);
    expect(sum(allowances.map((row) => cents(row["Betrag (EUR)"]!)))).toBe(batch.totalCents);
    expect(sum(before.allowances.map((row) => cents(row["Betrag (EUR)"]!)))).toBe(batch.totalCents);
    const renamed = allowances.filter((row) => row["Dolmetscher/in"] === `Gelöscht (${pseudonym})`);
    expect(renamed).toHaveLength(2);
    expect(renamed.every((row) => row.IBAN === "")).toBe(true);
    const summary = csv(await download(`/v1/exports/${batch.id}/summary.csv`));
    const totals = (rows: Record<string, string>[]) => rows.map((row) => `${row.Anzahl}|${row["Summe (EUR)"]}`).sort();
    expect(totals(summary)).toEqual(totals(before.summary));
    const datev = iconv.decode(await download(`/v1/exports/${batch.id}/datev.csv`), "win1252");
    expect(datev.split(/\r?\n/).length).toBe(before.datev.split(/\r?\n/).length);
    expect(datev).toContain(`Gelöscht (${pseudonym})`);
    expect(datev).not.toContain(erased.name);
    expect((await ctx.finance.get(`/v1/allowances?interpreterId=${erased.id}`)).body.items.map((item: { amountCents: number }) => item.amountCents)).toEqual([2000, 2000]);
    // SEPA needs the IBAN, which is gone: the paid batch's transfer file now lists the kept person only.
    const sepa = (await download(`/v1/exports/${batch.id}/sepa.xml`)).toString("utf8");
    expect(sepa).toContain(kept.iban!);
    expect(sepa).not.toContain(pseudonym);
    expect((await ctx.finance.get(`/v1/exports/${batch.id}`)).body.sepaSkipped).toEqual([
      { interpreterId: erased.id, name: `Gelöscht (${pseudonym})`, amountCents: 4000, reason: "keine IBAN hinterlegt" },
    ]);

    const left = (await ctx.coordinator.get(`/v1/interpreters/${erased.id}/data-export`)).body;
    expect(left.interpreter).toEqual({ id: erased.id, pseudonym, erasedAt: NOW });
    expect(left.allowances).toHaveLength(2);
    expect(left.smsMessages.length).toBeGreaterThan(0);
    expect(left.smsMessages.every((message: { body: string; redactedAt: string }) => message.body === "" && message.redactedAt === NOW)).toBe(true);
    expect((await history(erased.id)).find((event) => event.action === "erased")).toMatchObject({ actor: { type: "key" } });
  });
});
