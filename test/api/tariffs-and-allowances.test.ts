// Allowance tariffs (GET/PUT /v1/tariffs) and the allowances they produce at close-out: effective
// dating, scopes, amounts to the cent, late cancellations, approval, listing and the yearly cap.
//
// This file runs on a database of its own (embedded, or a scratch database on the PostgreSQL
// server in the "postgres" project): tariffs are global and PUT replaces all of them, so on the
// shared database this file would change what every other file's completed bookings pay, and the
// yearly-cap report looks at every allowance of a year.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, expectValidationError } from "../helpers/assertions";
import { ALL_WEEK, NIL_UUID } from "../helpers/fixtures";
import { walkPages } from "../helpers/pagination";
import { createTestContext, newInterpreter, type ApiClient, type TestContext } from "../helpers/test-app";
import { privateDatabase, type PrivateDatabase } from "../helpers/test-database";

const NOW = "2026-11-24T08:00:00.000Z"; // Tuesday 09:00 in Berlin
const LANGUAGE = "tet";

interface AllowanceLine {
  kind: string;
  description: string;
  quantity: number;
  unitCents: number;
  amountCents: number;
}

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
  breakdown: AllowanceLine[];
  status: string;
  rejectionReason: string | null;
  decidedAt: string | null;
  exportBatchId: string | null;
}

interface Job {
  bookingId: string;
  code: string;
  interpreterId: string;
  startsAt: string;
  durationMinutes: number;
}

interface Org {
  id: string;
  client: ApiClient;
}

const BLOCK = { kind: "block", firstBlockMinutes: 60, firstBlockCents: 2500, incrementMinutes: 30, incrementCents: 500 } as const;
const HOURLY = { kind: "hourly", centsPerHour: 1500, roundingMinutes: 15 } as const;

const ownDatabase = () => privateDatabase("tariffs", 10);

/** An instant `minutes` after `iso`, as ISO text. */
const plusMinutes = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

