// Offering jobs by SMS (POST /v1/bookings/{id}/offers), automatic dispatch, the dispatch tick
// (lapsing offers, next waves, needsAttention, unfilled bookings, reminders), SMS notices of
// cancellations and withdrawn offers, and the organisations' signed status webhooks.
//
// Isolation: every test books its own language (codes no other test file uses), so candidate
// lists are deterministic. POST /v1/dispatch/tick acts on the whole database, so tests look only
// at their own rows. On the PostgreSQL server this file gets a database of its own: test files of
// both workers run at the same moment there, and a tick of another file (at another fake time)
// would otherwise expire, remind or deliver this file's rows, and this file's ticks theirs.
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { countSegments } from "../../../src/domain/sms-segments";
import type { RecordingSmsSender } from "../../../src/sms/sms-sender";
import { expectError, expectValidationError } from "../../helpers/assertions";
import { ALL_WEEK, ISO_TIMESTAMP, NIL_UUID, UUID } from "../../helpers/fixtures";
import { createTestContext, newInterpreter, newOrganisation, type ApiClient, type TestContext } from "../../helpers/test-app";
import { serverPrivateDatabase } from "../../helpers/test-database";
import { replyOf, smsTestConfig } from "../../helpers/twilio";
import { sendSms } from "./settled-sms";

const NOW = "2026-11-24T08:00:00.000Z"; // Tuesday 09:00 in Berlin
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** NOW plus some milliseconds, as an ISO timestamp. */
const after = (milliseconds: number) => new Date(Date.parse(NOW) + milliseconds).toISOString();
/** A local (Europe/Berlin, winter) time as the API takes it. */
const local = (date: string, time: string) => `${date}T${time}:00+01:00`;
const PLACE = { street: "Bismarckstr. 10", postcode: "52351", city: "Düren" };

interface Person {
  id: string;
  name: string;
  phone: string;
}
interface Booking {
  id: string;
  code: string;
  status: string;
  needsAttention: boolean;
  history: { action: string; from: string | null; to: string | null; reason: string | null; details: any }[];
}
interface Message {
  direction: string;
  to: string;
  body: string;
  purpose: string;
  status: string;
  interpreterId: string | null;
}

