import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordingSmsSender } from "../../src/sms/sms-sender";
import { expectError, expectValidationError } from "../helpers/assertions";
import { ALL_WEEK } from "../helpers/fixtures";
import { createTestContext, newInterpreter, type ApiClient, type TestContext } from "../helpers/test-app";
import { serverPrivateDatabase } from "../helpers/test-database";

describe("PATCH /v1/bookings/{id}", () => {
  let ctx: TestContext;
  // On the PostgreSQL server a database of this file's own: its ticks act on the whole database.
  let own: Awaited<ReturnType<typeof serverPrivateDatabase>>;
  let sms: RecordingSmsSender;
  let requester: ApiClient;

  beforeAll(async () => {
    own = await serverPrivateDatabase("bookingchanges");
    ctx = await createTestContext(own ? { deps: { db: own.db } } : {});
    sms = ctx.deps.sms as RecordingSmsSender;
    requester = (await ctx.newRequester()).client;
  });

  afterAll(async () => {
    await own?.dispose();
  });

  async function interpreter() {
    const created = await newInterpreter(ctx.coordinator, { languages: [{ code: "wln", level: "native" }] });
    await ctx.coordinator.put(`/v1/interpreters/${created.id}/availability`, { weekly: ALL_WEEK, absences: [] });
    return created as { id: string; phone: string };
  }

  async function booking(startsAt: string, client: ApiClient = requester) {
    const response = await client.post("/v1/bookings", {
      language: "wln",
      startsAt,
      durationMinutes: 60,
      mode: "onsite",
      location: { street: "Markt 1", postcode: "52349", city: "Düren" },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { id: string; code: string };
  }

  it("tells the assigned interpreter of a new time and place by SMS and records the change", async () => {
    const person = await interpreter();
    const job = await booking("2026-12-14T10:00:00+01:00");
    expect((await ctx.coordinator.post(`/v1/bookings/${job.id}/assign`, { interpreterId: person.id })).status).toBe(200);

    const changed = await requester.patch(`/v1/bookings/${job.id}`, {
      startsAt: "2026-12-14T14:00:00+01:00",
      location: { street: "Kaiserplatz 2", postcode: "52349", city: "Düren", room: "12" },
      notes: "Bitte pünktlich",
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ status: "assigned", startsAt: "2026-12-14T13:00:00.000Z", endsAt: "2026-12-14T14:00:00.000Z", notes: "Bitte pünktlich" });
    expect(changed.body.location).toEqual({ street: "Kaiserplatz 2", postcode: "52349", city: "Düren", room: "12" });

    await ctx.coordinator.post("/v1/dispatch/tick");
    const texts = sms.to(person.phone);
    expect(texts.at(-1)).toMatch(new RegExp(`^Geändert: Einsatz ${job.code} ist jetzt Mo 14.12. 14:00-15:00, .*Kaiserplatz 2.*ABSAGE ${job.code}$`));
    const history = (await ctx.coordinator.get(`/v1/bookings/${job.id}`)).body.history;
    expect(history.at(-1)).toMatchObject({ action: "changed", from: "assigned", to: "assigned" });
  });

  it("refuses a new time at which the assigned interpreter is busy (409 DOUBLE_BOOKING) and changes nothing", async () => {
    const person = await interpreter();
    const first = await booking("2026-12-15T10:00:00+01:00");
    const second = await booking("2026-12-15T14:00:00+01:00");
    await ctx.coordinator.post(`/v1/bookings/${first.id}/assign`, { interpreterId: person.id });
    await ctx.coordinator.post(`/v1/bookings/${second.id}/assign`, { interpreterId: person.id });
    const clash = await ctx.coordinator.patch(`/v1/bookings/${second.id}`, { startsAt: "2026-12-15T10:30:00+01:00" });
    expectError(clash, 409, "DOUBLE_BOOKING");
    expect((await ctx.coordinator.get(`/v1/bookings/${second.id}`)).body.startsAt).toBe("2026-12-15T13:00:00.000Z");
  });

  it("withdraws offers made with the old details and reopens the booking", async () => {
    const person = await interpreter();
    const job = await booking("2026-12-16T10:00:00+01:00");
    const offered = await ctx.coordinator.post(`/v1/bookings/${job.id}/offers`, { interpreterIds: [person.id] });
    expect(offered.status, JSON.stringify(offered.body)).toBe(200);
    const changed = await ctx.coordinator.patch(`/v1/bookings/${job.id}`, { durationMinutes: 120 });
    expect(changed.body).toMatchObject({ status: "open", durationMinutes: 120 });
    await ctx.coordinator.post("/v1/dispatch/tick");
    expect(sms.to(person.phone)).toEqual([expect.stringContaining(`Dolmetscheinsatz ${job.code}`), expect.stringContaining(`Einsatz ${job.code} ist vergeben oder entfallen`)]);
  });

  it("validates the change and refuses finished bookings", async () => {
    const job = await booking("2026-12-17T10:00:00+01:00");
    expectValidationError(await requester.patch(`/v1/bookings/${job.id}`, { startsAt: "2026-11-01T10:00:00+01:00" }), ["startsAt"]);
    expectValidationError(await requester.patch(`/v1/bookings/${job.id}`, { location: null }), ["location"]);
    expectValidationError(await requester.patch(`/v1/bookings/${job.id}`, { language: "de" }), []);
    expectValidationError(await requester.patch(`/v1/bookings/${job.id}`, { durationMinutes: 5 }), ["durationMinutes"]);
    await requester.post(`/v1/bookings/${job.id}/cancel`, { reason: "entfällt" });
    expectError(await requester.patch(`/v1/bookings/${job.id}`, { notes: "x" }), 409, "INVALID_TRANSITION");
  });

  it("lets requesters change only their own organisation's bookings; finance not at all", async () => {
    const job = await booking("2026-12-18T10:00:00+01:00");
    const other = (await ctx.newRequester()).client;
    expectError(await other.patch(`/v1/bookings/${job.id}`, { notes: "x" }), 404, "NOT_FOUND");
    expectError(await ctx.finance.patch(`/v1/bookings/${job.id}`, { notes: "x" }), 403, "FORBIDDEN");
    expectError(await ctx.anonymous.patch(`/v1/bookings/${job.id}`, { notes: "x" }), 401, "UNAUTHORIZED");
  });
});