describe("tariffs and allowances", () => {
  let own: PrivateDatabase | undefined;
  /** ALLOWANCE_APPROVAL=auto (the default). */
  let ctx: TestContext;
  /** The same database with ALLOWANCE_APPROVAL=coordinator. */
  let approvalCtx: TestContext;

  beforeAll(async () => {
    own = await ownDatabase();
    ctx = await createTestContext({ deps: { db: own.db } });
    approvalCtx = await createTestContext({ config: { ALLOWANCE_APPROVAL: "coordinator" }, deps: { db: own.db } });
  });

  afterAll(async () => {
    await own?.dispose();
  });

  async function organisation(overrides: Record<string, unknown> = {}, context: TestContext = ctx): Promise<Org> {
    const created = await context.newRequester(overrides);
    return { id: created.organisationId, client: created.client };
  }

  async function interpreter(context: TestContext = ctx): Promise<{ id: string; name: string }> {
    const person = await newInterpreter(context.coordinator, { languages: [{ code: LANGUAGE, level: "native" }] });
    const availability = await context.coordinator.put(`/v1/interpreters/${person.id}/availability`, { weekly: ALL_WEEK, absences: [] });
    expect(availability.status, JSON.stringify(availability.body)).toBe(200);
    return person;
  }

  /** A booking of `organisationId` with an interpreter assigned (a new one unless given). */
  async function assignedJob(
    organisationId: string,
    startsAt: string,
    options: { durationMinutes?: number; interpreterId?: string; context?: TestContext } = {},
  ): Promise<Job> {
    const context = options.context ?? ctx;
    const durationMinutes = options.durationMinutes ?? 60;
    const interpreterId = options.interpreterId ?? (await interpreter(context)).id;
    const created = await context.coordinator.post("/v1/bookings", { organisationId, language: LANGUAGE, startsAt, durationMinutes, mode: "phone" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const assigned = await context.coordinator.post(`/v1/bookings/${created.body.id}/assign`, { interpreterId });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    return { bookingId: created.body.id, code: created.body.code, interpreterId, startsAt: new Date(startsAt).toISOString(), durationMinutes };
  }

  /** Every allowance of a booking (as the coordinator sees them). */
  async function allowancesOf(job: Job, context: TestContext = ctx): Promise<Allowance[]> {
    const pages = await walkPages(context.coordinator, `/v1/allowances?interpreterId=${job.interpreterId}&limit=100`);
    return pages.flatMap((page) => page.items as Allowance[]).filter((allowance) => allowance.bookingId === job.bookingId);
  }

  /** Completes a job at its booked end (the clock moves there and back) and returns its one allowance. */
  async function complete(job: Job, body: Record<string, unknown>, context: TestContext = ctx): Promise<Allowance> {
    context.clock.set(plusMinutes(job.startsAt, job.durationMinutes));
    try {
      const response = await context.coordinator.post(`/v1/bookings/${job.bookingId}/complete`, body);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
    } finally {
      context.clock.set(NOW);
    }
    const allowances = await allowancesOf(job, context);
    expect(allowances).toHaveLength(1);
    return allowances[0]!;
  }

  async function setTariffs(tariffs: Record<string, unknown>[]) {
    const response = await ctx.coordinator.put("/v1/tariffs", { tariffs });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.usingDefault).toBe(false);
    expect(response.body.items).toHaveLength(tariffs.length);
    return response.body;
  }

  describe("GET and PUT /v1/tariffs", () => {
    it("shows the default (a flat 2000 cents, late cancellations paid like the job) while none is configured, and applies it", async () => {
      for (const client of [ctx.coordinator, ctx.finance]) {
        const response = await client.get("/v1/tariffs");
        expect(response.status, JSON.stringify(response.body)).toBe(200);
        expect(response.body).toEqual({
          usingDefault: true,
          items: [
            {
              id: "default",
              validFrom: "2000-01-01",
              organisationKind: null,
              organisationId: null,
              model: { kind: "flat", amountCents: 2000 },
              travelCentsPerKm: null,
              lateCancellation: { hours: 24, pay: { kind: "base" } },
              createdAt: null,
            },
          ],
        });
      }
      const org = await organisation();
      expectError(await org.client.get("/v1/tariffs"), 403, "FORBIDDEN");
      expectError(await ctx.anonymous.get("/v1/tariffs"), 401, "UNAUTHORIZED");

      // Travel is not paid by the default (no rate), whatever the km.
      const job = await assignedJob(org.id, "2026-11-24T14:00:00+01:00");
      const allowance = await complete(job, { outcome: "done", actualMinutes: 200, travelKm: 40 });
      expect(allowance).toMatchObject({ outcome: "done", amountCents: 2000, status: "approved", year: 2026, organisationId: org.id, bookingCode: job.code });
      expect(allowance.breakdown).toEqual([{ kind: "base", description: "Pauschale", quantity: 1, unitCents: 2000, amountCents: 2000 }]);
    });

    it("validates the tariffs and changes nothing when one is invalid", async () => {
      const org = await organisation();
      const valid = { validFrom: "2026-01-01", model: { kind: "flat", amountCents: 2500 } };

      expectValidationError(
        await ctx.coordinator.put("/v1/tariffs", { tariffs: [valid, { ...valid, organisationId: NIL_UUID }] }),
        ["tariffs", 1, "organisationId"],
        /Unknown organisation/,
      );
      expectValidationError(
        await ctx.coordinator.put("/v1/tariffs", { tariffs: [{ ...valid, organisationId: "not-an-id" }] }),
        ["tariffs", 0, "organisationId"],
        /Unknown organisation/,
      );
      expectValidationError(
        await ctx.coordinator.put("/v1/tariffs", { tariffs: [{ ...valid, organisationId: org.id, organisationKind: "authority" }] }),
        ["tariffs", 0],
        /not both/,
      );

      const badModels: unknown[] = [
        { kind: "daily", amountCents: 2000 },
        { kind: "flat" },
        { kind: "flat", amountCents: -1 },
        { kind: "flat", amountCents: 20.5 },
        { kind: "flat", amountCents: 2000, extra: true },
        { kind: "block", firstBlockMinutes: 60, firstBlockCents: 2500, incrementMinutes: 0, incrementCents: 500 },
        { kind: "hourly", centsPerHour: 1500 },
      ];
      for (const model of badModels) {
        const response = await ctx.coordinator.put("/v1/tariffs", { tariffs: [{ ...valid, model }] });
        expect(response.status, `${JSON.stringify(model)}: ${JSON.stringify(response.body)}`).toBe(422);
        expect(response.body.error.code).toBe("VALIDATION_FAILED");
        const paths = (response.body.error.details as { path: (string | number)[] }[]).map((problem) => problem.path.slice(0, 3));
        expect(paths).toContainEqual(["tariffs", 0, "model"]);
      }
      expectValidationError(await ctx.coordinator.put("/v1/tariffs", { tariffs: [{ ...valid, validFrom: "2026-13-01" }] }), ["tariffs", 0, "validFrom"]);
      expectValidationError(await ctx.coordinator.put("/v1/tariffs", { tariffs: [] }), ["tariffs"]);

      expectError(await ctx.finance.put("/v1/tariffs", { tariffs: [valid] }), 403, "FORBIDDEN");
      expectError(await org.client.put("/v1/tariffs", { tariffs: [valid] }), 403, "FORBIDDEN");
      expectError(await ctx.anonymous.put("/v1/tariffs", { tariffs: [valid] }), 401, "UNAUTHORIZED");

      expect((await ctx.coordinator.get("/v1/tariffs")).body.usingDefault).toBe(true);
    });

    it("applies a change from its local date on: a job on 14 Dec keeps the old tariff, one on 15 Dec gets the new", async () => {
      const org = await organisation();
      // Booked before the change is stored: what counts is the job's start, not when it was booked.
      const before = await assignedJob(org.id, "2026-12-14T23:30:00+01:00", { durationMinutes: 30 });
      // 00:30 local on 15 Dec is still 14 Dec in UTC.
      const after = await assignedJob(org.id, "2026-12-15T00:30:00+01:00", { durationMinutes: 30 });
      const stored = await setTariffs([
        { validFrom: "2026-12-15", model: { kind: "flat", amountCents: 2600 } },
        { validFrom: "2026-01-01", model: { kind: "flat", amountCents: 2000 } },
      ]);
      expect(stored.items.map((item: { validFrom: string }) => item.validFrom)).toEqual(["2026-01-01", "2026-12-15"]);
      expect(stored.items[1]).toMatchObject({
        organisationKind: null,
        organisationId: null,
        model: { kind: "flat", amountCents: 2600 },
        travelCentsPerKm: null,
        lateCancellation: { hours: 24, pay: { kind: "base" } },
        createdAt: NOW,
      });
      const listed = await ctx.finance.get("/v1/tariffs");
      expect(listed.body).toEqual(stored);

      expect((await complete(before, { outcome: "done" })).amountCents).toBe(2000);
      const later = await complete(after, { outcome: "done" });
      expect(later.amountCents).toBe(2600);
      expect(later.serviceDate).toBe("2026-12-14T23:30:00.000Z");

      // Allowances already computed keep their amounts when the tariffs change again.
      await setTariffs([{ validFrom: "2026-01-01", model: { kind: "flat", amountCents: 9999 } }]);
      expect((await allowancesOf(before))[0]!.amountCents).toBe(2000);
      expect((await allowancesOf(after))[0]!.amountCents).toBe(2600);
    });

    it("lets an organisation's own tariff win over its kind's, and the kind's over the pool's", async () => {
      const authority = await organisation({ kind: "authority" });
      const school = await organisation({ kind: "school" });
      const ownSchool = await organisation({ kind: "school" });
      const lateOwn = await organisation({ kind: "school" });
      await setTariffs([
        { validFrom: "2026-01-01", model: { kind: "flat", amountCents: 2000 } },
        { validFrom: "2026-01-01", organisationKind: "school", model: { kind: "flat", amountCents: 2200 } },
        // An older organisation tariff still beats a newer one for the kind or the pool.
        { validFrom: "2025-06-01", organisationId: ownSchool.id, model: { kind: "flat", amountCents: 2700 } },
        { validFrom: "2026-11-01", model: { kind: "flat", amountCents: 2100 } },
        // Not yet in force for the job: the kind's tariff applies.
        { validFrom: "2027-01-01", organisationId: lateOwn.id, model: { kind: "flat", amountCents: 5000 } },
      ]);
      const expected: [Org, number][] = [
        [authority, 2100],
        [school, 2200],
        [ownSchool, 2700],
        [lateOwn, 2200],
      ];
      for (const [index, [org, cents]] of expected.entries()) {
        const job = await assignedJob(org.id, `2026-11-30T${String(9 + index).padStart(2, "0")}:00:00+01:00`);
        expect((await complete(job, { outcome: "done" })).amountCents, `organisation ${index}`).toBe(cents);
      }
      const kinds = (await ctx.coordinator.get("/v1/tariffs")).body.items.map((item: { organisationKind: string | null; organisationId: string | null }) => [
        item.organisationKind,
        item.organisationId,
      ]);
      expect(kinds).toEqual(expect.arrayContaining([["school", null], [null, ownSchool.id], [null, lateOwn.id], [null, null]]));
    });
  });

  describe("amounts at close-out", () => {
    let duren: Org;
    let rheinErft: Org;
    let breisgau: Org;

    beforeAll(async () => {
      duren = await organisation({ municipality: "Düren" });
      rheinErft = await organisation({ municipality: "Bergheim" });
      breisgau = await organisation({ municipality: "Freiburg im Breisgau" });
    });

    /** Düren flat 20 EUR, Rhein-Erft 25 EUR for the first hour plus 5 EUR per started half hour, Breisgau 15 EUR/h per started quarter plus 0,30 EUR/km. */
    const setRegionalTariffs = () =>
      setTariffs([
        { validFrom: "2026-01-01", organisationId: duren.id, model: { kind: "flat", amountCents: 2000 } },
        { validFrom: "2026-01-01", organisationId: rheinErft.id, model: BLOCK },
        { validFrom: "2026-01-01", organisationId: breisgau.id, model: HOURLY, travelCentsPerKm: 30 },
      ]);

    it("pays Düren's flat 2000 cents whatever the time", async () => {
      await setRegionalTariffs();
      for (const [index, actualMinutes] of [15, 75, 240].entries()) {
        const job = await assignedJob(duren.id, `2026-12-01T${String(8 + index * 5).padStart(2, "0")}:00:00+01:00`, { durationMinutes: 240 });
        const allowance = await complete(job, { outcome: "done", actualMinutes });
        expect(allowance.amountCents).toBe(2000);
        expect(allowance.breakdown).toEqual([{ kind: "base", description: "Pauschale", quantity: 1, unitCents: 2000, amountCents: 2000 }]);
      }
    });

    it("pays Rhein-Erft's first hour and every started half hour: 59/60/61/90/91 minutes → 2500/2500/3000/3000/3500", async () => {
      await setRegionalTariffs();
      const cases: [number, number][] = [
        [59, 2500],
        [60, 2500],
        [61, 3000],
        [90, 3000],
        [91, 3500],
      ];
      for (const [index, [actualMinutes, cents]] of cases.entries()) {
        const job = await assignedJob(rheinErft.id, `2026-12-02T${String(8 + index * 2).padStart(2, "0")}:00:00+01:00`, { durationMinutes: 120 });
        const allowance = await complete(job, { outcome: "done", actualMinutes });
        expect(allowance.amountCents, `${actualMinutes} min`).toBe(cents);
        expect(allowance.breakdown.reduce((sum, line) => sum + line.amountCents, 0)).toBe(cents);
        expect(allowance.breakdown[0]).toEqual({ kind: "base", description: "erste 60 Min.", quantity: 1, unitCents: 2500, amountCents: 2500 });
        const increments = (cents - 2500) / 500;
        expect(allowance.breakdown.slice(1)).toEqual(
          increments === 0 ? [] : [{ kind: "increment", description: `${increments} × 30 Min. angefangen`, quantity: increments, unitCents: 500, amountCents: increments * 500 }],
        );
      }
    });

    it("pays the hourly rate per started quarter hour plus 30 cents per km", async () => {
      await setRegionalTariffs();
      const cases: [Record<string, unknown>, number][] = [
        [{ actualMinutes: 90, travelKm: 12 }, 2250 + 360],
        [{ actualMinutes: 61, travelKm: 7 }, 1875 + 210],
        [{ actualMinutes: 60 }, 1500],
        [{ actualMinutes: 1, travelKm: 0 }, 375],
      ];
      for (const [index, [body, cents]] of cases.entries()) {
        const job = await assignedJob(breisgau.id, `2026-12-03T${String(8 + index * 2).padStart(2, "0")}:00:00+01:00`, { durationMinutes: 120 });
        const allowance = await complete(job, { outcome: "done", ...body });
        expect(allowance.amountCents, JSON.stringify(body)).toBe(cents);
        expect(allowance.breakdown.reduce((sum, line) => sum + line.amountCents, 0)).toBe(cents);
      }
      const withTravel = await assignedJob(breisgau.id, "2026-12-04T09:00:00+01:00", { durationMinutes: 120 });
      expect((await complete(withTravel, { outcome: "done", actualMinutes: 90, travelKm: 12 })).breakdown).toEqual([
        { kind: "base", description: "6 × 15 Min. angefangen (15,00 €/Std.)", quantity: 6, unitCents: 375, amountCents: 2250 },
        { kind: "travel", description: "12 km × 0,30 €", quantity: 12, unitCents: 30, amountCents: 360 },
      ]);
    });

    it("pays a client no-show as done for the booked time, and an interpreter no-show nothing", async () => {
      await setRegionalTariffs();
      const clientNoShow = await assignedJob(rheinErft.id, "2026-12-05T09:00:00+01:00", { durationMinutes: 90 });
      // Worked minutes are not what counts: the booked 90 minutes are paid.
      expect(await complete(clientNoShow, { outcome: "client_no_show", actualMinutes: 5 })).toMatchObject({ outcome: "client_no_show", amountCents: 3000, status: "approved" });

      const hourlyNoShow = await assignedJob(breisgau.id, "2026-12-05T09:00:00+01:00", { durationMinutes: 60 });
      expect((await complete(hourlyNoShow, { outcome: "client_no_show", travelKm: 10 })).amountCents).toBe(1500 + 300);

      const interpreterNoShow = await assignedJob(rheinErft.id, "2026-12-05T13:00:00+01:00", { durationMinutes: 90 });
      expect(await complete(interpreterNoShow, { outcome: "interpreter_no_show", travelKm: 10 })).toMatchObject({
        outcome: "interpreter_no_show",
        amountCents: 0,
        breakdown: [],
      });
      const flatNoShow = await assignedJob(duren.id, "2026-12-05T13:00:00+01:00");
      expect((await complete(flatNoShow, { outcome: "interpreter_no_show" })).amountCents).toBe(0);
    });

    it("pays a cancellation less than 24 h before the start (23 h 59 min), not one 24 h 01 min before", async () => {
      await setRegionalTariffs();
      const late = await assignedJob(rheinErft.id, "2026-11-26T10:00:00Z", { durationMinutes: 90 });
      const early = await assignedJob(rheinErft.id, "2026-11-26T12:00:00Z", { durationMinutes: 90 });
      try {
        ctx.clock.set("2026-11-25T10:01:00Z");
        const lateCancel = await rheinErft.client.post(`/v1/bookings/${late.bookingId}/cancel`, { reason: "Termin entfällt" });
        expect(lateCancel.status, JSON.stringify(lateCancel.body)).toBe(200);
        expect(lateCancel.body).toMatchObject({ status: "cancelled", cancellation: { late: true } });

        ctx.clock.set("2026-11-25T11:59:00Z");
        const earlyCancel = await rheinErft.client.post(`/v1/bookings/${early.bookingId}/cancel`, { reason: "Termin entfällt" });
        expect(earlyCancel.status, JSON.stringify(earlyCancel.body)).toBe(200);
        expect(earlyCancel.body).toMatchObject({ status: "cancelled", cancellation: { late: false } });
      } finally {
        ctx.clock.set(NOW);
      }
      const paid = await allowancesOf(late);
      expect(paid).toHaveLength(1);
      // Paid like the booked 90 minutes under the organisation's tariff.
      expect(paid[0]).toMatchObject({ outcome: "late_cancellation", amountCents: 3000, status: "approved", serviceDate: "2026-11-26T10:00:00.000Z" });
      expect(paid[0]!.breakdown.map((line) => [line.kind, line.amountCents])).toEqual([
        ["late_cancellation", 2500],
        ["late_cancellation", 500],
      ]);
      expect(await allowancesOf(early)).toEqual([]);
    });

    it("never pays a cancellation by the interpreter, however late", async () => {
      await setRegionalTariffs();
      const job = await assignedJob(duren.id, "2026-11-26T15:00:00Z");
      try {
        ctx.clock.set("2026-11-26T14:30:00Z");
        const cancelled = await ctx.coordinator.post(`/v1/bookings/${job.bookingId}/cancel`, { reason: "krank", cancelledBy: "interpreter" });
        expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
        expect(cancelled.body.status).toBe("open");
        // The booking itself, now without interpreter, is cancelled late: still nobody to pay.
        const withdrawn = await duren.client.post(`/v1/bookings/${job.bookingId}/cancel`, { reason: "kein Ersatz" });
        expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
        expect(withdrawn.body).toMatchObject({ status: "cancelled", cancellation: { late: true } });
      } finally {
        ctx.clock.set(NOW);
      }
      expect(await allowancesOf(job)).toEqual([]);
      const all = await walkPages(ctx.coordinator, `/v1/allowances?organisationId=${duren.id}&limit=100`);
      expect(all.flatMap((page) => page.items).filter((item: Allowance) => item.bookingId === job.bookingId)).toEqual([]);
    });

    it("refuses a second completion with 409 and keeps exactly one allowance, also when both come at once", async () => {
      await setRegionalTariffs();
      const job = await assignedJob(rheinErft.id, "2026-12-06T09:00:00+01:00", { durationMinutes: 120 });
      const first = await complete(job, { outcome: "done", actualMinutes: 61 });
      expect(first.amountCents).toBe(3000);
      ctx.clock.set(plusMinutes(job.startsAt, 180));
      try {
        expectError(await ctx.coordinator.post(`/v1/bookings/${job.bookingId}/complete`, { outcome: "done", actualMinutes: 120 }), 409, "INVALID_TRANSITION");
        expectError(await rheinErft.client.post(`/v1/bookings/${job.bookingId}/complete`, { outcome: "client_no_show" }), 409, "INVALID_TRANSITION");
      } finally {
        ctx.clock.set(NOW);
      }
      expect(await allowancesOf(job)).toEqual([first]);

      const raced = await assignedJob(rheinErft.id, "2026-12-06T13:00:00+01:00", { durationMinutes: 120 });
      ctx.clock.set(plusMinutes(raced.startsAt, 120));
      let statuses: number[] = [];
      try {
        const responses = await Promise.all(
          [59, 61, 91, 120, 30].map((actualMinutes) => ctx.coordinator.post(`/v1/bookings/${raced.bookingId}/complete`, { outcome: "done", actualMinutes })),
        );
        statuses = responses.map((response) => response.status);
        for (const response of responses.filter((r) => r.status !== 200)) expectError(response, 409, "INVALID_TRANSITION");
      } finally {
        ctx.clock.set(NOW);
      }
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(await allowancesOf(raced)).toHaveLength(1);
    });
  });

  describe("approval by a coordinator (ALLOWANCE_APPROVAL=coordinator)", () => {
    it("starts allowances pending; approve → approved, reject with a reason → rejected; decided ones stay decided", async () => {
      const org = await organisation({}, approvalCtx);
      const jobs = [];
      for (const hour of ["09", "11", "13"]) jobs.push(await assignedJob(org.id, `2026-12-07T${hour}:00:00+01:00`, { context: approvalCtx }));
      const completed: Allowance[] = [];
      for (const job of jobs) completed.push(await complete(job, { outcome: "done" }, approvalCtx));
      const [toApprove, toReject, untouched] = completed;
      for (const allowance of [toApprove!, toReject!, untouched!]) expect(allowance).toMatchObject({ status: "pending", decidedAt: null, rejectionReason: null });

      approvalCtx.clock.set("2026-12-08T10:00:00Z");
      try {
        const approved = await approvalCtx.coordinator.post(`/v1/allowances/${toApprove!.id}/approve`);
        expect(approved.status, JSON.stringify(approved.body)).toBe(200);
        expect(approved.body).toMatchObject({ id: toApprove!.id, status: "approved", decidedAt: "2026-12-08T10:00:00.000Z", rejectionReason: null, amountCents: toApprove!.amountCents });

        expectValidationError(await approvalCtx.coordinator.post(`/v1/allowances/${toReject!.id}/reject`, {}), ["reason"]);
        const rejected = await approvalCtx.coordinator.post(`/v1/allowances/${toReject!.id}/reject`, { reason: "Einsatz doppelt gemeldet" });
        expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
        expect(rejected.body).toMatchObject({ status: "rejected", rejectionReason: "Einsatz doppelt gemeldet", decidedAt: "2026-12-08T10:00:00.000Z" });
      } finally {
        approvalCtx.clock.set(NOW);
      }

      expectError(await approvalCtx.coordinator.post(`/v1/allowances/${toReject!.id}/approve`), 409, "INVALID_TRANSITION");
      expectError(await approvalCtx.coordinator.post(`/v1/allowances/${toReject!.id}/reject`, { reason: "nochmal" }), 409, "INVALID_TRANSITION");
      expectError(await approvalCtx.coordinator.post(`/v1/allowances/${toApprove!.id}/reject`, { reason: "doch nicht" }), 409, "INVALID_TRANSITION");
      expectError(await approvalCtx.coordinator.post(`/v1/allowances/${toApprove!.id}/approve`), 409, "INVALID_TRANSITION");

      expectError(await org.client.post(`/v1/allowances/${untouched!.id}/approve`), 403, "FORBIDDEN");
      expectError(await approvalCtx.finance.post(`/v1/allowances/${untouched!.id}/approve`), 403, "FORBIDDEN");
      expectError(await approvalCtx.finance.post(`/v1/allowances/${untouched!.id}/reject`, { reason: "nein" }), 403, "FORBIDDEN");
      expectError(await approvalCtx.anonymous.post(`/v1/allowances/${untouched!.id}/approve`), 401, "UNAUTHORIZED");
      expectError(await approvalCtx.coordinator.post(`/v1/allowances/${NIL_UUID}/approve`), 404, "NOT_FOUND");

      const after = await Promise.all(jobs.map((job) => allowancesOf(job, approvalCtx)));
      expect(after.map((list) => list.map((allowance) => allowance.status))).toEqual([["approved"], ["rejected"], ["pending"]]);
    });

    it("lets only one of two simultaneous decisions pass", async () => {
      const org = await organisation({}, approvalCtx);
      const allowance = await complete(await assignedJob(org.id, "2026-12-07T15:00:00+01:00", { context: approvalCtx }), { outcome: "done" }, approvalCtx);
      const responses = await Promise.all([
        approvalCtx.coordinator.post(`/v1/allowances/${allowance.id}/approve`),
        approvalCtx.coordinator.post(`/v1/allowances/${allowance.id}/reject`, { reason: "zu spät gemeldet" }),
        approvalCtx.coordinator.post(`/v1/allowances/${allowance.id}/approve`),
      ]);
      const winners = responses.filter((response) => response.status === 200);
      expect(winners).toHaveLength(1);
      for (const response of responses.filter((r) => r.status !== 200)) expectError(response, 409, "INVALID_TRANSITION");
      const [stored] = await allowancesOf({ bookingId: allowance.bookingId, interpreterId: allowance.interpreterId } as Job, approvalCtx);
      expect(stored!.status).toBe(winners[0]!.body.status);
    });
  });

  describe("GET /v1/allowances", () => {
    let mine: Org;
    let other: Org;
    let person: { id: string };
    let allowances: { pending: Allowance; approved: Allowance; rejected: Allowance; nextYear: Allowance; otherOrg: Allowance };

    beforeAll(async () => {
      mine = await organisation({}, approvalCtx);
      other = await organisation({}, approvalCtx);
      person = await interpreter(approvalCtx);
      const job = (org: Org, startsAt: string) => assignedJob(org.id, startsAt, { context: approvalCtx, interpreterId: person.id });
      const pending = await complete(await job(mine, "2026-12-09T09:00:00+01:00"), { outcome: "done" }, approvalCtx);
      const approved = await complete(await job(mine, "2026-12-09T11:00:00+01:00"), { outcome: "done" }, approvalCtx);
      const rejected = await complete(await job(mine, "2026-12-09T13:00:00+01:00"), { outcome: "done" }, approvalCtx);
      const nextYear = await complete(await job(mine, "2027-01-05T09:00:00+01:00"), { outcome: "client_no_show" }, approvalCtx);
      const otherOrg = await complete(await job(other, "2026-12-09T15:00:00+01:00"), { outcome: "done" }, approvalCtx);
      expect((await approvalCtx.coordinator.post(`/v1/allowances/${approved.id}/approve`)).status).toBe(200);
      expect((await approvalCtx.coordinator.post(`/v1/allowances/${rejected.id}/reject`, { reason: "falsch erfasst" })).status).toBe(200);
      allowances = { pending, approved, rejected, nextYear, otherOrg };
    });

    async function ids(client: ApiClient, query: string): Promise<string[]> {
      const pages = await walkPages(client, `/v1/allowances?limit=2&${query}`);
      return pages.flatMap((page) => page.items.map((item: Allowance) => item.id)).sort();
    }
    const sorted = (...list: Allowance[]) => list.map((allowance) => allowance.id).sort();

    it("filters by interpreter, organisation, status and year", async () => {
      const { pending, approved, rejected, nextYear, otherOrg } = allowances;
      expect(nextYear).toMatchObject({ year: 2027, outcome: "client_no_show" });
      expect(await ids(approvalCtx.finance, `interpreterId=${person.id}`)).toEqual(sorted(pending, approved, rejected, nextYear, otherOrg));
      expect(await ids(approvalCtx.finance, `organisationId=${mine.id}`)).toEqual(sorted(pending, approved, rejected, nextYear));
      expect(await ids(approvalCtx.finance, `organisationId=${other.id}`)).toEqual(sorted(otherOrg));
      expect(await ids(approvalCtx.coordinator, `interpreterId=${person.id}&status=pending`)).toEqual(sorted(pending, nextYear, otherOrg));
      expect(await ids(approvalCtx.coordinator, `interpreterId=${person.id}&status=approved`)).toEqual(sorted(approved));
      expect(await ids(approvalCtx.coordinator, `interpreterId=${person.id}&status=rejected`)).toEqual(sorted(rejected));
      expect(await ids(approvalCtx.coordinator, `interpreterId=${person.id}&year=2027`)).toEqual(sorted(nextYear));
      expect(await ids(approvalCtx.coordinator, `interpreterId=${person.id}&year=2026&organisationId=${mine.id}&status=pending`)).toEqual(sorted(pending));
      expect(await ids(approvalCtx.coordinator, `status=exported&interpreterId=${person.id}`)).toEqual([]);
      expect(await ids(approvalCtx.coordinator, `interpreterId=${NIL_UUID}`)).toEqual([]);
      expect(await ids(approvalCtx.coordinator, "interpreterId=not-an-id")).toEqual([]);

      expectValidationError(await approvalCtx.coordinator.get("/v1/allowances?status=lost"), ["status"], { in: "query" });
      expectValidationError(await approvalCtx.coordinator.get("/v1/allowances?year=26"), ["year"], { in: "query" });
      expectError(await approvalCtx.anonymous.get("/v1/allowances"), 401, "UNAUTHORIZED");
    });

    it("shows a requester its own organisation's allowances only, whatever it asks for", async () => {
      const { pending, approved, rejected, nextYear, otherOrg } = allowances;
      expect(await ids(mine.client, "")).toEqual(sorted(pending, approved, rejected, nextYear));
      expect(await ids(mine.client, `interpreterId=${person.id}`)).toEqual(sorted(pending, approved, rejected, nextYear));
      expect(await ids(mine.client, `organisationId=${other.id}`)).toEqual([]);
      expect(await ids(other.client, "")).toEqual(sorted(otherOrg));
      const outsider = await organisation({}, approvalCtx);
      expect(await ids(outsider.client, `interpreterId=${person.id}`)).toEqual([]);
    });
  });

  describe("the yearly cap", () => {
    it("sums an interpreter's year without rejected allowances and reports who passes 80 % and 100 % of the cap", async () => {
      const capOrg = await organisation({}, approvalCtx);
      await setTariffs([{ validFrom: "2026-01-01", organisationId: capOrg.id, model: { kind: "flat", amountCents: 40000 } }]);
      const near = await interpreter(approvalCtx);
      const over = await interpreter(approvalCtx);
      const below = await interpreter(approvalCtx);
      const jobsOf = async (personId: string, count: number) => {
        const done: Allowance[] = [];
        for (let day = 0; day < count; day += 1) {
          const job = await assignedJob(capOrg.id, `2026-12-${String(10 + day).padStart(2, "0")}T10:00:00+01:00`, { context: approvalCtx, interpreterId: personId });
          done.push(await complete(job, { outcome: "done" }, approvalCtx));
        }
        expect(done.every((allowance) => allowance.amountCents === 40000 && allowance.status === "pending")).toBe(true);
        return done;
      };
      const [nearApproved, , nearRejected] = (await jobsOf(near.id, 3)) as [Allowance, Allowance, Allowance];
      expect((await approvalCtx.coordinator.post(`/v1/allowances/${nearApproved.id}/approve`)).status).toBe(200);
      expect((await approvalCtx.coordinator.post(`/v1/allowances/${nearRejected.id}/reject`, { reason: "nicht erschienen" })).status).toBe(200);
      for (const allowance of await jobsOf(over.id, 3)) expect((await approvalCtx.coordinator.post(`/v1/allowances/${allowance.id}/approve`)).status).toBe(200);
      // Three jobs, two of them rejected: 40000 counts, below 80 %.
      const [belowKept, ...belowRejected] = (await jobsOf(below.id, 3)) as [Allowance, Allowance, Allowance];
      expect((await approvalCtx.coordinator.post(`/v1/allowances/${belowKept.id}/approve`)).status).toBe(200);
      for (const allowance of belowRejected) {
        expect((await approvalCtx.coordinator.post(`/v1/allowances/${allowance.id}/reject`, { reason: "falsch erfasst" })).status).toBe(200);
      }

      const nearSummary = await approvalCtx.finance.get(`/v1/interpreters/${near.id}/allowance-summary?year=2026`);
      expect(nearSummary.status, JSON.stringify(nearSummary.body)).toBe(200);
      expect(nearSummary.body).toEqual({
        interpreterId: near.id,
        year: 2026,
        totalCents: 80000,
        capCents: 96000,
        shareOfCap: 0.833,
        overCap: false,
        byStatus: {
          approved: { count: 1, amountCents: 40000 },
          pending: { count: 1, amountCents: 40000 },
          rejected: { count: 1, amountCents: 40000 },
        },
      });
      expect((await approvalCtx.coordinator.get(`/v1/interpreters/${over.id}/allowance-summary?year=2026`)).body).toMatchObject({
        totalCents: 120000,
        capCents: 96000,
        shareOfCap: 1.25,
        overCap: true,
        byStatus: { approved: { count: 3, amountCents: 120000 } },
      });
      expect((await approvalCtx.finance.get(`/v1/interpreters/${below.id}/allowance-summary?year=2026`)).body).toMatchObject({
        totalCents: 40000,
        overCap: false,
        byStatus: { approved: { count: 1, amountCents: 40000 }, rejected: { count: 2, amountCents: 80000 } },
      });
      // Another year: nothing yet, and the cap of the latest entry not after it.
      expect((await approvalCtx.finance.get(`/v1/interpreters/${near.id}/allowance-summary?year=2025`)).body).toMatchObject({
        totalCents: 0,
        capCents: 84000,
        shareOfCap: 0,
        overCap: false,
        byStatus: {},
      });
      expectError(await approvalCtx.finance.get(`/v1/interpreters/${NIL_UUID}/allowance-summary?year=2026`), 404, "NOT_FOUND");
      expectValidationError(await approvalCtx.finance.get(`/v1/interpreters/${near.id}/allowance-summary`), ["year"], { in: "query" });
      expectError(await capOrg.client.get(`/v1/interpreters/${near.id}/allowance-summary?year=2026`), 403, "FORBIDDEN");

      const report = await approvalCtx.finance.get("/v1/allowances/yearly-cap?year=2026");
      expect(report.status, JSON.stringify(report.body)).toBe(200);
      expect(report.body.year).toBe(2026);
      expect(report.body.capCents).toBe(96000);
      expect(report.body.above80Percent).toEqual([{ interpreterId: near.id, name: near.name, totalCents: 80000 }]);
      expect(report.body.above100Percent).toEqual([{ interpreterId: over.id, name: over.name, totalCents: 120000 }]);

      const nextYear = await approvalCtx.coordinator.get("/v1/allowances/yearly-cap?year=2027");
      expect(nextYear.body).toMatchObject({ year: 2027, capCents: 96000, above100Percent: [] });
      expect(nextYear.body.above80Percent).toEqual([]);
      expectError(await capOrg.client.get("/v1/allowances/yearly-cap?year=2026"), 403, "FORBIDDEN");
      expectValidationError(await approvalCtx.finance.get("/v1/allowances/yearly-cap"), ["year"], { in: "query" });
    });

  });
});