describe("SMS offers, the dispatch tick, notices and webhooks", () => {
  let own: Awaited<ReturnType<typeof serverPrivateDatabase>>;
  let ctx: TestContext;
  let sms: RecordingSmsSender;
  let organisationId: string;
  let organisationName: string;

  beforeAll(async () => {
    own = await serverPrivateDatabase("offers");
    // A fast send rate: the outbox paces sends with the (fake) clock, which would drift otherwise.
    ctx = await createTestContext({ config: { ...smsTestConfig, SMS_RATE_PER_SECOND: "50" }, ...(own ? { deps: { db: own.db } } : {}) });
    sms = ctx.deps.sms as RecordingSmsSender;
    organisationName = "Jobcenter Kreis Düren";
    organisationId = (await newOrganisation(ctx.coordinator, { name: organisationName })).id;
  });

  afterAll(async () => {
    await own?.dispose();
  });

  beforeEach(() => {
    ctx.clock.set(NOW);
  });

  async function person(language: string, overrides: Record<string, unknown> = {}, absences: { from: string; to: string }[] = []): Promise<Person> {
    const created = await newInterpreter(ctx.coordinator, { languages: [{ code: language, level: "native" }], ...overrides });
    const availability = await ctx.coordinator.put(`/v1/interpreters/${created.id}/availability`, { weekly: ALL_WEEK, absences });
    expect(availability.status, JSON.stringify(availability.body)).toBe(200);
    return created;
  }

  async function people(language: string, count: number): Promise<Person[]> {
    const list: Person[] = [];
    for (let index = 0; index < count; index++) list.push(await person(language));
    return list;
  }

  async function book(language: string, startsAt: string, overrides: Record<string, unknown> = {}, client: ApiClient = ctx.coordinator): Promise<Booking> {
    const created = await client.post("/v1/bookings", {
      organisationId,
      language,
      startsAt,
      durationMinutes: 60,
      mode: "onsite",
      location: PLACE,
      ...overrides,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body;
  }

  async function read(bookingId: string, client: ApiClient = ctx.coordinator): Promise<Booking> {
    const response = await client.get(`/v1/bookings/${bookingId}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  async function assign(bookingId: string, interpreterId: string): Promise<void> {
    const response = await ctx.coordinator.post(`/v1/bookings/${bookingId}/assign`, { interpreterId });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
  }

  async function cancel(bookingId: string): Promise<void> {
    const response = await ctx.coordinator.post(`/v1/bookings/${bookingId}/cancel`, { reason: "Termin entfällt" });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.status).toBe("cancelled");
  }

  const offer = (bookingId: string, body?: unknown) => ctx.coordinator.post(`/v1/bookings/${bookingId}/offers`, body);

  async function offered(bookingId: string, body?: unknown): Promise<{ wave: number | null; ids: string[]; expiresAt: string[] }> {
    const response = await offer(bookingId, body);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const items = response.body.offered as { offerId: string; interpreterId: string; expiresAt: string }[];
    return { wave: response.body.wave, ids: items.map((item) => item.interpreterId), expiresAt: items.map((item) => item.expiresAt) };
  }

  async function ranked(bookingId: string): Promise<string[]> {
    const response = await ctx.coordinator.get(`/v1/bookings/${bookingId}/candidates`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.candidates.map((candidate: { interpreter: { id: string } }) => candidate.interpreter.id);
  }

  /** The booking's offers as stored, by interpreter. */
  async function offerRows(bookingId: string) {
    return ctx.deps.db.prisma.offer.findMany({ where: { bookingId }, orderBy: [{ wave: "asc" }, { interpreterId: "asc" }] });
  }
  const statusOf = async (bookingId: string) => new Map((await offerRows(bookingId)).map((row) => [row.interpreterId, row.status]));

  /** The booking's outgoing SMS as the outbox stored them (whoever delivered them). */
  async function messages(bookingId: string, purpose?: string): Promise<Message[]> {
    const response = await ctx.coordinator.get(`/v1/sms/messages?bookingId=${bookingId}&direction=outbound&limit=100`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const items = response.body.items as Message[];
    return purpose ? items.filter((message) => message.purpose.startsWith(purpose)) : items;
  }

  /**
   * Runs the tick with the fake clock at `time`. The clock goes back between tests, which a real
   * one never does: the outbox's shared send schedule (one row, set by earlier sends at later
   * fake times) is reset first, or pacing would "sleep" the fake clock forward up to that time.
   */
  async function tickAt(time: string) {
    ctx.clock.set(time);
    await ctx.deps.db.prisma.smsThrottle.updateMany({ data: { nextSlotAt: new Date(time) } });
    const response = await ctx.coordinator.post("/v1/dispatch/tick");
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    ctx.clock.set(time);
    return response.body as { expiredOffers: number; unfilled: number; wavesSent: number; offersSent: number; needsAttention: number; reminders: number };
  }

  describe("POST /v1/bookings/{id}/offers", () => {
    it("asks the OFFER_WAVE_SIZE best-ranked candidates, fewest recent assignments first", async () => {
      const language = "tpi";
      const [often, once, fresh1, fresh2] = await people(language, 4);
      // In the days before the job `often` served twice and `once` once; the other two never.
      for (const [who, date] of [[often!, "2026-11-25"], [often!, "2026-11-26"], [once!, "2026-11-25"]] as const) {
        await assign((await book(language, local(date, "09:00"))).id, who.id);
      }
      const job = await book(language, local("2026-11-27", "10:00"));
      const order = await ranked(job.id);
      expect(order).toEqual([...[fresh1!.id, fresh2!.id].sort(), once!.id, often!.id]);
      expect(ctx.deps.config.OFFER_WAVE_SIZE).toBe(3);

      // No body at all: the default wave.
      const response = await offer(job.id);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toEqual({ bookingId: job.id, wave: 1, offered: expect.any(Array), needsAttention: false });
      expect(response.body.offered).toHaveLength(3);
      for (const item of response.body.offered) {
        expect(item).toEqual({ offerId: expect.stringMatching(UUID), interpreterId: expect.any(String), expiresAt: expect.stringMatching(ISO_TIMESTAMP) });
      }
      const asked = response.body.offered.map((item: { interpreterId: string }) => item.interpreterId);
      expect([...asked].sort()).toEqual(order.slice(0, 3).sort());

      const read1 = await read(job.id);
      expect(read1).toMatchObject({ status: "offered", needsAttention: false });
      expect(read1.history.at(-1)).toMatchObject({
        action: "offered",
        from: "open",
        to: "offered",
        details: { wave: 1, interpreterIds: order.slice(0, 3), expiresAt: after(2 * HOUR) },
      });

      // One offer SMS each, queued in the outbox, handed over by the tick; nothing for `often`.
      const queued = await messages(job.id);
      expect(queued.map((message) => [message.interpreterId, message.purpose, message.status]).sort()).toEqual(
        order.slice(0, 3).map((id) => [id, "offer", "queued"]).sort(),
      );
      await tickAt(NOW);
      for (const who of [fresh1!, fresh2!, once!]) expect(sms.to(who.phone)).toEqual([expect.stringMatching(new RegExp(`^Dolmetscheinsatz ${job.code}: `))]);
      expect(sms.to(often!.phone)).toEqual([]);
      expect((await messages(job.id)).every((message) => message.status === "sent")).toBe(true);
    });

    it("sends an offer text with language, time, place and the answers, in at most 2 segments", async () => {
      const language = "srn";
      const [who] = await people(language, 1);
      const job = await book(language, local("2026-11-25", "09:30"));
      expect((await offered(job.id)).ids).toEqual([who!.id]);
      const [message] = await messages(job.id, "offer");
      const expected = `Dolmetscheinsatz ${job.code}: Srananisch, Mi 25.11. 09:30-10:30, ${organisationName}, Bismarckstr. 10, 52351 Düren. Zusage: JA ${job.code} - Absage: NEIN ${job.code}`;
      expect(message!.body).toBe(expected);
      expect(message!.to).toBe(who!.phone);
      expect(countSegments(expected).segments).toBeLessThanOrEqual(2);
      await tickAt(NOW);
      expect(sms.to(who!.phone)).toEqual([expected]);

      // A long organisation name and a room are shortened, never the answers.
      const long = await newOrganisation(ctx.coordinator, { name: `Kommunales Integrationszentrum ${"Kreis Düren ".repeat(12).trim()}` });
      const crowded = await book(language, local("2026-11-26", "09:30"), { organisationId: long.id, location: { ...PLACE, room: "Raum 2.14, Altbau, zweiter Stock links" } });
      await offered(crowded.id);
      const [text] = await messages(crowded.id, "offer");
      expect(countSegments(text!.body).segments).toBeLessThanOrEqual(2);
      expect(text!.body).toMatch(new RegExp(`^Dolmetscheinsatz ${crowded.code}: Srananisch, Do 26\\.11\\. 09:30-10:30, Kommunales Integrationszentrum .*\\. Zusage: JA ${crowded.code} - Absage: NEIN ${crowded.code}$`));
    });

    it("offers to given interpreters or a given number, and never asks anyone twice", async () => {
      const language = "djk";
      const team = await people(language, 5);
      const job = await book(language, local("2026-11-26", "11:00"));
      const order = await ranked(job.id);
      expect([...order].sort()).toEqual(team.map((member) => member.id).sort());

      // The last-ranked one, by name.
      expect(await offered(job.id, { interpreterIds: [order[4]] })).toMatchObject({ wave: 1, ids: [order[4]] });
      // Two more: the best ones not asked yet.
      const second = await offered(job.id, { waveSize: 2 });
      expect(second.wave).toBe(2);
      expect([...second.ids].sort()).toEqual(order.slice(0, 2).sort());
      // The default wave takes who is left (two of three).
      const third = await offered(job.id, {});
      expect(third.wave).toBe(3);
      expect([...third.ids].sort()).toEqual(order.slice(2, 4).sort());
      // Nobody left, but offers are pending: nothing sent, no alarm.
      expect((await offer(job.id)).body).toEqual({ bookingId: job.id, wave: null, offered: [], needsAttention: false });
      expect(await read(job.id)).toMatchObject({ status: "offered", needsAttention: false });

      const again = await offer(job.id, { interpreterIds: [order[1]] });
      expectValidationError(again, ["interpreterIds", 0], /already asked/i);
      expectValidationError(await offer(job.id, { waveSize: 0 }), ["waveSize"]);
      expectValidationError(await offer(job.id, { interpreterIds: [] }), ["interpreterIds"]);

      const rows = await offerRows(job.id);
      expect(rows.map((row) => row.interpreterId).sort()).toEqual(order.slice().sort());
      const offers = await messages(job.id, "offer");
      expect(offers.map((message) => message.interpreterId).sort()).toEqual(order.slice().sort());
      expect(new Set(offers.map((message) => message.to)).size).toBe(5);
    });

    it("refuses interpreters who cannot take the job (422 with a problem for each), offering nobody", async () => {
      const language = "mfe";
      const [ready] = await people(language, 1);
      const away = await person(language, {}, [{ from: "2026-11-26", to: "2026-11-27" }]);
      const stranger = await person("fij");
      const job = await book(language, local("2026-11-26", "11:00"));

      const response = await offer(job.id, { interpreterIds: [ready!.id, away.id, NIL_UUID, stranger.id, "not-a-uuid"] });
      const absence = expectValidationError(response, ["interpreterIds", 1], /cannot take this job/i);
      expect(absence.code).toBe("absence");
      expectValidationError(response, ["interpreterIds", 2], /unknown interpreter/i);
      expect(expectValidationError(response, ["interpreterIds", 3], /cannot take this job/i).code).toBe("language");
      expectValidationError(response, ["interpreterIds", 4], /unknown interpreter/i);
      expect(response.body.error.details.some((problem: { path: unknown[] }) => problem.path[1] === 0)).toBe(false);

      expect(await read(job.id)).toMatchObject({ status: "open", needsAttention: false });
      expect(await offerRows(job.id)).toEqual([]);
      expect(await messages(job.id)).toEqual([]);

      expectError(await offer(NIL_UUID), 404, "NOT_FOUND");
    });

    it("never offers to interpreters without SMS consent or who opted out", async () => {
      const language = "acf";
      const reachable = await people(language, 2);
      const silent = await person(language, { smsConsent: false });
      const stopped = await person(language);
      const stop = await sendSms(ctx, stopped.phone, "STOPP");
      expect(stop.status).toBe(200);
      expect(replyOf(stop)).toMatch(/keine SMS mehr/);
      expect((await ctx.coordinator.get(`/v1/interpreters/${stopped.id}`)).body.smsOptOutAt).toEqual(expect.stringMatching(ISO_TIMESTAMP));

      const job = await book(language, local("2026-11-26", "13:00"));
      // They can still be assigned by hand: they are candidates, just not for SMS.
      expect([...(await ranked(job.id))].sort()).toEqual([...reachable.map((who) => who.id), silent.id, stopped.id].sort());

      const refused = await offer(job.id, { interpreterIds: [silent.id, stopped.id] });
      expectValidationError(refused, ["interpreterIds", 0], /SMS/);
      expectValidationError(refused, ["interpreterIds", 1], /SMS/);

      const wave = await offered(job.id, { waveSize: 10 });
      expect([...wave.ids].sort()).toEqual(reachable.map((who) => who.id).sort());
      expect((await messages(job.id)).map((message) => message.interpreterId).sort()).toEqual(reachable.map((who) => who.id).sort());

      // Once both lapse, nobody is left: the office is told, the two are still not asked.
      await tickAt(after(2 * HOUR));
      expect(await read(job.id)).toMatchObject({ status: "open", needsAttention: true });
      expect(await offerRows(job.id)).toHaveLength(2);
    });

    it("lets an offer lapse after OFFER_TTL_MINUTES, but no later than an hour before the start", async () => {
      const language = "lou";
      const [who] = await people(language, 1);
      expect(ctx.deps.config.OFFER_TTL_MINUTES).toBe(120);

      const later = await book(language, local("2026-11-26", "09:00"));
      expect((await offered(later.id)).expiresAt).toEqual([after(120 * MINUTE)]);
      // Starts at 11:30 (10:30 UTC): the answer is due at 09:30 UTC, 90 minutes from now.
      const soon = await book(language, local("2026-11-24", "11:30"));
      expect((await offered(soon.id)).expiresAt).toEqual([after(90 * MINUTE)]);
      expect((await offerRows(soon.id)).map((row) => row.expiresAt.toISOString())).toEqual([after(90 * MINUTE)]);
      expect((await read(soon.id)).history.at(-1)!.details).toMatchObject({ expiresAt: after(90 * MINUTE), interpreterIds: [who!.id] });
    });

    it("refuses a job starting within the hour (409) and flags it for the office", async () => {
      const language = "cbk";
      await people(language, 2);
      const job = await book(language, local("2026-11-24", "09:45"));

      const response = await offer(job.id);
      expectError(response, 409, "INVALID_TRANSITION");
      expect(response.body.error.message).toMatch(/less than an hour/);

      const flagged = await read(job.id);
      expect(flagged).toMatchObject({ status: "open", needsAttention: true });
      expect(flagged.history.at(-1)).toMatchObject({ action: "needs_attention", from: "open", to: "open", reason: expect.stringMatching(/1 Stunde/) });
      expect(await offerRows(job.id)).toEqual([]);
      expect(await messages(job.id)).toEqual([]);

      const list = await ctx.coordinator.get(`/v1/bookings?needsAttention=true&language=${language}`);
      expect(list.status).toBe(200);
      expect(list.body.items.map((item: { id: string }) => item.id)).toEqual([job.id]);

      // Asking again changes nothing: still 409, flagged once.
      expectError(await offer(job.id), 409, "INVALID_TRANSITION");
      expect((await read(job.id)).history).toHaveLength(flagged.history.length);
    });

    it("refuses to offer an assigned or cancelled booking (409 INVALID_TRANSITION)", async () => {
      const language = "gcf";
      const [who, other] = await people(language, 2);
      const taken = await book(language, local("2026-11-26", "09:00"));
      await assign(taken.id, who!.id);
      const takenResponse = await offer(taken.id);
      expectError(takenResponse, 409, "INVALID_TRANSITION");
      expect(takenResponse.body.error.details).toEqual({ from: "assigned", to: "offered" });
      expectError(await offer(taken.id, { interpreterIds: [other!.id] }), 409, "INVALID_TRANSITION");

      const gone = await book(language, local("2026-11-26", "14:00"));
      await cancel(gone.id);
      const goneResponse = await offer(gone.id);
      expectError(goneResponse, 409, "INVALID_TRANSITION");
      expect(goneResponse.body.error.details).toEqual({ from: "cancelled", to: "offered" });

      expect(await offerRows(taken.id)).toEqual([]);
      expect(await offerRows(gone.id)).toEqual([]);
    });

    it("is for coordinators only, like the tick", async () => {
      const language = "pis";
      await people(language, 1);
      const requester = await ctx.newRequester();
      const own = await book(language, local("2026-11-26", "09:00"), { organisationId: undefined }, requester.client);

      expectError(await requester.client.post(`/v1/bookings/${own.id}/offers`), 403, "FORBIDDEN");
      expectError(await ctx.finance.post(`/v1/bookings/${own.id}/offers`), 403, "FORBIDDEN");
      expectError(await ctx.anonymous.post(`/v1/bookings/${own.id}/offers`), 401, "UNAUTHORIZED");
      expectError(await requester.client.post("/v1/dispatch/tick"), 403, "FORBIDDEN");
      expectError(await ctx.finance.post("/v1/dispatch/tick"), 403, "FORBIDDEN");
      expectError(await ctx.anonymous.post("/v1/dispatch/tick"), 401, "UNAUTHORIZED");
      expect(await read(own.id)).toMatchObject({ status: "open" });
      expect(await offerRows(own.id)).toEqual([]);
    });
  });

  describe("AUTO_DISPATCH", () => {
    it("offers a new booking at once when on, and leaves it open when off", async () => {
      const language = "bzj";
      const team = await people(language, 2);
      const auto = await createTestContext({
        config: { ...smsTestConfig, AUTO_DISPATCH: "true", SMS_RATE_PER_SECOND: "50" },
        ...(own ? { deps: { db: own.db } } : {}),
      });
      expect(auto.deps.config.AUTO_DISPATCH).toBe(true);
      expect(ctx.deps.config.AUTO_DISPATCH).toBe(false);

      const dispatched = await book(language, local("2026-11-26", "09:00"), {}, auto.coordinator);
      const read1 = await read(dispatched.id);
      expect(read1).toMatchObject({ status: "offered", needsAttention: false });
      expect(read1.history.map((entry) => entry.action)).toEqual(["created", "offered"]);
      expect([...(await offerRows(dispatched.id)).map((row) => row.interpreterId)].sort()).toEqual(team.map((who) => who.id).sort());
      expect((await messages(dispatched.id, "offer")).map((message) => message.interpreterId).sort()).toEqual(team.map((who) => who.id).sort());

      const manual = await book(language, local("2026-11-26", "14:00"));
      await tickAt(NOW);
      const read2 = await read(manual.id);
      expect(read2).toMatchObject({ status: "open", needsAttention: false });
      expect(read2.history.map((entry) => entry.action)).toEqual(["created"]);
      expect(await offerRows(manual.id)).toEqual([]);
      expect(await messages(manual.id)).toEqual([]);
    });
  });

  describe("POST /v1/dispatch/tick", () => {
    it("lets offers lapse, asks the next ones, and flags the booking once nobody is left", async () => {
      const language = "gul";
      await people(language, 5);
      const job = await book(language, local("2026-11-26", "10:00"));
      const order = await ranked(job.id);
      const first = await offered(job.id);
      expect([...first.ids].sort()).toEqual(order.slice(0, 3).sort());
      await tickAt(NOW);

      // A minute before the offers lapse: nothing changes.
      await tickAt(after(119 * MINUTE));
      expect([...(await statusOf(job.id)).values()]).toEqual(["pending", "pending", "pending"]);

      const lapse = await tickAt(after(120 * MINUTE));
      expect(lapse.expiredOffers).toBeGreaterThanOrEqual(1);
      expect(lapse.wavesSent).toBeGreaterThanOrEqual(1);
      const rows = await offerRows(job.id);
      expect(rows.map((row) => [row.wave, row.interpreterId, row.status])).toEqual([
        ...order.slice(0, 3).sort().map((id) => [1, id, "expired"]),
        ...order.slice(3).sort().map((id) => [2, id, "pending"]),
      ]);
      expect(rows.filter((row) => row.wave === 2).map((row) => row.expiresAt.toISOString())).toEqual([after(240 * MINUTE), after(240 * MINUTE)]);
      const read1 = await read(job.id);
      expect(read1).toMatchObject({ status: "offered", needsAttention: false });
      expect(read1.history.at(-1)).toMatchObject({ action: "offered", from: "offered", to: "offered", details: { wave: 2 } });
      // Each was asked once; a lapsed offer sends nothing more.
      const offers = await messages(job.id);
      expect(offers.map((message) => [message.purpose, message.interpreterId]).sort()).toEqual(order.map((id) => ["offer", id]).sort());
      expect(offers.every((message) => message.status === "sent")).toBe(true);

      // The second wave lapses too: nobody left.
      const empty = await tickAt(after(240 * MINUTE));
      expect(empty.needsAttention).toBeGreaterThanOrEqual(1);
      expect([...(await statusOf(job.id)).values()].every((status) => status === "expired")).toBe(true);
      const flagged = await read(job.id);
      expect(flagged).toMatchObject({ status: "open", needsAttention: true });
      expect(flagged.history.at(-1)).toMatchObject({ action: "needs_attention", from: "offered", to: "open" });
      const listed = await ctx.coordinator.get(`/v1/bookings?needsAttention=true&language=${language}`);
      expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([job.id]);

      // Flagged once; further ticks ask nobody.
      await tickAt(after(300 * MINUTE));
      expect((await read(job.id)).history).toHaveLength(flagged.history.length);
      expect(await offerRows(job.id)).toHaveLength(5);
      expect(await messages(job.id)).toHaveLength(5);

      // The office assigns someone by hand: off the list.
      await assign(job.id, order[0]!);
      expect(await read(job.id)).toMatchObject({ status: "assigned", needsAttention: false });
      expect((await ctx.coordinator.get(`/v1/bookings?needsAttention=true&language=${language}`)).body.items).toEqual([]);
    });

    it("marks a booking whose start passed unfilled, its offers expired without an SMS", async () => {
      const language = "icr";
      const team = await people(language, 2);
      // 11:30 and 12:30 local: answers due at 09:30 and (after the 2-hour TTL) 10:00 UTC.
      const early = await book(language, local("2026-11-24", "11:30"));
      const late = await book(language, local("2026-11-24", "12:30"));
      await offered(early.id);
      await offered(late.id);
      await tickAt(NOW);
      const before = new Map(team.map((who) => [who.id, sms.to(who.phone).length]));
      expect([...before.values()]).toEqual([2, 2]);

      // One tick after the start of the first: its offers lapse and it is unfilled; the second
      // has lapsed offers and less than an hour left: too late for SMS, the office is told.
      const tick = await tickAt("2026-11-24T10:31:00.000Z");
      expect(tick.unfilled).toBeGreaterThanOrEqual(1);
      const gone = await read(early.id);
      expect(gone.status).toBe("unfilled");
      expect(gone.history.at(-1)).toMatchObject({ action: "unfilled", from: "offered", to: "unfilled" });
      expect([...(await statusOf(early.id)).values()]).toEqual(["expired", "expired"]);
      const urgent = await read(late.id);
      expect(urgent).toMatchObject({ status: "open", needsAttention: true });
      expect(urgent.history.at(-1)).toMatchObject({ action: "needs_attention", reason: expect.stringMatching(/1 Stunde/) });

      await tickAt("2026-11-24T11:31:00.000Z");
      expect((await read(late.id)).status).toBe("unfilled");
      expect((await ctx.coordinator.get(`/v1/bookings?needsAttention=true&language=${language}`)).body.items).toEqual([]);

      // Nobody heard anything after the offers.
      for (const who of team) expect(sms.to(who.phone)).toHaveLength(2);
      expect((await messages(early.id)).map((message) => message.purpose)).toEqual(["offer", "offer"]);
      expect((await messages(late.id)).map((message) => message.purpose)).toEqual(["offer", "offer"]);
    });

    it("reminds the assigned interpreter once 24 hours and once 2 hours before the start", async () => {
      const language = "kea";
      const [who] = await people(language, 1);
      expect(ctx.deps.config.REMINDER_HOURS).toEqual([24, 2]);
      // Thursday 09:30 local = 08:30 UTC.
      const job = await book(language, local("2026-11-26", "09:30"));
      await assign(job.id, who!.id);
      const reminders = () => sms.to(who!.phone).filter((text) => text.startsWith("Erinnerung"));

      await tickAt(NOW);
      await tickAt("2026-11-25T08:29:00.000Z");
      expect(reminders()).toEqual([]);
      await tickAt("2026-11-25T08:30:00.000Z");
      await tickAt("2026-11-25T08:31:00.000Z");
      await tickAt("2026-11-25T08:31:00.000Z");
      expect(reminders()).toEqual([
        `Erinnerung: Einsatz ${job.code}, Kabuverdianu, Do 26.11. 09:30-10:30, ${organisationName}, Bismarckstr. 10, 52351 Düren. Absagen mit ABSAGE ${job.code}`,
      ]);
      await tickAt("2026-11-26T06:29:00.000Z");
      expect(reminders()).toHaveLength(1);
      await tickAt("2026-11-26T06:30:00.000Z");
      await tickAt("2026-11-26T06:30:00.000Z");
      await tickAt("2026-11-26T07:00:00.000Z");
      expect(reminders()).toHaveLength(2);
      expect((await messages(job.id, "reminder")).map((message) => message.purpose)).toEqual(["reminder_24h", "reminder_2h"]);
      expect(sms.to(who!.phone)).toEqual(reminders());
    });

    it("sends only the 2-hour reminder for a job assigned 3 hours ahead, and none for a cancelled one", async () => {
      const language = "pov";
      const [short, dropped] = await people(language, 2);
      const soon = await book(language, local("2026-11-24", "12:00")); // 11:00 UTC, 3 hours from now
      await assign(soon.id, short!.id);
      const cancelled = await book(language, local("2026-11-24", "12:00"));
      await assign(cancelled.id, dropped!.id);
      const nextDay = await book(language, local("2026-11-25", "12:00"));
      await assign(nextDay.id, dropped!.id);
      await cancel(cancelled.id);
      await cancel(nextDay.id);

      await tickAt(NOW);
      await tickAt("2026-11-24T08:59:00.000Z");
      expect(await messages(soon.id, "reminder")).toEqual([]);
      await tickAt("2026-11-24T09:00:00.000Z");
      await tickAt("2026-11-24T09:30:00.000Z");
      expect((await messages(soon.id, "reminder")).map((message) => message.purpose)).toEqual(["reminder_2h"]);
      expect(sms.to(short!.phone).filter((text) => text.startsWith("Erinnerung"))).toHaveLength(1);

      await tickAt("2026-11-24T11:00:00.000Z");
      await tickAt("2026-11-25T09:00:00.000Z");
      await tickAt("2026-11-25T10:00:00.000Z");
      expect(await messages(cancelled.id, "reminder")).toEqual([]);
      expect(await messages(nextDay.id, "reminder")).toEqual([]);
      expect(sms.to(dropped!.phone).filter((text) => text.startsWith("Erinnerung"))).toEqual([]);
      expect(sms.to(dropped!.phone).filter((text) => text.includes("ist abgesagt"))).toHaveLength(2);
    });
  });

  describe("notices", () => {
    it("tells the assigned interpreter of a cancellation", async () => {
      const language = "wes";
      const [who] = await people(language, 1);
      const job = await book(language, local("2026-11-26", "09:30"));
      await assign(job.id, who!.id);
      await cancel(job.id);

      const text = `Einsatz ${job.code} am Do 26.11. 09:30-10:30 ist abgesagt. Sie müssen nicht kommen. Danke!`;
      expect((await messages(job.id)).map((message) => [message.purpose, message.interpreterId, message.body])).toEqual([["cancelled", who!.id, text]]);
      await tickAt(NOW);
      expect(sms.to(who!.phone)).toEqual([text]);
    });

    it("withdraws the pending offers of a cancelled booking, with a short SMS to each offeree", async () => {
      const language = "hwc";
      const team = await people(language, 3);
      const job = await book(language, local("2026-11-26", "09:30"));
      await offered(job.id);
      const [decliner, ...waiting] = team;
      const declined = await sendSms(ctx, decliner!.phone, `NEIN ${job.code}`);
      expect(replyOf(declined)).toContain("Absage");
      await cancel(job.id);

      const statuses = await statusOf(job.id);
      expect(statuses.get(decliner!.id)).toBe("declined");
      for (const who of waiting) expect(statuses.get(who.id)).toBe("withdrawn");
      const withdrawn = await messages(job.id, "offer_withdrawn");
      const text = `Einsatz ${job.code} ist vergeben oder entfallen. Sie müssen nichts tun. Danke!`;
      expect(withdrawn.map((message) => [message.interpreterId, message.body]).sort()).toEqual(waiting.map((who) => [who.id, text]).sort());
      expect(countSegments(text).segments).toBe(1);

      await tickAt(NOW);
      for (const who of waiting) expect(sms.to(who.phone)).toEqual([expect.stringMatching(/^Dolmetscheinsatz /), text]);
      expect(sms.to(decliner!.phone)).toEqual([expect.stringMatching(/^Dolmetscheinsatz /)]);
    });
  });

  describe("organisation webhooks", () => {
    interface Received {
      method: string;
      path: string;
      headers: IncomingHttpHeaders;
      body: string;
    }

    /** A local HTTP server that records what it receives and answers with the given statuses (then 200). */
    async function receiver(statuses: number[] = []) {
      const received: Received[] = [];
      const server = createServer((request, response) => {
        let body = "";
        request.setEncoding("utf8");
        request.on("data", (chunk: string) => (body += chunk));
        request.on("end", () => {
          received.push({ method: request.method ?? "", path: request.url ?? "", headers: request.headers, body });
          response.writeHead(statuses.shift() ?? 200, { "content-type": "text/plain" });
          response.end("ok");
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as AddressInfo;
      servers.push(server);
      return { url: `http://127.0.0.1:${port}/dolmetscherpool/hook`, received };
    }
    const servers: ReturnType<typeof createServer>[] = [];
    afterAll(async () => {
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    });

    /** Checks the signature with the secret, as a receiving organisation would, and returns the event. */
    function verified(request: Received, secret: string) {
      expect(request.method).toBe("POST");
      expect(request.headers["content-type"]).toMatch(/^application\/json/);
      const timestamp = request.headers["x-dolmetscherpool-timestamp"];
      const signature = request.headers["x-dolmetscherpool-signature"];
      expect(timestamp).toMatch(/^\d+$/);
      const expected = "sha256=" + createHmac("sha256", secret).update(`${timestamp}.${request.body}`).digest("hex");
      expect(signature).toBe(expected);
      return { timestamp: Number(timestamp), event: JSON.parse(request.body) };
    }

    async function register(id: string, url: string): Promise<string> {
      const response = await ctx.coordinator.post(`/v1/organisations/${id}/webhook`, { url });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toEqual({
        url,
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{40,}$/),
        signatureHeader: "X-Dolmetscherpool-Signature",
        timestampHeader: "X-Dolmetscherpool-Timestamp",
      });
      return response.body.secret;
    }

    it("POSTs each status change of the organisation's bookings, signed with the secret", async () => {
      const language = "rcf";
      const [who] = await people(language, 1);
      const hook = await receiver();
      const org = await newOrganisation(ctx.coordinator);
      const quiet = await newOrganisation(ctx.coordinator);
      const requester = await ctx.newRequester();

      expectError(await requester.client.post(`/v1/organisations/${org.id}/webhook`, { url: hook.url }), 403, "FORBIDDEN");
      expectError(await ctx.finance.post(`/v1/organisations/${org.id}/webhook`, { url: hook.url }), 403, "FORBIDDEN");
      expectError(await ctx.anonymous.post(`/v1/organisations/${org.id}/webhook`, { url: hook.url }), 401, "UNAUTHORIZED");
      expectError(await ctx.coordinator.post(`/v1/organisations/${NIL_UUID}/webhook`, { url: hook.url }), 404, "NOT_FOUND");
      expectValidationError(await ctx.coordinator.post(`/v1/organisations/${org.id}/webhook`, { url: "ftp://example.org/hook" }), ["url"]);
      // A new registration replaces the secret: only the last one signs.
      await register(org.id, hook.url);
      const secret = await register(org.id, hook.url);

      const job = await book(language, local("2026-11-26", "09:30"), { organisationId: org.id });
      await offered(job.id);
      await assign(job.id, who!.id);
      const dropped = await book(language, local("2026-11-26", "14:00"), { organisationId: org.id });
      await cancel(dropped.id);
      const elsewhere = await book(language, local("2026-11-26", "16:00"), { organisationId: quiet.id });
      await cancel(elsewhere.id);
      expect(hook.received).toEqual([]);

      await tickAt(NOW);
      expect(hook.received).toHaveLength(3);
      const events = hook.received.map((request) => {
        expect(request.path).toBe("/dolmetscherpool/hook");
        const { timestamp, event } = verified(request, secret);
        expect(Math.abs(timestamp - Date.parse(NOW) / 1000)).toBeLessThanOrEqual(5);
        return event;
      });
      const expected = [
        { bookingId: job.id, code: job.code, from: "open", to: "offered" },
        { bookingId: job.id, code: job.code, from: "offered", to: "assigned" },
        { bookingId: dropped.id, code: dropped.code, from: "open", to: "cancelled" },
      ];
      const key = (event: { bookingId: string; to: string }) => `${event.bookingId}|${event.to}`;
      expect([...events].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
        expected
          .sort((a, b) => key(a).localeCompare(key(b)))
          .map((event) => ({ event: "booking.status_changed", organisationId: org.id, at: NOW, ...event })),
      );

      // Delivered once.
      await tickAt(after(10 * MINUTE));
      expect(hook.received).toHaveLength(3);
    });

    it("retries a delivery the receiver answered with 500, later", async () => {
      const language = "tet";
      const hook = await receiver([500]);
      const org = await newOrganisation(ctx.coordinator);
      const secret = await register(org.id, hook.url);
      const job = await book(language, local("2026-11-27", "09:30"), { organisationId: org.id });
      await cancel(job.id);

      await tickAt(NOW);
      expect(hook.received).toHaveLength(1);
      const first = verified(hook.received[0]!, secret);
      // Not again at once.
      await tickAt(after(20 * SECOND));
      expect(hook.received).toHaveLength(1);

      await tickAt(after(5 * MINUTE));
      expect(hook.received).toHaveLength(2);
      const second = verified(hook.received[1]!, secret);
      expect(second.event).toEqual(first.event);
      expect(second.event).toMatchObject({ event: "booking.status_changed", bookingId: job.id, from: "open", to: "cancelled", at: NOW });
      expect(Math.abs(second.timestamp - Date.parse(after(5 * MINUTE)) / 1000)).toBeLessThanOrEqual(5);

      await tickAt(after(60 * MINUTE));
      expect(hook.received).toHaveLength(2);
    });

    it("DELETE removes the webhook: nothing is POSTed any more", async () => {
      const language = "tet";
      const hook = await receiver();
      const org = await newOrganisation(ctx.coordinator);
      const requester = await ctx.newRequester();
      await register(org.id, hook.url);

      // A change made while the webhook was there, but not yet delivered, is not sent either.
      const queued = await book(language, local("2026-11-27", "11:00"), { organisationId: org.id });
      await cancel(queued.id);

      expectError(await requester.client.delete(`/v1/organisations/${org.id}/webhook`), 403, "FORBIDDEN");
      expectError(await ctx.finance.delete(`/v1/organisations/${org.id}/webhook`), 403, "FORBIDDEN");
      expectError(await ctx.anonymous.delete(`/v1/organisations/${org.id}/webhook`), 401, "UNAUTHORIZED");
      expectError(await ctx.coordinator.delete(`/v1/organisations/${NIL_UUID}/webhook`), 404, "NOT_FOUND");
      const removed = await ctx.coordinator.delete(`/v1/organisations/${org.id}/webhook`);
      expect(removed.status).toBe(204);

      const later = await book(language, local("2026-11-27", "14:00"), { organisationId: org.id });
      await cancel(later.id);
      await tickAt(NOW);
      await tickAt(after(30 * MINUTE));
      expect(hook.received).toEqual([]);
    });
  });
});
