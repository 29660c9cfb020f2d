// Committee reports: GET /v1/reports/summary over a small fixed data set built through the API,
// every figure checked against values counted by hand (written out below), including bookings on
// both sides of the 2026 daylight-saving changes and at local midnights of month boundaries; the
// CSV parsed back; roles and bad periods.
//
// Reports are pool-wide, so this file runs on a database of its own.
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, expectValidationError } from "../helpers/assertions";
import { ALL_WEEK } from "../helpers/fixtures";
import { createTestContext, newInterpreter, type ApiClient, type TestContext } from "../helpers/test-app";
import { privateDatabase, type PrivateDatabase } from "../helpers/test-database";

const PERIOD = "from=2026-03-01&to=2026-10-31";

describe("GET /v1/reports/summary", () => {
  let own: PrivateDatabase | undefined;
  let ctx: TestContext;
  /** The same database with ALLOWANCE_APPROVAL=coordinator, for pending and rejected allowances. */
  let approvalCtx: TestContext;
  const orgs: Record<"jobcenter" | "school" | "clinic", { id: string; client: ApiClient }> = {} as never;
  const people: Record<"p1" | "p2" | "p3" | "p4" | "p5", string> = {} as never;

  async function book(context: TestContext, org: { id: string }, language: string, startsAt: string, createdAt: string): Promise<string> {
    context.clock.set(createdAt);
    const created = await context.coordinator.post("/v1/bookings", { organisationId: org.id, language, startsAt, durationMinutes: 60, mode: "phone" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id;
  }

  async function act(context: TestContext, at: string, path: string, body?: unknown, client: ApiClient = context.coordinator) {
    context.clock.set(at);
    const response = await client.post(path, body);
    expect(response.status, `${path} ${JSON.stringify(response.body)}`).toBeLessThan(300);
    return response.body;
  }

  const assign = (context: TestContext, id: string, interpreterId: string, at: string) => act(context, at, `/v1/bookings/${id}/assign`, { interpreterId });
  const complete = (context: TestContext, id: string, at: string, body: Record<string, unknown>) => act(context, at, `/v1/bookings/${id}/complete`, body);
  const cancel = (context: TestContext, id: string, at: string, body: Record<string, unknown>, client?: ApiClient) =>
    act(context, at, `/v1/bookings/${id}/cancel`, { reason: "Termin entfällt", ...body }, client);

  beforeAll(async () => {
    own = await privateDatabase("reports", 20);
    ctx = await createTestContext({ deps: { db: own.db } });
    approvalCtx = await createTestContext({ config: { ALLOWANCE_APPROVAL: "coordinator" }, deps: { db: own.db } });
    const tariff = await ctx.coordinator.put("/v1/tariffs", {
      tariffs: [{ validFrom: "2026-01-01", model: { kind: "flat", amountCents: 2000 }, travelCentsPerKm: 30, lateCancellation: { hours: 24, pay: { kind: "amount", amountCents: 1500 } } }],
    });
    expect(tariff.status, JSON.stringify(tariff.body)).toBe(200);

    for (const [key, overrides] of [
      ["jobcenter", { kind: "authority", municipality: "Düren" }],
      ["school", { kind: "school", municipality: "Jülich" }],
      ["clinic", { kind: "clinic", municipality: "Düren" }],
    ] as const) {
      const created = await ctx.newRequester(overrides);
      orgs[key] = { id: created.organisationId, client: created.client };
    }
    for (const [key, codes] of [["p1", ["ar"]], ["p2", ["ar", "fa"]], ["p3", ["fa"]], ["p4", ["ti"]], ["p5", ["ti"]]] as const) {
      const person = await newInterpreter(ctx.coordinator, { languages: codes.map((code) => ({ code, level: "native" })), modes: ["phone"] });
      expect((await ctx.coordinator.put(`/v1/interpreters/${person.id}/availability`, { weekly: ALL_WEEK, absences: [] })).status).toBe(200);
      people[key] = person.id;
    }
    expect((await ctx.coordinator.patch(`/v1/interpreters/${people.p5}`, { active: false })).status).toBe(200);
    const { jobcenter, school, clinic } = orgs;
    const { p1, p2, p3 } = people;

    // X1, before the period: 28.02. 23:30 local (CET) – completed, paid.
    const x1 = await book(ctx, jobcenter, "ar", "2026-02-28T23:30:00+01:00", "2026-02-20T08:00:00Z");
    await assign(ctx, x1, p1, "2026-02-20T08:10:00Z");
    await complete(ctx, x1, "2026-03-01T00:00:00Z", { outcome: "done" });
    // B1: 01.03. 00:30 local = 28.02. 23:30 UTC – March. Assigned after 30 min, done with 10 km (2000 + 300).
    const b1 = await book(ctx, jobcenter, "ar", "2026-03-01T00:30:00+01:00", "2026-02-20T09:00:00Z");
    await assign(ctx, b1, p1, "2026-02-20T09:30:00Z");
    await complete(ctx, b1, "2026-03-01T02:00:00Z", { outcome: "done", travelKm: 10 });
    // B2: 29.03. 00:30, the night the clocks go forward – client no-show (paid as done: 2000). 90 min.
    const b2 = await book(ctx, jobcenter, "ar", "2026-03-29T00:30:00+01:00", "2026-03-20T08:00:00Z");
    await assign(ctx, b2, p2, "2026-03-20T09:30:00Z");
    await complete(ctx, b2, "2026-03-29T06:00:00Z", { outcome: "client_no_show" });
    // B3: 29.03. 10:00 CEST – done (2000). 120 min.
    const b3 = await book(ctx, clinic, "fa", "2026-03-29T10:00:00+02:00", "2026-03-25T08:00:00Z");
    await assign(ctx, b3, p3, "2026-03-25T10:00:00Z");
    await complete(ctx, b3, "2026-03-29T12:00:00Z", { outcome: "done" });
    // B4: 01.04. 00:30 CEST = 31.03. 22:30 UTC – April; nobody assigned, the tick marks it unfilled.
    await book(ctx, school, "ar", "2026-04-01T00:30:00+02:00", "2026-03-25T10:00:00Z");
    ctx.clock.set("2026-04-01T06:00:00Z");
    expect((await ctx.coordinator.post("/v1/dispatch/tick")).body.unfilled).toBe(1);
    // Batch 1 (X1, B1, B2, B3) is exported and paid.
    const paidBatch = await act(ctx, "2026-04-05T08:00:00Z", "/v1/exports", {}, ctx.finance);
    expect(paidBatch.allowanceCount).toBe(4);
    await act(ctx, "2026-04-06T08:00:00Z", `/v1/exports/${paidBatch.id}/paid`, undefined, ctx.finance);
    // B5: 12.05. – interpreter no-show (0). 600 min.
    const b5 = await book(ctx, school, "fa", "2026-05-12T09:00:00+02:00", "2026-05-01T07:00:00Z");
    await assign(ctx, b5, p2, "2026-05-01T17:00:00Z");
    await complete(ctx, b5, "2026-05-12T10:00:00Z", { outcome: "interpreter_no_show" });
    // B6: 10.06. – assigned after 45 min, cancelled by the requester 6 h before: late, 1500.
    const b6 = await book(ctx, clinic, "ar", "2026-06-10T14:00:00+02:00", "2026-06-01T12:00:00Z");
    await assign(ctx, b6, p1, "2026-06-01T12:45:00Z");
    await cancel(ctx, b6, "2026-06-10T06:00:00Z", {}, clinic.client);
    // B7: 15.06. – withdrawn by the requester before anyone was assigned (not late).
    const b7 = await book(ctx, jobcenter, "ti", "2026-06-15T09:00:00+02:00", "2026-06-01T13:00:00Z");
    await cancel(ctx, b7, "2026-06-05T08:00:00Z", {}, jobcenter.client);
    // Batch 2 (B5, B6) is exported, not paid.
    expect((await act(ctx, "2026-06-20T08:00:00Z", "/v1/exports", {}, ctx.finance)).allowanceCount).toBe(2);
    // B8: 07.07. – the pool office cancels it unassigned: unfilled.
    const b8 = await book(ctx, jobcenter, "ti", "2026-07-07T09:00:00+02:00", "2026-06-20T09:00:00Z");
    await cancel(ctx, b8, "2026-07-01T08:00:00Z", {});
    // B9: 20.07. – assigned after 20 min, cancelled by the pool office in time (no allowance).
    const b9 = await book(ctx, school, "ar", "2026-07-20T09:00:00+02:00", "2026-07-01T07:00:00Z");
    await assign(ctx, b9, p1, "2026-07-01T07:20:00Z");
    await cancel(ctx, b9, "2026-07-10T08:00:00Z", {});
    // B14, B15 (coordinator approval): done; one allowance stays pending, one is rejected. 15 and 180 min.
    const b14 = await book(approvalCtx, jobcenter, "ar", "2026-08-05T09:00:00+02:00", "2026-07-25T08:00:00Z");
    await assign(approvalCtx, b14, p1, "2026-07-25T08:15:00Z");
    await complete(approvalCtx, b14, "2026-08-05T10:00:00Z", { outcome: "done" });
    const b15 = await book(approvalCtx, jobcenter, "fa", "2026-08-06T09:00:00+02:00", "2026-07-25T09:00:00Z");
    await assign(approvalCtx, b15, p3, "2026-07-25T12:00:00Z");
    await complete(approvalCtx, b15, "2026-08-06T10:00:00Z", { outcome: "done" });
    const pending = await ctx.finance.get(`/v1/allowances?status=pending&interpreterId=${p3}`);
    expect(pending.body.items).toHaveLength(1);
    await act(ctx, "2026-08-07T08:00:00Z", `/v1/allowances/${pending.body.items[0].id}/reject`, { reason: "Nachweis fehlt" });
    // B10: 01.09. – P3 gives it back 21 h before (late), P2 takes it: 16140 min from the request. Done, 20 km (2600).
    const b10 = await book(ctx, clinic, "fa", "2026-09-01T09:00:00+02:00", "2026-08-20T07:00:00Z");
    await assign(ctx, b10, p3, "2026-08-20T11:00:00Z");
    await cancel(ctx, b10, "2026-08-31T10:00:00Z", { cancelledBy: "interpreter" });
    await assign(ctx, b10, p2, "2026-08-31T12:00:00Z");
    await complete(ctx, b10, "2026-09-01T08:00:00Z", { outcome: "done", travelKm: 20 });
    // B11: 25.10. 02:30 CET, the second 02:30 of the night the clocks go back – done (2000). 60 min.
    const b11 = await book(ctx, jobcenter, "ar", "2026-10-25T02:30:00+01:00", "2026-10-20T08:00:00Z");
    await assign(ctx, b11, p1, "2026-10-20T09:00:00Z");
    await complete(ctx, b11, "2026-10-25T04:00:00Z", { outcome: "done" });
    // B12: 31.10. 23:30 CET = 22:30 UTC – October, still open (pending).
    await book(ctx, school, "ti", "2026-10-31T23:30:00+01:00", "2026-10-20T10:00:00Z");
    // B13: 28.10. – assigned after 100 min, not closed out yet.
    const b13 = await book(ctx, jobcenter, "fa", "2026-10-28T10:00:00+01:00", "2026-10-20T12:00:00Z");
    await assign(ctx, b13, p2, "2026-10-20T13:40:00Z");
    // X2: 01.11. 00:30 CET = 31.10. 23:30 UTC – November; withdrawn late by the requester.
    const x2 = await book(ctx, school, "fa", "2026-11-01T00:30:00+01:00", "2026-10-20T11:00:00Z");
    await cancel(ctx, x2, "2026-10-31T12:00:00Z", {}, school.client);
  });

  afterAll(async () => {
    await own?.dispose();
  });

  const summary = async (query: string, client: ApiClient = ctx.coordinator) => {
    const response = await client.get(`/v1/reports/summary?${query}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };

  const fill = (requested: number, assigned: number, completed: number, unfilled: number, pending: number, fillRate: number | null) => ({
    requested,
    assigned,
    completed,
    unfilled,
    pending,
    fillRate,
  });

  it("counts requests, fill rates and their breakdowns by hand-counted values", async () => {
    const report = await summary(PERIOD);
    expect(report.period).toEqual({ from: "2026-03-01", to: "2026-10-31", timeZone: "Europe/Berlin", start: "2026-02-28T23:00:00.000Z", end: "2026-10-31T23:00:00.000Z" });
    // B1–B15 without X1/X2: 15 bookings, B7 withdrawn; 11 assigned (B1 B2 B3 B5 B6 B9 B10 B11 B13 B14 B15),
    // unfilled B4 and B8, pending B12.
    expect(report.totals).toEqual({ bookings: 15, withdrawn: 1, ...fill(14, 11, 8, 2, 1, 0.7857) });
    expect(report.byLanguage).toEqual([
      { language: "ar", languageName: "Arabisch", ...fill(7, 6, 4, 1, 0, 0.8571) },
      { language: "fa", languageName: "Persisch", ...fill(5, 5, 4, 0, 0, 1) },
      { language: "ti", languageName: "Tigrinya", ...fill(2, 0, 0, 1, 1, 0) },
    ]);
    expect(report.byOrganisationKind).toEqual([
      { organisationKind: "authority", ...fill(7, 6, 5, 1, 0, 0.8571) },
      { organisationKind: "school", ...fill(4, 2, 1, 1, 1, 0.5) },
      { organisationKind: "kindergarten", ...fill(0, 0, 0, 0, 0, null) },
      { organisationKind: "clinic", ...fill(3, 3, 2, 0, 0, 1) },
      { organisationKind: "counselling", ...fill(0, 0, 0, 0, 0, null) },
      { organisationKind: "other", ...fill(0, 0, 0, 0, 0, null) },
    ]);
    expect(report.byMunicipality).toEqual([
      { municipality: "Düren", ...fill(10, 9, 7, 1, 0, 0.9) },
      { municipality: "Jülich", ...fill(4, 2, 1, 1, 1, 0.5) },
    ]);
    expect(report.byMonth).toEqual([
      { month: "2026-03", ...fill(3, 3, 3, 0, 0, 1) }, // B1 (UTC: February), B2, B3
      { month: "2026-04", ...fill(1, 0, 0, 1, 0, 0) }, // B4 (UTC: March)
      { month: "2026-05", ...fill(1, 1, 1, 0, 0, 1) },
      { month: "2026-06", ...fill(1, 1, 0, 0, 0, 1) }, // B6; B7 withdrawn
      { month: "2026-07", ...fill(2, 1, 0, 1, 0, 0.5) },
      { month: "2026-08", ...fill(2, 2, 2, 0, 0, 1) },
      { month: "2026-09", ...fill(1, 1, 1, 0, 0, 1) },
      { month: "2026-10", ...fill(3, 2, 1, 0, 1, 0.6667) }, // B11, B13, B12 (23:30 CET on the 31st)
    ]);
    expect(report.unfilledByLanguage).toEqual([
      { language: "ar", languageName: "Arabisch", unfilled: 1, requested: 7 },
      { language: "ti", languageName: "Tigrinya", unfilled: 1, requested: 2 },
    ]);
  });

  it("counts cancellations, outcomes, time to confirmation, allowances and fairness by hand-counted values", async () => {
    const report = await summary(PERIOD);
    expect(report.cancellations).toEqual({
      total: 5,
      late: 2,
      notLate: 3,
      byWhom: [
        { cancelledBy: "requester", total: 2, late: 1, notLate: 1 }, // B6 late, B7
        { cancelledBy: "coordinator", total: 2, late: 0, notLate: 2 }, // B8, B9
        { cancelledBy: "interpreter", total: 1, late: 1, notLate: 0 }, // B10 given back
      ],
    });
    expect(report.outcomes).toEqual({ completed: 8, done: 6, clientNoShow: 1, interpreterNoShow: 1 });
    // Minutes: 15 20 30 45 60 90 100 120 180 600 16140 → the 6th of 11.
    expect(report.timeToConfirmation).toEqual({ assignments: 11, medianMinutes: 90 });
    expect(report.allowances).toEqual({
      count: 8,
      amountCents: 14_400,
      byStatus: [
        { status: "pending", count: 1, amountCents: 2000 }, // B14
        { status: "approved", count: 2, amountCents: 4600 }, // B10 2600, B11 2000
        { status: "exported", count: 2, amountCents: 1500 }, // B5 0, B6 1500
        { status: "paid", count: 3, amountCents: 6300 }, // B1 2300, B2 2000, B3 2000 (X1 is February)
        { status: "rejected", count: 1, amountCents: 2000 }, // B15
      ],
    });
    // P1: B1 B11 B14; P2: B2 B5 B10 B13; P3: B3 B15; P4: none; P5 is inactive.
    expect(report.fairness).toEqual({ interpreters: 4, withoutAssignment: 1, assignments: 9, minAssignments: 0, medianAssignments: 2.5, maxAssignments: 4 });
  });

  it("puts a booking into the period and month of its local start across daylight-saving changes", async () => {
    const spring = await summary("from=2026-03-29&to=2026-03-31");
    expect(spring.period).toMatchObject({ start: "2026-03-28T23:00:00.000Z", end: "2026-03-31T22:00:00.000Z" });
    expect(spring.totals).toEqual({ bookings: 2, withdrawn: 0, ...fill(2, 2, 2, 0, 0, 1) }); // B2, B3; not B4
    expect(spring.byMonth).toEqual([{ month: "2026-03", ...fill(2, 2, 2, 0, 0, 1) }]);

    const april = await summary("from=2026-04-01&to=2026-04-01");
    expect(april.totals).toEqual({ bookings: 1, withdrawn: 0, ...fill(1, 0, 0, 1, 0, 0) }); // B4
    expect(april.byLanguage).toEqual([{ language: "ar", languageName: "Arabisch", ...fill(1, 0, 0, 1, 0, 0) }]);

    const lastOfOctober = await summary("from=2026-10-31&to=2026-10-31");
    expect(lastOfOctober.totals).toEqual({ bookings: 1, withdrawn: 0, ...fill(1, 0, 0, 0, 1, 0) }); // B12

    const november = await summary("from=2026-11-01&to=2026-11-30");
    expect(november.period).toMatchObject({ start: "2026-10-31T23:00:00.000Z", end: "2026-11-30T23:00:00.000Z" });
    expect(november.totals).toEqual({ bookings: 1, withdrawn: 1, ...fill(0, 0, 0, 0, 0, null) }); // X2
    expect(november.cancellations.byWhom[0]).toEqual({ cancelledBy: "requester", total: 1, late: 1, notLate: 0 });

    const winter = await summary("from=2026-02-01&to=2026-02-28");
    expect(winter.totals).toEqual({ bookings: 1, withdrawn: 0, ...fill(1, 1, 1, 0, 0, 1) }); // X1 only, not B1
    expect(winter.allowances.byStatus.find((row: { status: string }) => row.status === "paid")).toEqual({ status: "paid", count: 1, amountCents: 2000 });
  });

  it("answers zeros and nulls for a period without bookings", async () => {
    const report = await summary("from=2027-01-01&to=2027-02-15");
    expect(report.totals).toEqual({ bookings: 0, withdrawn: 0, ...fill(0, 0, 0, 0, 0, null) });
    expect(report.byLanguage).toEqual([]);
    expect(report.byMonth).toEqual([
      { month: "2027-01", ...fill(0, 0, 0, 0, 0, null) },
      { month: "2027-02", ...fill(0, 0, 0, 0, 0, null) },
    ]);
    expect(report.timeToConfirmation).toEqual({ assignments: 0, medianMinutes: null });
    expect(report.allowances.amountCents).toBe(0);
    expect(report.fairness).toEqual({ interpreters: 4, withoutAssignment: 4, assignments: 0, minAssignments: 0, medianAssignments: 0, maxAssignments: 0 });
  });

  it("gives the same tables as CSV for German Excel", async () => {
    const report = await summary(PERIOD);
    const response = await ctx.app.request(`/v1/reports/summary?${PERIOD}&format=csv`, { headers: { authorization: `Bearer ${ctx.finance.key}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="bericht-2026-03-01-2026-10-31.csv"');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain("\r\n");
    expect(text.replace(/\r\n/g, "")).not.toContain("\n");

    const rows: string[][] = parse(bytes, { delimiter: ";", bom: true, relax_column_count: true, skip_empty_lines: false });
    const sections = new Map<string, { header: string[]; rows: string[][] }>();
    for (let index = 0; index < rows.length; ) {
      const end = rows.findIndex((row, at) => at > index && row.length === 1 && row[0] === "");
      expect(end).toBeGreaterThan(index + 1);
      sections.set(rows[index]![0]!, { header: rows[index + 1]!, rows: rows.slice(index + 2, end) });
      index = end + 1;
    }
    const number = (cell: string) => (cell === "" ? null : Number(cell.replace(",", ".")));
    const cents = (cell: string) => Math.round(Number(cell.replace(",", ".")) * 100);
    const fillOf = (cells: string[]) => ({
      requested: number(cells[0]!),
      assigned: number(cells[1]!),
      completed: number(cells[2]!),
      unfilled: number(cells[3]!),
      pending: number(cells[4]!),
      fillRate: number(cells[5]!),
    });
    const strip = <T extends Record<string, unknown>>(row: T, ...keys: string[]) => Object.fromEntries(Object.entries(row).filter(([key]) => !keys.includes(key)));

    expect([...sections.keys()]).toEqual([
      "Bericht Dolmetscherpool",
      "Übersicht",
      "Nach Sprache",
      "Nach Organisationsart",
      "Nach Gemeinde",
      "Nach Monat",
      "Unbesetzte Anfragen nach Sprache",
      "Absagen",
      "Einsatzergebnisse",
      "Zeit von der Anfrage bis zur Besetzung",
      "Aufwandsentschädigungen",
      "Einsätze je Dolmetscher/in",
    ]);
    expect(sections.get("Bericht Dolmetscherpool")!.rows).toEqual([["01.03.2026", "31.10.2026", "Europe/Berlin"]]);
    expect(sections.get("Übersicht")!.rows).toEqual([
      ["Buchungen im Zeitraum", "15"],
      ["Vor der Besetzung zurückgezogen", "1"],
      ["Angefragt", "14"],
      ["Besetzt", "11"],
      ["Abgeschlossen", "8"],
      ["Unbesetzt", "2"],
      ["Offen", "1"],
      ["Besetzungsquote", "0,7857"],
    ]);
    const languages = sections.get("Nach Sprache")!;
    expect(languages.header).toEqual(["Sprache", "Code", "Angefragt", "Besetzt", "Abgeschlossen", "Unbesetzt", "Offen", "Besetzungsquote"]);
    expect(languages.rows.map((cells) => ({ language: cells[1], languageName: cells[0], ...fillOf(cells.slice(2)) }))).toEqual(report.byLanguage);
    expect(languages.rows[1]).toEqual(["Persisch", "fa", "5", "5", "4", "0", "0", "1,0000"]);
    const kinds = sections.get("Nach Organisationsart")!.rows;
    expect(kinds.map((cells) => cells[0])).toEqual(["Behörde", "Schule", "Kita", "Klinik/Praxis", "Beratungsstelle", "Sonstige"]);
    expect(kinds.map((cells) => fillOf(cells.slice(1)))).toEqual(report.byOrganisationKind.map((row: Record<string, unknown>) => strip(row, "organisationKind")));
    expect(sections.get("Nach Gemeinde")!.rows.map((cells) => ({ municipality: cells[0], ...fillOf(cells.slice(1)) }))).toEqual(report.byMunicipality);
    expect(sections.get("Nach Monat")!.rows.map((cells) => ({ month: cells[0], ...fillOf(cells.slice(1)) }))).toEqual(report.byMonth);
    expect(sections.get("Unbesetzte Anfragen nach Sprache")!.rows).toEqual([
      ["Arabisch", "ar", "1", "7"],
      ["Tigrinya", "ti", "1", "2"],
    ]);
    expect(sections.get("Absagen")!.rows).toEqual([
      ["Anfragende Stelle", "2", "1", "1"],
      ["Poolkoordination", "2", "0", "2"],
      ["Dolmetscher/in (Rückgabe)", "1", "1", "0"],
      ["Summe", "5", "2", "3"],
    ]);
    expect(sections.get("Einsatzergebnisse")!.rows.map((cells) => number(cells[1]!))).toEqual([
      report.outcomes.done,
      report.outcomes.clientNoShow,
      report.outcomes.interpreterNoShow,
      report.outcomes.completed,
    ]);
    expect(sections.get("Zeit von der Anfrage bis zur Besetzung")!.rows).toEqual([["11", "90"]]);
    const allowances = sections.get("Aufwandsentschädigungen")!;
    expect(allowances.header).toEqual(["Status", "Anzahl", "Summe (EUR)"]);
    expect(allowances.rows.map((cells) => cells[0])).toEqual(["zu prüfen", "freigegeben", "exportiert", "ausgezahlt", "abgelehnt", "Gesamt (ohne abgelehnte)"]);
    expect(allowances.rows.map((cells) => ({ count: number(cells[1]!), amountCents: cents(cells[2]!) }))).toEqual([
      ...report.allowances.byStatus.map((row: { count: number; amountCents: number }) => ({ count: row.count, amountCents: row.amountCents })),
      { count: report.allowances.count, amountCents: report.allowances.amountCents },
    ]);
    expect(allowances.rows[3]).toEqual(["ausgezahlt", "3", "63,00"]);
    expect(sections.get("Einsätze je Dolmetscher/in")!.rows).toEqual([["4", "1", "9", "0", "2,5", "4"]]);
  });

  it("lets coordinator and finance read the report, and refuses requesters and anonymous callers", async () => {
    const asCoordinator = await summary(PERIOD);
    expect(await summary(PERIOD, ctx.finance)).toEqual(asCoordinator);
    expectError(await orgs.jobcenter.client.get(`/v1/reports/summary?${PERIOD}`), 403, "FORBIDDEN");
    expectError(await orgs.jobcenter.client.get(`/v1/reports/summary?${PERIOD}&format=csv`), 403, "FORBIDDEN");
    expectError(await ctx.anonymous.get(`/v1/reports/summary?${PERIOD}`), 401, "UNAUTHORIZED");
    // A report is read only: there is nothing to write, for finance or anyone.
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      expect((await ctx.finance.request(method, `/v1/reports/summary?${PERIOD}`, { body: {} })).status).toBe(404);
    }
    const spec = (await ctx.anonymous.get("/openapi.json")).body;
    expect(Object.keys(spec.paths["/v1/reports/summary"])).toEqual(["get"]);
    expect(spec.paths["/v1/reports/summary"].get["x-roles"]).toEqual(["coordinator", "finance"]);
  });

  it("refuses a bad period with 422 in the error format", async () => {
    const missing = await ctx.finance.get("/v1/reports/summary");
    expectValidationError(missing, ["from"], { in: "query" });
    expectValidationError(missing, ["to"], { in: "query" });
    expectValidationError(await ctx.finance.get("/v1/reports/summary?from=2026-02-30&to=2026-03-31"), ["from"], { in: "query" });
    expectValidationError(await ctx.finance.get("/v1/reports/summary?from=2026-03-01&to=31.03.2026"), ["to"], { in: "query" });
    expectValidationError(await ctx.finance.get("/v1/reports/summary?from=2026-03-01&to=2026-02-28"), ["to"], { in: "query", message: /before/ });
    expectValidationError(await ctx.finance.get("/v1/reports/summary?from=2026-01-01&to=2031-01-01"), ["to"], { in: "query", message: /5 years/ });
    expect((await ctx.finance.get("/v1/reports/summary?from=2026-01-01&to=2030-12-31")).status).toBe(200);
    expectValidationError(await ctx.finance.get(`/v1/reports/summary?${PERIOD}&format=xlsx`), ["format"], { in: "query" });
    const error = (await ctx.finance.get("/v1/reports/summary?from=x&to=y")).body.error;
    expect(error).toEqual({ code: "VALIDATION_FAILED", message: expect.any(String), details: expect.any(Array), requestId: expect.any(String) });
  });
});
