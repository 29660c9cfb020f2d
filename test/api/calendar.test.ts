import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordingSmsSender } from "../../src/sms/sms-sender";
import { expectError, expectValidationError } from "../helpers/assertions";
import { ALL_WEEK, NIL_UUID } from "../helpers/fixtures";
import { createTestContext, newInterpreter, uniqueToken, type ApiClient, type TestContext } from "../helpers/test-app";
import { serverPrivateDatabase } from "../helpers/test-database";
import { recordSecret } from "../helpers/test-logs";
import { PUBLIC_BASE_URL, sendSms, smsTestConfig } from "../helpers/twilio";

interface FeedEvent {
  uid: string;
  summary: string;
  description: string;
  location: string | null;
  status: string;
  sequence: number;
  tzid: string | null;
  /** DTSTART as written (local wall clock). */
  localStart: string;
  start: string;
  end: string;
}

/** Parses a feed with ical.js, resolving TZID=Europe/Berlin through the feed's own VTIMEZONE. */
function parseFeed(text: string): FeedEvent[] {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const zones = calendar.getAllSubcomponents("vtimezone");
  expect(zones.map((zone) => zone.getFirstPropertyValue("tzid"))).toEqual(["Europe/Berlin"]);
  ICAL.TimezoneService.register(new ICAL.Timezone(zones[0]!), "Europe/Berlin");
  return calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      summary: event.summary,
      description: event.description,
      location: event.location ?? null,
      status: String(component.getFirstPropertyValue("status")),
      sequence: event.sequence,
      tzid: component.getFirstProperty("dtstart")!.getParameter("tzid") as string | null,
      localStart: event.startDate.toString(),
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
    };
  });
}

