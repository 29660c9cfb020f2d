// Finance exports: POST /v1/exports (batches, races), void and paid, and the batch files parsed
// back: allowances.csv, summary.csv, recharge.csv (UTF-8 with BOM, semicolons, decimal comma),
// datev.csv (Windows-1252 EXTF) and sepa.xml (pain.001).
//
// This file runs on a database of its own (embedded, or a scratch database on the PostgreSQL
// server in the "postgres" project): it sets tariffs, which are global, and its exports must not
// meet other files' allowances. Every export still names its own organisation.
import { parse } from "csv-parse/sync";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { isValidIBAN } from "ibantools";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../helpers/assertions";
import { ALL_WEEK, NIL_UUID, UUID } from "../helpers/fixtures";
import { walkPages } from "../helpers/pagination";
import { createTestContext, newInterpreter, type ApiClient, type TestContext } from "../helpers/test-app";
import { privateDatabase, type PrivateDatabase } from "../helpers/test-database";

const NOW = "2026-11-24T08:00:00.000Z"; // Tuesday 09:00 in Berlin
const LANGUAGE = "tet";
const FILES = ["allowances.csv", "summary.csv", "recharge.csv", "datev.csv", "sepa.xml"] as const;
const CONFIG = {
  SEPA_DEBTOR_NAME: "Stadt Düren – Dolmetscherpool",
  SEPA_DEBTOR_IBAN: "DE02120300000000202051",
  SEPA_DEBTOR_BIC: "BYLADEM1001",
  DATEV_CONSULTANT_NUMBER: "1234567",
  DATEV_CLIENT_NUMBER: "4711",
  DATEV_EXPENSE_ACCOUNT: "6330",
  DATEV_CONTRA_ACCOUNT: "1810",
};
const SECOND_IBAN = "DE62370400440532013001";

interface Allowance {
  id: string;
  bookingId: string;
  bookingCode: string;
  interpreterId: string;
  organisationId: string;
  outcome: string;
  serviceDate: string;
  year: number;
  amountCents: number;
  status: string;
  exportBatchId: string | null;
}

interface Batch {
  id: string;
  status: string;
  upTo: string | null;
  organisationId: string | null;
  allowanceCount: number;
  totalCents: number;
  createdAt: string;
  paidAt: string | null;
  voidedAt: string | null;
  files: string[];
}

interface Org {
  id: string;
  client: ApiClient;
}

interface Person {
  id: string;
  name: string;
  iban?: string | null;
}

const ownDatabase = () => privateDatabase("exports", 20);

const plusMinutes = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
/** Cents as the CSV files write them: "1234,56". */
const euro = (cents: number) => `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, "0")}`;
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

