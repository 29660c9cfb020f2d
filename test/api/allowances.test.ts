import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../helpers/assertions";
import { ALL_WEEK } from "../helpers/fixtures";
import { createTestContext, newInterpreter, type ApiClient, type TestContext } from "../helpers/test-app";

// Tariffs are global: this file sets tariffs scoped to its own organisation only, and clears
// them afterwards, so other files keep the default (a flat 2000 cents).
describe("allowances", () => {
  let ctx: TestContext;
  let requester: ApiClient;
  let organisationId: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    const created = await ctx.newRequester();
    requester = created.client;
    organisationId = created.organisationId;
  });

  afterAll(async () => {
    const { prisma } = ctx.deps.db;
    await prisma.tariff.deleteMany({ where: { organisationId } });
  });

  async function assignedBooking(startsAt: string, durationMinutes = 60) {
    const person = await newInterpreter(ctx.coordinator, { languages: [{ code: "tet", level: "native" }] });
    await ctx.coordinator.put(`/v1/interpreters/${person.id}/availability`, { weekly: ALL_WEEK, absences: [] });
    const booking = (await requester.post("/v1/bookings", { language: "tet", startsAt, durationMinutes, mode: "phone" })).body;
    expect((await ctx.coordinator.post(`/v1/bookings/${booking.id}/assign`, { interpreterId: person.id })).status).toBe(200);
    return { booking, person };
  }

  it("creates exactly one allowance at close-out: Düren's flat 20 EUR by default, approved automatically", async () => {
    const { booking, person } = await assignedBooking("2026-11-24T14:00:00+01:00");
    ctx.clock.set("2026-11-24T15:00:00Z");
    const completed = await requester.post(`/v1/bookings/${booking.id}/complete`, { outcome: "done", actualMinutes: 75 });
    expect(completed.status).toBe(200);
    expectError(await requester.post(`/v1/bookings/${booking.id}/complete`, { outcome: "done" }), 409, "INVALID_TRANSITION");

    const list = await ctx.finance.get(`/v1/allowances?interpreterId=${person.id}`);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        bookingId: booking.id,
        bookingCode: booking.code,
        outcome: "done",
        amountCents: 2000,
        status: "approved",
        year: 2026,
        breakdown: [expect.objectContaining({ kind: "base", amountCents: 2000 })],
      }),
    ]);
    ctx.clock.set("2026-11-24T08:00:00Z");
  });

  it("applies the organisation's tariff in force at the job's start, and pays late cancellations", async () => {
    const put = await ctx.coordinator.put("/v1/tariffs", {
      tariffs: [
        {
          validFrom: "2026-01-01",
          organisationId,
          model: { kind: "block", firstBlockMinutes: 60, firstBlockCents: 2500, incrementMinutes: 30, incrementCents: 500 },
          travelCentsPerKm: 30,
          lateCancellation: { hours: 24, pay: { kind: "amount", amountCents: 1500 } },
        },
      ],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    try {
      const { booking, person } = await assignedBooking("2026-11-24T14:00:00+01:00", 120);
      ctx.clock.set("2026-11-24T16:00:00Z");
      await requester.post(`/v1/bookings/${booking.id}/complete`, { outcome: "done", actualMinutes: 91, travelKm: 12 });
      const allowance = (await ctx.coordinator.get(`/v1/allowances?interpreterId=${person.id}`)).body.items[0];
      expect(allowance.amountCents).toBe(3500 + 360);
      expect(allowance.breakdown.map((line: { kind: string }) => line.kind)).toEqual(["base", "increment", "travel"]);

      ctx.clock.set("2026-11-24T08:00:00Z");
      const late = await assignedBooking("2026-11-25T08:30:00+01:00");
      const early = await assignedBooking("2026-11-26T09:30:00+01:00");
      await requester.post(`/v1/bookings/${late.booking.id}/cancel`, { reason: "entfällt" });
      await requester.post(`/v1/bookings/${early.booking.id}/cancel`, { reason: "entfällt" });
      const lateAllowances = (await ctx.coordinator.get(`/v1/allowances?interpreterId=${late.person.id}`)).body.items;
      expect(lateAllowances).toEqual([expect.objectContaining({ outcome: "late_cancellation", amountCents: 1500 })]);
      expect((await ctx.coordinator.get(`/v1/allowances?interpreterId=${early.person.id}`)).body.items).toEqual([]);
    } finally {
      ctx.clock.set("2026-11-24T08:00:00Z");
      await ctx.deps.db.prisma.tariff.deleteMany({ where: { organisationId } });
    }
  });

  it("shows requesters only their organisation's allowances, and the yearly summary to finance", async () => {
    const { booking, person } = await assignedBooking("2026-11-24T15:00:00+01:00");
    ctx.clock.set("2026-11-24T16:00:00Z");
    await requester.post(`/v1/bookings/${booking.id}/complete`, { outcome: "client_no_show" });
    ctx.clock.set("2026-11-24T08:00:00Z");
    const other = (await ctx.newRequester()).client;
    expect((await other.get(`/v1/allowances?interpreterId=${person.id}`)).body.items).toEqual([]);
    expect((await requester.get(`/v1/allowances?interpreterId=${person.id}`)).body.items).toHaveLength(1);
    const summary = await ctx.finance.get(`/v1/interpreters/${person.id}/allowance-summary?year=2026`);
    expect(summary.body).toMatchObject({ totalCents: 2000, capCents: 96000, overCap: false });
    expectError(await requester.get(`/v1/interpreters/${person.id}/allowance-summary?year=2026`), 403, "FORBIDDEN");
  });
});