describe("calendar feeds", () => {
  let ctx: TestContext;
  // On the PostgreSQL server a database of this file's own: its ticks act on the whole database.
  let own: Awaited<ReturnType<typeof serverPrivateDatabase>>;
  let sms: RecordingSmsSender;
  let requester: ApiClient;
  let organisationName: string;
  let amina: { id: string; phone: string };
  let bilal: { id: string; phone: string };
  const LANGUAGE = "fj";

  beforeAll(async () => {
    own = await serverPrivateDatabase("calendar");
    ctx = await createTestContext({ config: smsTestConfig, ...(own ? { deps: { db: own.db } } : {}) });
    sms = ctx.deps.sms as RecordingSmsSender;
    organisationName = `Schule Am Park ${uniqueToken()}`;
    requester = (await ctx.newRequester({ name: organisationName, kind: "school" })).client;
    const person = async (name: string) => {
      const created = await newInterpreter(ctx.coordinator, { name, languages: [{ code: LANGUAGE, level: "native" }], modes: ["onsite", "phone"] });
      expect((await ctx.coordinator.put(`/v1/interpreters/${created.id}/availability`, { weekly: ALL_WEEK, absences: [] })).status).toBe(200);
      return created as { id: string; phone: string };
    };
    amina = await person("Amina Calendar");
    bilal = await person("Bilal Calendar");
  });

  afterAll(async () => {
    await own?.dispose();
  });

  async function booking(startsAt: string, extra: Record<string, unknown> = {}) {
    const created = await requester.post("/v1/bookings", {
      language: LANGUAGE,
      startsAt,
      durationMinutes: 90,
      mode: "onsite",
      location: { street: "Bismarckstr. 10", postcode: "52351", city: "Düren", room: "2.14" },
      setting: "Elterngespräch",
      topic: "school",
      contactName: "Frau Schmitz",
      contactPhone: "02421 123-456",
      caseReference: "BG-2026-0815",
      notes: "Bitte am Empfang melden",
      ...extra,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string; code: string; startsAt: string; endsAt: string };
  }

  async function assign(bookingId: string, interpreterId: string) {
    const assigned = await ctx.coordinator.post(`/v1/bookings/${bookingId}/assign`, { interpreterId });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
  }

  async function newToken(interpreterId: string, body?: unknown) {
    const created = await ctx.coordinator.post(`/v1/interpreters/${interpreterId}/calendar-token`, body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // The token is a secret: the log scan checks that it never reaches a log line.
    recordSecret(/\/v1\/calendar\/([^/]+)\.ics$/.exec(created.body.url)![1]!);
    return created.body as { url: string; webcalUrl: string; createdAt: string; smsMessageId: string | null };
  }

  const pathOf = (url: string) => new URL(url).pathname;

  async function feed(url: string): Promise<FeedEvent[]> {
    const response = await ctx.anonymous.get(pathOf(url));
    expect(response.status, String(response.body)).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("private, max-age=300");
    return parseFeed(response.body as string);
  }

  it("shows a person's jobs in Berlin time across summer and winter, never other people's, and follows changes and cancellations", async () => {
    const winter = await booking("2026-12-08T09:30:00+01:00");
    const summer = await booking("2027-07-06T09:30:00+02:00");
    const sensitive = await booking("2026-12-09T14:00:00+01:00", { sensitive: true, topic: "psychosocial", setting: "Traumaberatung", location: { street: "Geheimweg 1", postcode: "52349", city: "Düren" } });
    const cancelled = await booking("2026-12-10T10:00:00+01:00");
    const reassigned = await booking("2026-12-11T10:00:00+01:00");
    const bilalsOwn = await booking("2026-12-12T10:00:00+01:00", { setting: "Nur für Bilal" });
    for (const job of [winter, summer, sensitive, cancelled, reassigned]) await assign(job.id, amina.id);
    await assign(bilalsOwn.id, bilal.id);

    const token = await newToken(amina.id);
    expect(token.url).toMatch(new RegExp(`^${PUBLIC_BASE_URL}/v1/calendar/[A-Za-z0-9_-]{43}\\.ics$`));
    expect(token.webcalUrl).toBe(token.url.replace("https:", "webcal:"));
    expect(token.smsMessageId).toBeNull();

    const before = await feed(token.url);
    const byBooking = (events: FeedEvent[], id: string) => events.find((event) => event.uid === `${id}@dolmetscherpool`);
    expect(before.map((event) => event.uid).sort()).toEqual([winter, summer, sensitive, cancelled, reassigned].map((job) => `${job.id}@dolmetscherpool`).sort());
    expect(byBooking(before, bilalsOwn.id)).toBeUndefined();

    // Times: TZID=Europe/Berlin with the local wall clock, which is the booking's start in either season.
    const winterEvent = byBooking(before, winter.id)!;
    expect(winterEvent).toMatchObject({ tzid: "Europe/Berlin", localStart: "2026-12-08T09:30:00", start: winter.startsAt, end: winter.endsAt, status: "CONFIRMED" });
    expect(byBooking(before, summer.id)).toMatchObject({ tzid: "Europe/Berlin", localStart: "2027-07-06T09:30:00", start: "2027-07-06T07:30:00.000Z", status: "CONFIRMED" });
    expect(winterEvent.summary).toBe(`Dolmetschen Fidschi – ${organisationName}`);
    expect(winterEvent.location).toBe("Bismarckstr. 10, 52351 Düren, Raum 2.14");
    expect(winterEvent.description).toContain(`Einsatz ${winter.code}`);
    expect(winterEvent.description).toContain("Anlass: Elterngespräch");
    expect(winterEvent.description).toContain("Kontakt: Frau Schmitz, 02421 123-456");

    // A sensitive job: no place, no organisation, no topic, setting, case reference, notes or contact.
    const sensitiveEvent = byBooking(before, sensitive.id)!;
    expect(sensitiveEvent.location).toBeNull();
    const sensitiveText = `${sensitiveEvent.summary}\n${sensitiveEvent.description}`;
    for (const secret of ["Geheimweg", "52349", organisationName, "Trauma", "psychosozial", "BG-2026-0815", "Empfang", "Schmitz", "02421"]) {
      expect(sensitiveText).not.toContain(secret);
    }
    expect(sensitiveEvent.summary).toBe("Dolmetschen Fidschi (vertraulich)");

    // Changes: a new time moves the event and raises SEQUENCE; a cancellation and a reassignment
    // stay in the feed as CANCELLED (so the phone removes them) and show nothing of the new holder.
    expect((await ctx.coordinator.patch(`/v1/bookings/${winter.id}`, { startsAt: "2026-12-08T11:00:00+01:00" })).status).toBe(200);
    expect((await requester.post(`/v1/bookings/${cancelled.id}/cancel`, { reason: "Termin entfällt" })).status).toBe(200);
    expect((await ctx.coordinator.post(`/v1/bookings/${reassigned.id}/cancel`, { reason: "krank", cancelledBy: "interpreter" })).status).toBe(200);
    await assign(reassigned.id, bilal.id);
    expect((await ctx.coordinator.patch(`/v1/bookings/${reassigned.id}`, { setting: "Neu für Bilal" })).status).toBe(200);

    const after = await feed(token.url);
    const moved = byBooking(after, winter.id)!;
    expect(moved).toMatchObject({ localStart: "2026-12-08T11:00:00", start: "2026-12-08T10:00:00.000Z", status: "CONFIRMED" });
    expect(moved.sequence).toBeGreaterThan(winterEvent.sequence);
    const cancelledEvent = byBooking(after, cancelled.id)!;
    expect(cancelledEvent.status).toBe("CANCELLED");
    expect(cancelledEvent.sequence).toBeGreaterThan(byBooking(before, cancelled.id)!.sequence);
    const lost = byBooking(after, reassigned.id)!;
    expect(lost.status).toBe("CANCELLED");
    expect(lost.location).toBeNull();
    expect(`${lost.summary} ${lost.description}`).not.toContain("Neu für Bilal");
    expect(byBooking(after, bilalsOwn.id)).toBeUndefined();

    // Bilal's feed has his jobs, including the one he took over, and none of Amina's.
    const bilalsFeed = await feed((await newToken(bilal.id)).url);
    expect(bilalsFeed.map((event) => [event.uid, event.status]).sort()).toEqual(
      [[`${bilalsOwn.id}@dolmetscherpool`, "CONFIRMED"], [`${reassigned.id}@dolmetscherpool`, "CONFIRMED"]].sort(),
    );

    // A completed job stays; jobs more than 90 days past drop out.
    ctx.clock.set("2027-07-06T10:00:00Z");
    expect((await requester.post(`/v1/bookings/${summer.id}/complete`, { outcome: "done" })).status).toBe(200);
    const later = await feed(token.url);
    expect(later.map((event) => [event.uid, event.status])).toEqual([[`${summer.id}@dolmetscherpool`, "CONFIRMED"]]);
    ctx.clock.set("2026-11-24T08:00:00Z");
  });

  it("answers If-None-Match with 304 while nothing changed", async () => {
    const token = await newToken(amina.id);
    const first = await ctx.anonymous.get(pathOf(token.url));
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await ctx.anonymous.get(pathOf(token.url), { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    const other = await ctx.anonymous.get(pathOf(token.url), { headers: { "if-none-match": '"something-else"' } });
    expect(other.status).toBe(200);
  });

  it("rotates: the old address stops at once and the new one works; revoking ends the feed", async () => {
    const first = await newToken(amina.id);
    const second = await newToken(amina.id);
    expect(second.url).not.toBe(first.url);
    expectError(await ctx.anonymous.get(pathOf(first.url)), 404, "NOT_FOUND");
    expect((await ctx.anonymous.get(pathOf(second.url))).status).toBe(200);

    expect((await ctx.coordinator.delete(`/v1/interpreters/${amina.id}/calendar-token`)).status).toBe(204);
    expectError(await ctx.anonymous.get(pathOf(second.url)), 404, "NOT_FOUND");
    expectError(await ctx.coordinator.delete(`/v1/interpreters/${amina.id}/calendar-token`), 404, "NOT_FOUND");
  });

  it("answers 404 in the error format for unknown, malformed and extension-less addresses, and for inactive interpreters", async () => {
    const token = await newToken(bilal.id);
    const unknown = await ctx.anonymous.get(`/v1/calendar/${"A".repeat(43)}.ics`);
    expectError(unknown, 404, "NOT_FOUND");
    expect(unknown.headers.get("content-type")).toMatch(/^application\/json/);
    expectError(await ctx.anonymous.get("/v1/calendar/short.ics"), 404, "NOT_FOUND");
    expectError(await ctx.anonymous.get(pathOf(token.url).replace(/\.ics$/, "")), 404, "NOT_FOUND");
    expectError(await ctx.anonymous.get(`${pathOf(token.url)}x`), 404, "NOT_FOUND");

    expect((await ctx.coordinator.patch(`/v1/interpreters/${bilal.id}`, { active: false })).status).toBe(200);
    expectError(await ctx.anonymous.get(pathOf(token.url)), 404, "NOT_FOUND");
    expectError(await ctx.coordinator.post(`/v1/interpreters/${bilal.id}/calendar-token`), 409, "CONFLICT");
    expect((await ctx.coordinator.patch(`/v1/interpreters/${bilal.id}`, { active: true })).status).toBe(200);
    expect((await ctx.anonymous.get(pathOf(token.url))).status).toBe(200);
  });

  it("sends the link by SMS when asked, and refuses (changing nothing) for numbers that opted out or never agreed", async () => {
    const texted = await newToken(amina.id, { sendSms: true });
    expect(texted.smsMessageId).toEqual(expect.any(String));
    const queued = await ctx.coordinator.get(`/v1/sms/messages?to=${encodeURIComponent(amina.phone)}`);
    expect(queued.body.items).toContainEqual(expect.objectContaining({ id: texted.smsMessageId, purpose: "calendar_link", interpreterId: amina.id }));
    expect((await ctx.coordinator.post("/v1/dispatch/tick")).status).toBe(200);
    const texts = sms.to(amina.phone).filter((text) => text.includes("/v1/calendar/"));
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(texted.url);
    expect(texts[0]).toMatch(/^Ihre Einsätze als Kalender: /);

    const stopped = await newInterpreter(ctx.coordinator, { languages: [{ code: LANGUAGE, level: "native" }] });
    const kept = await newToken(stopped.id);
    expect((await sendSms(ctx.anonymous, stopped.phone, "STOPP")).status).toBe(200);
    expectError(await ctx.coordinator.post(`/v1/interpreters/${stopped.id}/calendar-token`, { sendSms: true }), 409, "SMS_OPTED_OUT");
    expect((await ctx.anonymous.get(pathOf(kept.url))).status).toBe(200);

    const silent = await newInterpreter(ctx.coordinator, { languages: [{ code: LANGUAGE, level: "native" }], smsConsent: false });
    expectError(await ctx.coordinator.post(`/v1/interpreters/${silent.id}/calendar-token`, { sendSms: true }), 409, "NO_SMS_CONSENT");
    expect((await ctx.coordinator.post(`/v1/interpreters/${silent.id}/calendar-token`, { sendSms: false })).status).toBe(201);
  });

  it("builds the address from the request's origin when PUBLIC_BASE_URL is not set", async () => {
    const local = await createTestContext(own ? { deps: { db: own.db } } : {});
    const person = await newInterpreter(local.coordinator, { languages: [{ code: LANGUAGE, level: "native" }] });
    const created = await local.coordinator.post(`/v1/interpreters/${person.id}/calendar-token`);
    expect(created.status).toBe(201);
    expect(created.body.url).toMatch(/^http:\/\/localhost\/v1\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    expect((await local.anonymous.get(pathOf(created.body.url))).status).toBe(200);
  });

  it("lets only coordinators create and revoke addresses, and answers 404 or 422 to bad input", async () => {
    const path = `/v1/interpreters/${amina.id}/calendar-token`;
    expectError(await requester.post(path), 403, "FORBIDDEN");
    expectError(await ctx.finance.post(path), 403, "FORBIDDEN");
    expectError(await requester.delete(path), 403, "FORBIDDEN");
    expectError(await ctx.finance.delete(path), 403, "FORBIDDEN");
    expectError(await ctx.anonymous.post(path), 401, "UNAUTHORIZED");

    expectError(await ctx.coordinator.post("/v1/interpreters/not-an-id/calendar-token"), 404, "NOT_FOUND");
    expectError(await ctx.coordinator.post(`/v1/interpreters/${NIL_UUID}/calendar-token`), 404, "NOT_FOUND");
    expectError(await ctx.coordinator.delete(`/v1/interpreters/${NIL_UUID}/calendar-token`), 404, "NOT_FOUND");
    expectValidationError(await ctx.coordinator.post(path, { sendSms: "yes" }), ["sendSms"]);
    expectValidationError(await ctx.coordinator.post(path, { sendSms: true, extra: 1 }), []);
  });
});