describe("finance exports", () => {
  let own: PrivateDatabase | undefined;
  let ctx: TestContext;
  /** The same database with ALLOWANCE_APPROVAL=coordinator. */
  let approvalCtx: TestContext;

  beforeAll(async () => {
    own = await ownDatabase();
    ctx = await createTestContext({ config: CONFIG, deps: { db: own.db } });
    approvalCtx = await createTestContext({ config: { ...CONFIG, ALLOWANCE_APPROVAL: "coordinator" }, deps: { db: own.db } });
  });

  afterAll(async () => {
    await own?.dispose();
  });

  async function organisation(overrides: Record<string, unknown> = {}): Promise<Org> {
    const created = await ctx.newRequester(overrides);
    return { id: created.organisationId, client: created.client };
  }

  async function interpreter(overrides: Record<string, unknown> = {}): Promise<Person> {
    const person = await newInterpreter(ctx.coordinator, { languages: [{ code: LANGUAGE, level: "native" }], ...overrides });
    const availability = await ctx.coordinator.put(`/v1/interpreters/${person.id}/availability`, { weekly: ALL_WEEK, absences: [] });
    expect(availability.status, JSON.stringify(availability.body)).toBe(200);
    return person;
  }

  /** A booking with `person` assigned, completed at its booked end (the clock moves there and back); its one allowance. */
  async function completedJob(
    organisationId: string,
    person: Person,
    startsAt: string,
    completion: Record<string, unknown> = { outcome: "done" },
    options: { durationMinutes?: number; context?: TestContext } = {},
  ): Promise<Allowance> {
    const context = options.context ?? ctx;
    const durationMinutes = options.durationMinutes ?? 60;
    const created = await context.coordinator.post("/v1/bookings", { organisationId, language: LANGUAGE, startsAt, durationMinutes, mode: "phone" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const assigned = await context.coordinator.post(`/v1/bookings/${created.body.id}/assign`, { interpreterId: person.id });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    context.clock.set(plusMinutes(startsAt, durationMinutes));
    try {
      const completed = await context.coordinator.post(`/v1/bookings/${created.body.id}/complete`, completion);
      expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    } finally {
      context.clock.set(NOW);
    }
    const allowance = (await allowancesWhere(`interpreterId=${person.id}`)).find((item) => item.bookingId === created.body.id);
    expect(allowance).toBeDefined();
    return allowance!;
  }

  async function allowancesWhere(query: string): Promise<Allowance[]> {
    const pages = await walkPages(ctx.finance, `/v1/allowances?limit=100&${query}`);
    return pages.flatMap((page) => page.items as Allowance[]);
  }

  async function batchesOf(organisationId: string): Promise<Batch[]> {
    const pages = await walkPages(ctx.finance, "/v1/exports?limit=100");
    return pages.flatMap((page) => page.items as Batch[]).filter((batch) => batch.organisationId === organisationId);
  }

  async function exportOf(organisationId: string, client: ApiClient = ctx.finance, extra: Record<string, unknown> = {}): Promise<Batch> {
    const response = await client.post("/v1/exports", { organisationId, ...extra });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body;
  }

  /** A file as raw bytes (the ApiClient decodes as UTF-8 and would drop the BOM). */
  async function download(path: string, client: ApiClient = ctx.finance) {
    const response = await ctx.app.request(path, { headers: client.key ? { authorization: `Bearer ${client.key}` } : {} });
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(response.status, bytes.toString("utf8")).toBe(200);
    return { bytes, headers: response.headers };
  }

  /** A UTF-8 CSV with BOM, parsed into records by its header line. */
  async function csvRecords(path: string): Promise<Record<string, string>[]> {
    const { bytes, headers } = await download(path);
    expect(headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.csv"$/);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString("utf8")).toMatch(/\r\n$/);
    return parse(bytes, { bom: true, delimiter: ";", columns: true, skip_empty_lines: true }) as Record<string, string>[];
  }

  describe("POST /v1/exports", () => {
    it("answers requesters with 403 and calls without a key with 401", async () => {
      const org = await organisation();
      await completedJob(org.id, await interpreter(), "2026-11-25T10:00:00+01:00");
      expectError(await org.client.post("/v1/exports", { organisationId: org.id }), 403, "FORBIDDEN");
      expectError(await ctx.anonymous.post("/v1/exports", { organisationId: org.id }), 401, "UNAUTHORIZED");
      expectError(await org.client.get("/v1/exports"), 403, "FORBIDDEN");
      expectError(await ctx.anonymous.get("/v1/exports"), 401, "UNAUTHORIZED");
      expect(await batchesOf(org.id)).toEqual([]);
      expect((await allowancesWhere(`organisationId=${org.id}`)).map((allowance) => allowance.status)).toEqual(["approved"]);

      const batch = await exportOf(org.id, ctx.coordinator);
      expectError(await org.client.get(`/v1/exports/${batch.id}`), 403, "FORBIDDEN");
      for (const file of FILES) expectError(await org.client.get(`/v1/exports/${batch.id}/${file}`), 403, "FORBIDDEN");
      expectError(await ctx.anonymous.get(`/v1/exports/${batch.id}/allowances.csv`), 401, "UNAUTHORIZED");
      expectError(await org.client.post(`/v1/exports/${batch.id}/void`), 403, "FORBIDDEN");
      expectError(await org.client.post(`/v1/exports/${batch.id}/paid`), 403, "FORBIDDEN");
      expect((await ctx.finance.get(`/v1/exports/${batch.id}`)).body.status).toBe("exported");
    });

    it("moves the approved allowances into one batch, and with nothing left answers 409 without an empty batch", async () => {
      const org = await organisation();
      const person = await interpreter();
      const done = [
        await completedJob(org.id, person, "2026-11-25T10:00:00+01:00"),
        await completedJob(org.id, person, "2026-11-25T12:00:00+01:00", { outcome: "client_no_show" }),
        await completedJob(org.id, person, "2026-11-25T14:00:00+01:00", { outcome: "interpreter_no_show" }),
      ];
      expect(done.map((allowance) => allowance.amountCents)).toEqual([2000, 2000, 0]);
      // Pending (not yet approved) allowances stay behind.
      const pending = await completedJob(org.id, await interpreter(), "2026-11-26T10:00:00+01:00", { outcome: "done" }, { context: approvalCtx });
      expect(pending.status).toBe("pending");

      const batch = await exportOf(org.id);
      expect(batch).toEqual({
        id: expect.stringMatching(UUID),
        status: "exported",
        upTo: null,
        organisationId: org.id,
        allowanceCount: 3,
        totalCents: 4000,
        createdAt: NOW,
        paidAt: null,
        voidedAt: null,
        files: FILES.map((file) => `/v1/exports/${batch.id}/${file}`),
      });
      const after = await allowancesWhere(`organisationId=${org.id}`);
      for (const allowance of after) {
        expect(allowance, allowance.outcome).toMatchObject(
          allowance.id === pending.id ? { status: "pending", exportBatchId: null } : { status: "exported", exportBatchId: batch.id },
        );
      }
      const detail = await ctx.finance.get(`/v1/exports/${batch.id}`);
      expect(detail.status, JSON.stringify(detail.body)).toBe(200);
      expect(detail.body).toEqual({ ...batch, sepaSkipped: [] });

      expectError(await ctx.finance.post("/v1/exports", { organisationId: org.id }), 409, "CONFLICT");
      expectError(await ctx.coordinator.post("/v1/exports", { organisationId: org.id }), 409, "CONFLICT");
      expect(await batchesOf(org.id)).toEqual([batch]);

      // Approved later, exported in a batch of its own.
      expect((await approvalCtx.coordinator.post(`/v1/allowances/${pending.id}/approve`)).status).toBe(200);
      const second = await exportOf(org.id, ctx.coordinator);
      expect(second).toMatchObject({ allowanceCount: 1, totalCents: 2000, organisationId: org.id });
      expect((await batchesOf(org.id)).map((item) => item.id).sort()).toEqual([batch.id, second.id].sort());

      // Another organisation, or one unknown, has nothing waiting.
      const empty = await organisation();
      expectError(await ctx.finance.post("/v1/exports", { organisationId: empty.id }), 409, "CONFLICT");
      expectError(await ctx.finance.post("/v1/exports", { organisationId: NIL_UUID }), 409, "CONFLICT");
      expect(await batchesOf(empty.id)).toEqual([]);
      expect(await batchesOf(NIL_UUID)).toEqual([]);
      expectError(await ctx.finance.post("/v1/exports", { organisationId: "not-an-id" }), 404, "NOT_FOUND");
    });

    it("exports only jobs up to `upTo` when given", async () => {
      const org = await organisation();
      const person = await interpreter();
      const early = await completedJob(org.id, person, "2026-12-01T10:00:00+01:00");
      const late = await completedJob(org.id, person, "2026-12-10T10:00:00+01:00");
      const first = await exportOf(org.id, ctx.finance, { upTo: "2026-12-05T00:00:00+01:00" });
      expect(first).toMatchObject({ allowanceCount: 1, totalCents: early.amountCents, upTo: "2026-12-04T23:00:00.000Z" });
      expect((await allowancesWhere(`organisationId=${org.id}&status=approved`)).map((allowance) => allowance.id)).toEqual([late.id]);
      expectError(await ctx.finance.post("/v1/exports", { organisationId: org.id, upTo: "2026-12-05T00:00:00+01:00" }), 409, "CONFLICT");
      expect(await exportOf(org.id)).toMatchObject({ allowanceCount: 1, totalCents: late.amountCents, upTo: null });
    });

    it("splits simultaneous exports: every allowance in exactly one batch, the sums agree, the other calls 409", async () => {
      const org = await organisation();
      const people = [await interpreter(), await interpreter(), await interpreter()];
      const approved: Allowance[] = [];
      for (const [index, person] of people.entries()) {
        for (let day = 0; day < 4; day += 1) {
          const startsAt = `2026-12-${String(1 + day).padStart(2, "0")}T${String(9 + index * 2).padStart(2, "0")}:00:00+01:00`;
          approved.push(await completedJob(org.id, person, startsAt, { outcome: "done" }));
        }
      }
      expect(approved.every((allowance) => allowance.status === "approved")).toBe(true);

      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? ctx.finance : ctx.coordinator).post("/v1/exports", { organisationId: org.id })),
      );
      const created = responses.filter((response) => response.status === 201).map((response) => response.body as Batch);
      expect(created.length).toBeGreaterThanOrEqual(1);
      for (const response of responses.filter((r) => r.status !== 201)) expectError(response, 409, "CONFLICT");
      expect(created.length + responses.filter((r) => r.status === 409).length).toBe(10);

      const after = await allowancesWhere(`organisationId=${org.id}`);
      expect(after.map((allowance) => allowance.id).sort()).toEqual(approved.map((allowance) => allowance.id).sort());
      const batchIds = new Set(created.map((batch) => batch.id));
      for (const allowance of after) {
        expect(allowance.status).toBe("exported");
        expect(batchIds.has(allowance.exportBatchId!)).toBe(true);
      }
      for (const batch of created) {
        const inBatch = after.filter((allowance) => allowance.exportBatchId === batch.id);
        expect(batch.allowanceCount).toBe(inBatch.length);
        expect(batch.totalCents).toBe(sum(inBatch.map((allowance) => allowance.amountCents)));
        expect(batch.allowanceCount).toBeGreaterThan(0);
      }
      expect(sum(created.map((batch) => batch.allowanceCount))).toBe(approved.length);
      expect(sum(created.map((batch) => batch.totalCents))).toBe(sum(approved.map((allowance) => allowance.amountCents)));
      // No empty batch was stored by the calls that lost.
      expect((await batchesOf(org.id)).map((batch) => batch.id).sort()).toEqual([...batchIds].sort());
    });
  });

  describe("void and paid", () => {
    it("voids a batch before it is paid: its allowances are approved again, can be exported again and then paid", async () => {
      const org = await organisation();
      const person = await interpreter();
      const allowances = [
        await completedJob(org.id, person, "2026-11-27T10:00:00+01:00"),
        await completedJob(org.id, person, "2026-11-27T13:00:00+01:00", { outcome: "client_no_show" }),
      ];
      const first = await exportOf(org.id);
      expect(first.allowanceCount).toBe(2);

      ctx.clock.set("2026-12-01T09:00:00Z");
      try {
        const voided = await ctx.finance.post(`/v1/exports/${first.id}/void`);
        expect(voided.status, JSON.stringify(voided.body)).toBe(200);
        expect(voided.body).toEqual({ ...first, status: "voided", voidedAt: "2026-12-01T09:00:00.000Z" });
      } finally {
        ctx.clock.set(NOW);
      }
      const back = await allowancesWhere(`organisationId=${org.id}`);
      expect(back.map((allowance) => [allowance.id, allowance.status, allowance.exportBatchId]).sort()).toEqual(
        allowances.map((allowance) => [allowance.id, "approved", null]).sort(),
      );
      expect((await ctx.finance.get(`/v1/exports/${first.id}`)).body).toMatchObject({ status: "voided", allowanceCount: 2, totalCents: first.totalCents });
      for (const file of FILES) expectError(await ctx.finance.get(`/v1/exports/${first.id}/${file}`), 409, "CONFLICT");
      expectError(await ctx.finance.post(`/v1/exports/${first.id}/void`), 409, "INVALID_TRANSITION");
      expectError(await ctx.finance.post(`/v1/exports/${first.id}/paid`), 409, "INVALID_TRANSITION");

      const second = await exportOf(org.id, ctx.coordinator);
      expect(second.id).not.toBe(first.id);
      expect(second).toMatchObject({ status: "exported", allowanceCount: 2, totalCents: first.totalCents });
      expect((await allowancesWhere(`organisationId=${org.id}`)).every((allowance) => allowance.exportBatchId === second.id && allowance.status === "exported")).toBe(true);

      ctx.clock.set("2026-12-05T09:00:00Z");
      try {
        const paid = await ctx.finance.post(`/v1/exports/${second.id}/paid`);
        expect(paid.status, JSON.stringify(paid.body)).toBe(200);
        expect(paid.body).toEqual({ ...second, status: "paid", paidAt: "2026-12-05T09:00:00.000Z" });
      } finally {
        ctx.clock.set(NOW);
      }
      expect((await allowancesWhere(`organisationId=${org.id}`)).map((allowance) => [allowance.status, allowance.exportBatchId])).toEqual([
        ["paid", second.id],
        ["paid", second.id],
      ]);
      expectError(await ctx.finance.post(`/v1/exports/${second.id}/void`), 409, "INVALID_TRANSITION");
      expectError(await ctx.coordinator.post(`/v1/exports/${second.id}/paid`), 409, "INVALID_TRANSITION");
      expect((await allowancesWhere(`organisationId=${org.id}&status=paid`))).toHaveLength(2);
      expectError(await ctx.finance.post("/v1/exports", { organisationId: org.id }), 409, "CONFLICT");
      // A paid batch's files stay available.
      expect((await csvRecords(`/v1/exports/${second.id}/allowances.csv`)).length).toBe(2);

      for (const id of [NIL_UUID, "not-an-id"]) {
        expectError(await ctx.finance.get(`/v1/exports/${id}`), 404, "NOT_FOUND");
        expectError(await ctx.finance.post(`/v1/exports/${id}/void`), 404, "NOT_FOUND");
        expectError(await ctx.finance.post(`/v1/exports/${id}/paid`), 404, "NOT_FOUND");
        expectError(await ctx.finance.get(`/v1/exports/${id}/allowances.csv`), 404, "NOT_FOUND");
      }
    });
  });

  describe("a batch across the New Year", () => {
    it("allowances.csv counts each row against the cap of its service date's local year", async () => {
      // A cap of 30 EUR: the second 20 EUR of a year passes it. 00:30 on New Year's Day in Berlin
      // is still 31 December in UTC: it starts 2027's count, not the third of 2026.
      const capped = await createTestContext({ config: { ...CONFIG, ALLOWANCE_YEARLY_CAPS: "2026:3000" }, deps: { db: own!.db } });
      const org = await organisation();
      const person = await interpreter({ name: "Nour Jahreswechsel" });
      const starts = ["2026-12-31T18:00:00+01:00", "2027-01-01T00:30:00+01:00", "2027-01-01T10:00:00+01:00"];
      const allowances = [];
      for (const startsAt of starts) allowances.push(await completedJob(org.id, person, startsAt, { outcome: "done" }, { context: capped }));
      expect(allowances.map((allowance) => [allowance.year, allowance.amountCents])).toEqual([[2026, 2000], [2027, 2000], [2027, 2000]]);
      capped.clock.set("2027-01-02T08:00:00.000Z");
      let batch: Batch;
      try {
        const response = await capped.finance.post("/v1/exports", { organisationId: org.id });
        expect(response.status, JSON.stringify(response.body)).toBe(201);
        batch = response.body;
      } finally {
        capped.clock.set(NOW);
      }
      const response = await capped.app.request(`/v1/exports/${batch.id}/allowances.csv`, { headers: { authorization: `Bearer ${capped.finance.key}` } });
      expect(response.status).toBe(200);
      const records = parse(Buffer.from(await response.arrayBuffer()), { bom: true, delimiter: ";", columns: true }) as Record<string, string>[];
      expect(records.map((record) => [record["Einsatz-Nr."], record.Datum, record["Über Jahresgrenze"]])).toEqual([
        [allowances[0]!.bookingCode, "31.12.2026", "nein"],
        [allowances[1]!.bookingCode, "01.01.2027", "nein"],
        [allowances[2]!.bookingCode, "01.01.2027", "ja"],
      ]);
    });
  });

  describe("the batch files", () => {
    const ORG_NAME = "Jugendamt Düren – Außenstelle Süd";
    const COST_CENTRE = "KST 51.10";
    const EXPORTED_AT = "2026-12-20T09:00:00.000Z";
    let org: Org;
    let jurgen: Person;
    let zoe: Person;
    let chidi: Person;
    let earlier: Allowance;
    let rows: Allowance[];
    let batch: Batch;

    beforeAll(async () => {
      org = await organisation({ name: ORG_NAME, costCentre: COST_CENTRE, municipality: "Düren" });
      // 200 EUR per hour, per started quarter, plus 0,30 EUR/km: big amounts reach the yearly cap (960 EUR) quickly.
      const tariffs = await ctx.coordinator.put("/v1/tariffs", {
        tariffs: [
          { validFrom: "2026-01-01", model: { kind: "flat", amountCents: 2000 } },
          { validFrom: "2026-01-01", organisationId: org.id, model: { kind: "hourly", centsPerHour: 20000, roundingMinutes: 15 }, travelCentsPerKm: 30 },
        ],
      });
      expect(tariffs.status, JSON.stringify(tariffs.body)).toBe(200);
      jurgen = await interpreter({ name: "Jürgen Äbel-Groß", iban: "DE89 3704 0044 0532 0130 00" });
      zoe = await interpreter({ name: "Zoë Ohnekonto", iban: null });
      chidi = await interpreter({ name: "Chidi Okafor", iban: SECOND_IBAN });

      // Exported and paid earlier in the year: counts towards Jürgen's year.
      earlier = await completedJob(org.id, jurgen, "2026-12-01T10:00:00+01:00", { outcome: "done", actualMinutes: 120 }, { durationMinutes: 120 });
      expect(earlier.amountCents).toBe(40000);
      const previous = await exportOf(org.id);
      expect((await ctx.finance.post(`/v1/exports/${previous.id}/paid`)).status).toBe(200);

      rows = [
        await completedJob(org.id, jurgen, "2026-12-14T10:00:00+01:00", { outcome: "done", actualMinutes: 90, travelKm: 12 }, { durationMinutes: 120 }),
        await completedJob(org.id, jurgen, "2026-12-15T10:00:00+01:00", { outcome: "done", actualMinutes: 120 }, { durationMinutes: 120 }),
        await completedJob(org.id, zoe, "2026-12-16T10:00:00+01:00", { outcome: "done", actualMinutes: 61 }, { durationMinutes: 120 }),
        await completedJob(org.id, chidi, "2026-12-17T10:00:00+01:00", { outcome: "client_no_show" }, { durationMinutes: 60 }),
        await completedJob(org.id, chidi, "2026-12-18T10:00:00+01:00", { outcome: "interpreter_no_show" }, { durationMinutes: 60 }),
      ];
      expect(rows.map((allowance) => allowance.amountCents)).toEqual([30360, 40000, 25000, 20000, 0]);

      ctx.clock.set(EXPORTED_AT);
      try {
        batch = await exportOf(org.id);
      } finally {
        ctx.clock.set(NOW);
      }
      expect(batch).toMatchObject({ allowanceCount: 5, totalCents: 115360, createdAt: EXPORTED_AT });
    });

    const nameOf = (id: string) => [jurgen, zoe, chidi].find((person) => person.id === id)!.name;
    const ibanOf = (id: string) => ({ [jurgen.id]: "DE89370400440532013000", [zoe.id]: "", [chidi.id]: SECOND_IBAN })[id]!;

    it("allowances.csv: one row per allowance in service order, amounts with decimal comma, flagged beyond the yearly cap", async () => {
      const records = await csvRecords(`/v1/exports/${batch.id}/allowances.csv`);
      const outcomes = ["durchgeführt", "durchgeführt", "durchgeführt", "Klient/in nicht erschienen", "Dolmetscher/in nicht erschienen"];
      const dates = ["14.12.2026", "15.12.2026", "16.12.2026", "17.12.2026", "18.12.2026"];
      // Jürgen: 400,00 before this batch, then 703,60 → 1103,60 passes 960,00 with the second row.
      const overCap = ["nein", "ja", "nein", "nein", "nein"];
      expect(records).toEqual(
        rows.map((allowance, index) => ({
          "Dolmetscher/in": nameOf(allowance.interpreterId),
          IBAN: ibanOf(allowance.interpreterId),
          "Einsatz-Nr.": allowance.bookingCode,
          Datum: dates[index],
          Organisation: ORG_NAME,
          Kostenstelle: COST_CENTRE,
          Ergebnis: outcomes[index],
          "Betrag (EUR)": euro(allowance.amountCents),
          "Über Jahresgrenze": overCap[index],
        })),
      );
      expect(records.map((record) => record["Betrag (EUR)"])).toEqual(["303,60", "400,00", "250,00", "200,00", "0,00"]);
    });

    it("summary.csv: per interpreter the count, the batch total, the year to date and the cap flag", async () => {
      const records = await csvRecords(`/v1/exports/${batch.id}/summary.csv`);
      expect(records).toEqual([
        {
          "Dolmetscher/in": "Chidi Okafor",
          IBAN: SECOND_IBAN,
          Jahr: "2026",
          Anzahl: "2",
          "Summe (EUR)": "200,00",
          "Jahr bisher (EUR)": "200,00",
          "Jahresgrenze (EUR)": "960,00",
          "Über Jahresgrenze": "nein",
        },
        {
          "Dolmetscher/in": "Jürgen Äbel-Groß",
          IBAN: "DE89370400440532013000",
          Jahr: "2026",
          Anzahl: "2",
          "Summe (EUR)": "703,60",
          "Jahr bisher (EUR)": "1103,60",
          "Jahresgrenze (EUR)": "960,00",
          "Über Jahresgrenze": "ja",
        },
        {
          "Dolmetscher/in": "Zoë Ohnekonto",
          IBAN: "",
          Jahr: "2026",
          Anzahl: "1",
          "Summe (EUR)": "250,00",
          "Jahr bisher (EUR)": "250,00",
          "Jahresgrenze (EUR)": "960,00",
          "Über Jahresgrenze": "nein",
        },
      ]);
      const batchCents = records.map((record) => Number(record["Summe (EUR)"]!.replace(",", "")));
      expect(sum(batchCents)).toBe(batch.totalCents);
    });

    it("recharge.csv: totals per organisation and cost centre", async () => {
      const records = await csvRecords(`/v1/exports/${batch.id}/recharge.csv`);
      expect(records).toEqual([{ Organisation: ORG_NAME, Kostenstelle: COST_CENTRE, Gemeinde: "Düren", Anzahl: "5", "Summe (EUR)": "1153,60" }]);
    });

    it("datev.csv: an EXTF Buchungsstapel in Windows-1252 with the configured numbers and accounts", async () => {
      const { bytes, headers } = await download(`/v1/exports/${batch.id}/datev.csv`);
      expect(headers.get("content-type")).toBe("text/csv; charset=windows-1252");
      // Windows-1252, not UTF-8: "ä" is the single byte E4.
      expect(bytes.includes(Buffer.from("ä", "utf8"))).toBe(false);
      expect(bytes.includes(Buffer.from([0xe4]))).toBe(true);
      const text = iconv.decode(bytes, "win1252");
      const lines = text.split("\r\n");
      expect(lines.at(-1)).toBe("");
      expect(lines[0]).toMatch(/^"EXTF";700;21;"Buchungsstapel";13;/);

      const [header, columns, ...bookings] = parse(text, { delimiter: ";", relax_column_count: true, relax_quotes: true }) as string[][];
      expect(header!.slice(0, 5)).toEqual(["EXTF", "700", "21", "Buchungsstapel", "13"]);
      // "Erzeugt am" in local (Berlin) time, to the millisecond.
      const berlin = new Date(batch.createdAt).toLocaleString("sv-SE", { timeZone: "Europe/Berlin" }).replace(/\D/g, "");
      expect(header![5]).toBe(`${berlin}${batch.createdAt.slice(20, 23)}`);
      expect(header![10]).toBe(CONFIG.DATEV_CONSULTANT_NUMBER);
      expect(header![11]).toBe(CONFIG.DATEV_CLIENT_NUMBER);
      expect(header![12]).toBe("20260101");
      expect(header!.slice(14, 16)).toEqual(["20261214", "20261218"]);
      expect(header!.at(-1)).toBe("EUR");
      expect(columns).toEqual([
        "Umsatz (ohne Soll/Haben-Kz)",
        "Soll/Haben-Kennzeichen",
        "WKZ Umsatz",
        "Kurs",
        "Basis-Umsatz",
        "WKZ Basis-Umsatz",
        "Konto",
        "Gegenkonto (ohne BU-Schlüssel)",
        "BU-Schlüssel",
        "Belegdatum",
        "Belegfeld 1",
        "Belegfeld 2",
        "Skonto",
        "Buchungstext",
      ]);

      // Bookings of nothing (the interpreter no-show) are left out.
      const paid = rows.filter((allowance) => allowance.amountCents > 0);
      expect(bookings).toHaveLength(paid.length);
      for (const [index, allowance] of paid.entries()) {
        const booking = bookings[index]!;
        expect(booking).toHaveLength(14);
        const day = String(14 + index).padStart(2, "0");
        expect(booking[0]).toBe(euro(allowance.amountCents));
        expect(booking.slice(1, 3)).toEqual(["S", "EUR"]);
        expect(booking[6]).toBe(CONFIG.DATEV_EXPENSE_ACCOUNT);
        expect(booking[7]).toBe(CONFIG.DATEV_CONTRA_ACCOUNT);
        expect(booking[9]).toBe(`${day}12`);
        expect(booking[10]).toBe(allowance.bookingCode);
        expect(booking[13]).toBe(`Aufwandsentschädigung ${nameOf(allowance.interpreterId)} ${allowance.bookingCode}`.slice(0, 60));
      }
      expect(bookings[0]![13]).toContain("Aufwandsentschädigung Jürgen Äbel-Groß");
      expect(bookings.map((booking) => booking[0])).toEqual(["303,60", "400,00", "250,00", "200,00"]);
      expect(sum(bookings.map((booking) => Number(booking[0]!.replace(",", ""))))).toBe(batch.totalCents);
    });

    it("sepa.xml: one transfer per interpreter with a valid IBAN, the group header's count and sum agree; the one without IBAN is listed as skipped", async () => {
      const { bytes, headers } = await download(`/v1/exports/${batch.id}/sepa.xml`);
      expect(headers.get("content-type")).toBe("application/xml; charset=utf-8");
      const xml = bytes.toString("utf8");
      expect(XMLValidator.validate(xml)).toBe(true);
      const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", parseTagValue: false, isArray: (name) => name === "CdtTrfTxInf" || name === "PmtInf" });
      const document = parser.parse(xml).Document;
      expect(document["@xmlns"]).toBe("urn:iso:std:iso:20022:tech:xsd:pain.001.001.09");
      const initiation = document.CstmrCdtTrfInitn;
      const [payment] = initiation.PmtInf;
      const transfers = payment.CdtTrfTxInf as {
        PmtId: { EndToEndId: string };
        Amt: { InstdAmt: { "#text": string; "@Ccy": string } };
        Cdtr: { Nm: string };
        CdtrAcct: { Id: { IBAN: string } };
      }[];
      const toCents = (amount: string) => {
        expect(amount).toMatch(/^\d+\.\d{2}$/);
        return Number(amount.replace(".", ""));
      };

      expect(initiation.GrpHdr.NbOfTxs).toBe(String(transfers.length));
      // Creation time as the bank reads an ISODateTime without offset: local (Berlin) time.
      expect(initiation.GrpHdr.CreDtTm).toBe(new Date(batch.createdAt).toLocaleString("sv-SE", { timeZone: "Europe/Berlin" }).replace(" ", "T"));
      expect(toCents(initiation.GrpHdr.CtrlSum)).toBe(sum(transfers.map((transfer) => toCents(transfer.Amt.InstdAmt["#text"]))));
      expect(payment.NbOfTxs).toBe(initiation.GrpHdr.NbOfTxs);
      expect(payment.CtrlSum).toBe(initiation.GrpHdr.CtrlSum);
      expect(payment.DbtrAcct.Id.IBAN).toBe(CONFIG.SEPA_DEBTOR_IBAN);
      expect(payment.DbtrAgt.FinInstnId.BICFI).toBe(CONFIG.SEPA_DEBTOR_BIC);
      expect(payment.ReqdExctnDt.Dt).toBe("2026-12-20");

      // Per interpreter with an IBAN: the total of their allowances in this batch.
      const expected = new Map<string, number>();
      for (const allowance of rows) {
        const iban = ibanOf(allowance.interpreterId);
        if (iban) expected.set(iban, (expected.get(iban) ?? 0) + allowance.amountCents);
      }
      expect(new Map(transfers.map((transfer) => [transfer.CdtrAcct.Id.IBAN, toCents(transfer.Amt.InstdAmt["#text"])]))).toEqual(expected);
      expect(expected).toEqual(new Map([["DE89370400440532013000", 70360], [SECOND_IBAN, 20000]]));
      for (const transfer of transfers) {
        expect(isValidIBAN(transfer.CdtrAcct.Id.IBAN)).toBe(true);
        expect(transfer.Amt.InstdAmt["@Ccy"]).toBe("EUR");
        expect(transfer.PmtId.EndToEndId.length).toBeLessThanOrEqual(35);
      }
      expect(new Set(transfers.map((transfer) => transfer.PmtId.EndToEndId)).size).toBe(transfers.length);
      expect(transfers.map((transfer) => transfer.Cdtr.Nm).sort()).toEqual(["Chidi Okafor", "Juergen Aebel-Gross"]);
      expect(xml).not.toContain("Ohnekonto");

      const detail = await ctx.finance.get(`/v1/exports/${batch.id}`);
      expect(detail.body.sepaSkipped).toEqual([{ interpreterId: zoe.id, name: "Zoë Ohnekonto", amountCents: 25000, reason: "keine IBAN hinterlegt" }]);
      expect(sum(transfers.map((transfer) => toCents(transfer.Amt.InstdAmt["#text"]))) + 25000).toBe(batch.totalCents);
    });

    it("sepa.xml answers 409 without SEPA_DEBTOR_IBAN; the other files are still there", async () => {
      const unconfigured = await createTestContext({ deps: { db: ctx.deps.db } });
      expectError(await unconfigured.finance.get(`/v1/exports/${batch.id}/sepa.xml`), 409, "CONFLICT");
      for (const file of FILES.filter((name) => name !== "sepa.xml")) {
        expect((await unconfigured.finance.get(`/v1/exports/${batch.id}/${file}`)).status, file).toBe(200);
      }
      expect((await ctx.coordinator.get(`/v1/exports/${batch.id}/sepa.xml`)).status).toBe(200);
    });
  });
});
