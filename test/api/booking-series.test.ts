import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestContext, newOrganisation, type ApiClient, type TestContext } from "../helpers/test-app";
import { expectError, expectValidationError } from "../helpers/assertions";
import { ISO_TIMESTAMP, UUID } from "../helpers/fixtures";

// Time plan: series start in March 2027, far from the weeks other files book and tick in (the
// database is shared, and a tick marks every open booking whose start has passed). Only the
// autumn daylight-saving test books in October 2026, and it asserts nothing a tick could change.
const NOW = "2027-03-01T08:00:00.000Z"; // Monday 09:00 in Berlin
const LANGUAGE = "lad"; // Ladino: booked by no other test file

interface Booking {
  id: string;
  code: string;
  status: string;
  seriesId: string | null;
  startsAt: string;
  endsAt: string;
  cancellation: { by: string; reason: string; late: boolean } | null;
  [field: string]: unknown;
}

const BERLIN = new Intl.DateTimeFormat("de-DE", { timeZone: "Europe/Berlin", weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
/** "Di., 09:30": weekday and wall-clock time in Berlin. */
const berlin = (iso: string) => BERLIN.format(new Date(iso));

describe("/v1/booking-series", () => {
  let ctx: TestContext;
  let organisationId: string;
  const seriesToClean: string[] = [];

  beforeAll(async () => {
    ctx = await createTestContext();
    organisationId = (await newOrganisation(ctx.coordinator)).id;
  });

  beforeEach(() => {
    ctx.clock.set(NOW);
  });

  afterAll(async () => {
    if (!ctx) return;
    ctx.clock.set("2026-01-01T00:00:00Z");
    for (const id of seriesToClean) await ctx.coordinator.post(`/v1/booking-series/${id}/cancel`, { reason: "Testende" });
  });

  const seriesBody = (overrides: Record<string, unknown> = {}) => ({
    organisationId,
    language: LANGUAGE,
    startsAt: "2027-03-02T10:00:00+01:00",
    durationMinutes: 45,
    mode: "phone",
    recurrence: { weekdays: [2], count: 3 },
    ...overrides,
  });

  async function createSeries(body: Record<string, unknown>, client: ApiClient = ctx.coordinator): Promise<{ id: string; bookings: Booking[]; [field: string]: unknown }> {
    const response = await client.post("/v1/booking-series", body);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    seriesToClean.push(response.body.id);
    return response.body;
  }

  async function readSeries(id: string, client: ApiClient = ctx.coordinator): Promise<{ bookings: Booking[]; [field: string]: unknown }> {
    const response = await client.get(`/v1/booking-series/${id}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  const statuses = (series: { bookings: Booking[] }) => series.bookings.map((booking) => booking.status);

  async function bookingsOf(orgId: string): Promise<Booking[]> {
    const response = await ctx.coordinator.get(`/v1/bookings?organisationId=${orgId}&limit=200`);
    expect(response.status).toBe(200);
    return response.body.items;
  }

  describe("POST /v1/booking-series", () => {
    it("creates every occurrence of a weekly rule with a count as an ordinary booking", async () => {
      const org = await newOrganisation(ctx.coordinator);
      const series = await createSeries(
        seriesBody({ organisationId: org.id, recurrence: { weekdays: [4, 2, 4], count: 5 }, caseReference: "AZ-77", setting: "Sprachkurs" }),
      );
      expect(series).toMatchObject({
        id: expect.stringMatching(UUID),
        organisationId: org.id,
        recurrence: { weekdays: [2, 4], until: null, count: 5 },
        createdAt: expect.stringMatching(ISO_TIMESTAMP),
      });
      expect(series.bookings.map((booking) => booking.startsAt)).toEqual([
        "2027-03-02T09:00:00.000Z",
        "2027-03-04T09:00:00.000Z",
        "2027-03-09T09:00:00.000Z",
        "2027-03-11T09:00:00.000Z",
        "2027-03-16T09:00:00.000Z",
      ]);
      for (const booking of series.bookings) {
        expect(booking).toMatchObject({
          id: expect.stringMatching(UUID),
          code: expect.stringMatching(/^\d{4,}$/),
          status: "open",
          seriesId: series.id,
          organisationId: org.id,
          language: LANGUAGE,
          durationMinutes: 45,
          mode: "phone",
          caseReference: "AZ-77",
          setting: "Sprachkurs",
          interpreterId: null,
        });
        expect(new Date(booking.endsAt).getTime() - new Date(booking.startsAt).getTime()).toBe(45 * 60_000);
      }
      expect(new Set(series.bookings.map((booking) => booking.code)).size).toBe(5);

      expect(await readSeries(series.id)).toEqual(series);
      expect((await bookingsOf(org.id)).map((booking) => booking.id)).toEqual(series.bookings.map((booking) => booking.id));
      const bySeries = await ctx.coordinator.get(`/v1/bookings?seriesId=${series.id}`);
      expect(bySeries.body.items.map((booking: Booking) => booking.id)).toEqual(series.bookings.map((booking) => booking.id));
      const one = await ctx.coordinator.get(`/v1/bookings/${series.bookings[2]!.id}`);
      expect(one.body.seriesId).toBe(series.id);
      expect(one.body.history.map((entry: { action: string }) => entry.action)).toEqual(["created"]);
    });

    it("starts with the first listed weekday on or after the first start", async () => {
      // Monday 8 March, but only Wednesdays.
      const series = await createSeries(seriesBody({ startsAt: "2027-03-08T10:00:00+01:00", recurrence: { weekdays: [3], count: 2 } }));
      expect(series.bookings.map((booking) => booking.startsAt)).toEqual(["2027-03-10T09:00:00.000Z", "2027-03-17T09:00:00.000Z"]);
    });

    it("creates the occurrences up to and including `until`, at the same local time across the spring change", async () => {
      const series = await createSeries(
        seriesBody({ startsAt: "2027-03-16T09:30:00+01:00", recurrence: { weekdays: [2], until: "2027-04-06" } }),
      );
      expect(series.recurrence).toEqual({ weekdays: [2], until: "2027-04-06", count: null });
      // Summer time from Sunday 28 March: 09:30 is 08:30 UTC before, 07:30 UTC after.
      expect(series.bookings.map((booking) => booking.startsAt)).toEqual([
        "2027-03-16T08:30:00.000Z",
        "2027-03-23T08:30:00.000Z",
        "2027-03-30T07:30:00.000Z",
        "2027-04-06T07:30:00.000Z",
      ]);
      expect(series.bookings.map((booking) => berlin(booking.startsAt))).toEqual(Array(4).fill("Di., 09:30"));
      expect(series.bookings.map((booking) => berlin(booking.endsAt))).toEqual(Array(4).fill("Di., 10:15"));
    });

    it("keeps the local time across the autumn change of 25 October 2026", async () => {
      ctx.clock.set("2026-10-01T08:00:00Z");
      const series = await createSeries(
        seriesBody({ startsAt: "2026-10-20T09:30:00+02:00", recurrence: { weekdays: [2, 4], count: 4 } }),
      );
      expect(series.bookings.map((booking) => booking.startsAt)).toEqual([
        "2026-10-20T07:30:00.000Z",
        "2026-10-22T07:30:00.000Z",
        "2026-10-27T08:30:00.000Z",
        "2026-10-29T08:30:00.000Z",
      ]);
      expect(series.bookings.map((booking) => berlin(booking.startsAt))).toEqual(["Di., 09:30", "Do., 09:30", "Di., 09:30", "Do., 09:30"]);
      // Nothing of this is left open in the past for other files' ticks.
      const cancelled = await ctx.coordinator.post(`/v1/booking-series/${series.id}/cancel`, { reason: "Testende" });
      expect(cancelled.status).toBe(200);
    });

    it("accepts 52 occurrences", async () => {
      const series = await createSeries(seriesBody({ recurrence: { weekdays: [1, 2, 3, 4, 5, 6, 7], count: 52 } }));
      expect(series.bookings).toHaveLength(52);
      // Thursday 22 April, 10:00 summer time.
      expect(series.bookings.at(-1)!.startsAt).toBe("2027-04-22T08:00:00.000Z");
      expect(new Set(series.bookings.map((booking) => booking.code)).size).toBe(52);
    });

    const invalid: { name: string; body: Record<string, unknown>; path: (string | number)[]; message?: RegExp }[] = [
      { name: "a count of 53", body: { recurrence: { weekdays: [2], count: 53 } }, path: ["recurrence", "count"] },
      { name: "more than 52 occurrences until a date", body: { recurrence: { weekdays: [1, 2, 3, 4, 5, 6, 7], until: "2027-06-30" } }, path: ["recurrence"], message: /52/ },
      { name: "both until and count", body: { recurrence: { weekdays: [2], count: 3, until: "2027-04-01" } }, path: ["recurrence"], message: /either/ },
      { name: "neither until nor count", body: { recurrence: { weekdays: [2] } }, path: ["recurrence"], message: /either/ },
      { name: "no weekdays", body: { recurrence: { weekdays: [], count: 3 } }, path: ["recurrence", "weekdays"] },
      { name: "weekday 0", body: { recurrence: { weekdays: [0], count: 3 } }, path: ["recurrence", "weekdays", 0] },
      { name: "weekday 8", body: { recurrence: { weekdays: [2, 8], count: 3 } }, path: ["recurrence", "weekdays", 1] },
      { name: "a count of 0", body: { recurrence: { weekdays: [2], count: 0 } }, path: ["recurrence", "count"] },
      { name: "until before the first start", body: { recurrence: { weekdays: [2], until: "2027-03-01" } }, path: ["recurrence"], message: /no occurrence/ },
      { name: "an invalid until", body: { recurrence: { weekdays: [2], until: "01.04.2027" } }, path: ["recurrence", "until"] },
      { name: "an unknown field in the rule", body: { recurrence: { weekdays: [2], count: 3, interval: 2 } }, path: ["recurrence"], message: /interval/ },
      { name: "no rule", body: { recurrence: undefined }, path: ["recurrence"] },
      { name: "a first start in the past", body: { startsAt: "2027-03-01T08:59:00+01:00" }, path: ["startsAt"], message: /past/ },
      {
        name: "a last occurrence more than two years ahead",
        body: { startsAt: "2029-02-20T10:00:00+01:00", recurrence: { weekdays: [2], count: 3 } },
        path: ["recurrence"],
        message: /730/,
      },
      { name: "an on-site series without a place", body: { mode: "onsite" }, path: ["location"] },
      { name: "a duration of 601 minutes", body: { durationMinutes: 601 }, path: ["durationMinutes"] },
      { name: "an unknown language", body: { language: "xx" }, path: ["language"] },
      { name: "an unknown organisation", body: { organisationId: randomUUID() }, path: ["organisationId"] },
    ];

    it.each(invalid)("answers 422 for $name and creates nothing", async ({ body, path, message }) => {
      const org = await newOrganisation(ctx.coordinator);
      const response = await ctx.coordinator.post("/v1/booking-series", seriesBody({ organisationId: org.id, ...body }));
      expectValidationError(response, path, message);
      expect(await bookingsOf(org.id)).toEqual([]);
    });
  });

  describe("GET /v1/booking-series/{id}", () => {
    it("answers 404 for an unknown series", async () => {
      expectError(await ctx.coordinator.get(`/v1/booking-series/${randomUUID()}`), 404, "NOT_FOUND");
      expectError(await ctx.coordinator.get(`/v1/booking-series/nope`), 404, "NOT_FOUND");
    });

    it("shows a series and its bookings to finance, without case details", async () => {
      const series = await createSeries(seriesBody({ caseReference: "AZ-1", notes: "intern" }));
      const seen = await readSeries(series.id, ctx.finance);
      expect(seen.bookings.map((booking) => booking.id)).toEqual(series.bookings.map((booking) => booking.id));
      for (const booking of seen.bookings) {
        expect(booking).not.toHaveProperty("caseReference");
        expect(booking).not.toHaveProperty("notes");
      }
    });
  });

  describe("cancelling", () => {
    it("cancels one occurrence with POST /v1/bookings/{id}/cancel and leaves the others", async () => {
      const series = await createSeries(seriesBody({ recurrence: { weekdays: [2], count: 4 } }));
      const second = series.bookings[1]!;
      const response = await ctx.coordinator.post(`/v1/bookings/${second.id}/cancel`, { reason: "Ferien" });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toMatchObject({ status: "cancelled", seriesId: series.id });

      const after = await readSeries(series.id);
      expect(statuses(after)).toEqual(["open", "cancelled", "open", "open"]);
      expect(after.bookings[1]!.cancellation).toMatchObject({ by: "coordinator", reason: "Ferien", late: false });
    });

    it("cancels the rest of a series from a given time, each as a normal cancellation", async () => {
      const series = await createSeries(seriesBody({ recurrence: { weekdays: [2], count: 6 } }));
      const [, , , fourth, fifth] = series.bookings as [Booking, Booking, Booking, Booking, Booking, Booking];
      // One later occurrence is already cancelled: it keeps its own cancellation.
      expect((await ctx.coordinator.post(`/v1/bookings/${fifth.id}/cancel`, { reason: "Ferien" })).status).toBe(200);

      const response = await ctx.coordinator.post(`/v1/booking-series/${series.id}/cancel`, { reason: "Maßnahme beendet", from: fourth.startsAt });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body.id).toBe(series.id);
      expect(statuses(response.body)).toEqual(["open", "open", "open", "cancelled", "cancelled", "cancelled"]);
      expect(response.body.bookings[3].cancellation).toMatchObject({ by: "coordinator", reason: "Maßnahme beendet", late: false });
      expect(response.body.bookings[4].cancellation.reason).toBe("Ferien");
      expect(response.body.bookings[5].cancellation.reason).toBe("Maßnahme beendet");

      const history = (await ctx.coordinator.get(`/v1/bookings/${fourth.id}`)).body.history;
      expect(history.at(-1)).toMatchObject({ action: "cancelled", from: "open", to: "cancelled", reason: "Maßnahme beendet" });
      expect((await ctx.coordinator.get(`/v1/bookings/${fifth.id}`)).body.history.map((entry: { action: string }) => entry.action)).toEqual([
        "created",
        "cancelled",
      ]);
    });

    it("cancels from now by default, marking the next occurrence late when it is less than 24 hours away", async () => {
      const series = await createSeries(seriesBody({ recurrence: { weekdays: [2], count: 4 } }));
      // Monday 8 March 11:00: the first occurrence has passed, the second is tomorrow at 10:00.
      ctx.clock.set("2027-03-08T10:00:00Z");
      const response = await ctx.coordinator.post(`/v1/booking-series/${series.id}/cancel`, { reason: "abgebrochen" });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(statuses(response.body)).toEqual(["open", "cancelled", "cancelled", "cancelled"]);
      expect(response.body.bookings.map((booking: Booking) => booking.cancellation?.late ?? null)).toEqual([null, true, false, false]);
      expect(response.body.bookings[1].cancellation.at).toBe("2027-03-08T10:00:00.000Z");
    });

    it("validates the cancellation and answers 404 for an unknown series", async () => {
      const series = await createSeries(seriesBody());
      expectValidationError(await ctx.coordinator.post(`/v1/booking-series/${series.id}/cancel`, {}), ["reason"]);
      expectValidationError(await ctx.coordinator.post(`/v1/booking-series/${series.id}/cancel`, { reason: "x", from: "2027-03-09" }), ["from"]);
      expect(statuses(await readSeries(series.id))).toEqual(["open", "open", "open"]);
      expectError(await ctx.coordinator.post(`/v1/booking-series/${randomUUID()}/cancel`, { reason: "x" }), 404, "NOT_FOUND");
    });
  });

  describe("roles", () => {
    it("lets requesters book, read and cancel their own organisation's series only", async () => {
      const own = await ctx.newRequester();
      const other = await ctx.newRequester();
      const { organisationId: _coordinatorsOrganisation, ...withoutOrganisation } = seriesBody();
      const series = await createSeries(withoutOrganisation, own.client);
      expect(series.organisationId).toBe(own.organisationId);
      expect(series.bookings.every((booking) => booking.organisationId === own.organisationId)).toBe(true);
      expect((await readSeries(series.id, own.client)).bookings).toHaveLength(3);

      expectError(await other.client.get(`/v1/booking-series/${series.id}`), 404, "NOT_FOUND");
      expectError(await other.client.post(`/v1/booking-series/${series.id}/cancel`, { reason: "x" }), 404, "NOT_FOUND");
      expectError(await other.client.post(`/v1/bookings/${series.bookings[0]!.id}/cancel`, { reason: "x" }), 404, "NOT_FOUND");
      expectError(await own.client.post("/v1/booking-series", seriesBody({ organisationId: other.organisationId })), 403, "FORBIDDEN");
      expect(await bookingsOf(other.organisationId)).toEqual([]);
      expectError(await own.client.post(`/v1/booking-series/${series.id}/cancel`, { reason: "x", cancelledBy: "coordinator" }), 403, "FORBIDDEN");
      expect(statuses(await readSeries(series.id))).toEqual(["open", "open", "open"]);

      const cancelled = await own.client.post(`/v1/booking-series/${series.id}/cancel`, { reason: "nicht mehr nötig" });
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
      expect(cancelled.body.bookings.map((booking: Booking) => booking.cancellation?.by)).toEqual(["requester", "requester", "requester"]);
    });

    it("refuses finance keys to create or cancel, and callers without a key", async () => {
      const org = await newOrganisation(ctx.coordinator);
      expectError(await ctx.finance.post("/v1/booking-series", seriesBody({ organisationId: org.id })), 403, "FORBIDDEN");
      expect(await bookingsOf(org.id)).toEqual([]);
      const series = await createSeries(seriesBody());
      expectError(await ctx.finance.post(`/v1/booking-series/${series.id}/cancel`, { reason: "x" }), 403, "FORBIDDEN");
      expectError(await ctx.anonymous.post("/v1/booking-series", seriesBody()), 401, "UNAUTHORIZED");
      expectError(await ctx.anonymous.get(`/v1/booking-series/${series.id}`), 401, "UNAUTHORIZED");
      expect(statuses(await readSeries(series.id))).toEqual(["open", "open", "open"]);
    });
  });
});
