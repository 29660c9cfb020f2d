// POST /v1/sms/inbound: Twilio's signed webhook for the interpreters' answers (JA/NEIN/ABSAGE with
// a job code, STOP/START). Runs in the "embedded" and the "postgres" project. The database is
// shared with the other files of a worker (and in "postgres" with files running at the same
// moment, whose ticks may hand this file's SMS to their own senders): so this file looks at its
// own rows in the database, never at what a RecordingSmsSender saw, and every test books a
// language of its own, so the candidates of an automatic wave are only its own interpreters.
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { germanLanguageName } from "../../../src/domain/languages";
import { maskPhoneNumber } from "../../../src/domain/phone";
import { smsTexts } from "../../../src/domain/sms-texts";
import { expectError, expectValidationError } from "../../helpers/assertions";
import { ALL_WEEK } from "../../helpers/fixtures";
import { createTestContext, newInterpreter, newOrganisation, uniqueMobile, toE164, type TestContext } from "../../helpers/test-app";
import { serverPrivateDatabase } from "../../helpers/test-database";
import { PUBLIC_BASE_URL, POOL_NUMBER, TWILIO_TEST_TOKEN, messageSid, postTwilioWebhook, replyOf, smsTestConfig } from "../../helpers/twilio";
import { sendSms } from "./settled-sms";

const NOW = "2026-11-24T08:00:00.000Z"; // Tuesday 09:00 in Berlin
const INBOUND = "/v1/sms/inbound";
// Offers stay open for a week (but never later than an hour before the start), so that a tick of
// another file at a later fake time does not let this file's offers lapse under its feet.
const CONFIG = { ...smsTestConfig, OFFER_TTL_MINUTES: String(7 * 24 * 60) };

// ISO 639-3 languages no other test file books, one per group of tests.
const LANGUAGE = {
  signature: "chk",
  replay: "pon",
  variants: "kos",
  absage: "yap",
  absageAuto: "pau",
  bare: "tvl",
  strangers: "tkl",
  firstYes: "wls",
  doubleBooking: "niu",
  race: "rar",
  optOut: "rap",
  optOutAuto: "hmo",
  sensitive: "mrv",
} as const;

const PLACE = { street: "Bismarckstr. 10", postcode: "52351", city: "Düren", room: "2.14" };
const CONTACT = { contactName: "Frau Schmitz", contactPhone: "02421 123-456" };

interface Person {
  id: string;
  name: string;
  phone: string;
}

interface Booking {
  id: string;
  code: string;
  status: string;
  interpreterId: string | null;
  updatedAt: string;
  history?: { action: string; actor: { type: string }; from: string | null; to: string | null }[];
}

// Bookings three hours apart from 2 December on, so no two of them clash unless a test wants it.
let bookingSlot = 0;
function nextStart(): string {
  bookingSlot += 1;
  return new Date(Date.parse("2026-12-02T08:00:00Z") + bookingSlot * 3 * 3_600_000).toISOString();
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("POST /v1/sms/inbound", () => {
  let ctx: TestContext;
  // On the PostgreSQL server a database of this file's own: its ticks act on the whole database.
  let own: Awaited<ReturnType<typeof serverPrivateDatabase>>;
  let organisationId: string;
  let organisationName: string;

  beforeAll(async () => {
    own = await serverPrivateDatabase("inbound");
    ctx = await createTestContext({ config: CONFIG, ...(own ? { deps: { db: own.db } } : {}) });
    const organisation = await newOrganisation(ctx.coordinator);
    organisationId = organisation.id;
    organisationName = organisation.name;
  });

  afterAll(async () => {
    await own?.dispose();
  });

  beforeEach(() => {
    ctx.clock.set(NOW);
  });

  const prisma = () => ctx.deps.db.prisma;

  async function interpreter(language: string, context: TestContext = ctx): Promise<Person> {
    const created = await newInterpreter(context.coordinator, { languages: [{ code: language, level: "native" }] });
    const availability = await context.coordinator.put(`/v1/interpreters/${created.id}/availability`, { weekly: ALL_WEEK, absences: [] });
    expect(availability.status, JSON.stringify(availability.body)).toBe(200);
    expect(created.phone).toMatch(/^\+49\d+$/);
    return created as Person;
  }

  async function interpreters(language: string, count: number): Promise<Person[]> {
    const people: Person[] = [];
    for (let index = 0; index < count; index += 1) people.push(await interpreter(language));
    return people;
  }

  async function booking(language: string, overrides: Record<string, unknown> = {}, context: TestContext = ctx, organisation = organisationId): Promise<Booking> {
    const created = await context.coordinator.post("/v1/bookings", {
      organisationId: organisation,
      language,
      startsAt: nextStart(),
      durationMinutes: 60,
      mode: "onsite",
      location: PLACE,
      setting: "Elterngespräch",
      ...CONTACT,
      ...overrides,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as Booking;
  }

  async function offer(bookingId: string, body: Record<string, unknown>, context: TestContext = ctx) {
    const response = await context.coordinator.post(`/v1/bookings/${bookingId}/offers`, body);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as { wave: number; offered: { offerId: string; interpreterId: string }[] };
  }

  async function read(bookingId: string, context: TestContext = ctx): Promise<Booking> {
    const response = await context.coordinator.get(`/v1/bookings/${bookingId}`);
    expect(response.status).toBe(200);
    return response.body as Booking;
  }

  async function offersOf(bookingId: string) {
    return prisma().offer.findMany({ where: { bookingId }, orderBy: { createdAt: "asc" } });
  }

  async function offerStatus(bookingId: string, interpreterId: string): Promise<string | undefined> {
    return (await prisma().offer.findUnique({ where: { bookingId_interpreterId: { bookingId, interpreterId } } }))?.status;
  }

  async function messages(query: Record<string, string>) {
    const response = await ctx.coordinator.get(`/v1/sms/messages?${new URLSearchParams({ limit: "200", ...query })}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.items as { id: string; direction: string; to: string; from: string | null; body: string; status: string; purpose: string; interpreterId: string | null; lastError: string | null }[];
  }

  /**
   * A tick on the whole database. Its outbox waits for the shared send schedule, which another
   * file's fake clock may have pushed far ahead: the fake clock is set back afterwards.
   */
  async function tick() {
    const before = ctx.clock.now();
    const response = await ctx.coordinator.post("/v1/dispatch/tick");
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    ctx.clock.set(before);
  }

  /** The reply to an SMS, asserting the webhook took it. */
  async function answer(from: string, body: string, context: TestContext = ctx): Promise<string> {
    const response = await sendSms(context, from, body);
    expect(response.status, response.body).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/xml/);
    const reply = replyOf(response);
    expect(reply).not.toBeNull();
    return reply!;
  }

  describe("signature and repeated deliveries", () => {
    let person: Person;
    let job: Booking;

    beforeAll(async () => {
      person = await interpreter(LANGUAGE.signature);
      job = await booking(LANGUAGE.signature);
      await offer(job.id, { interpreterIds: [person.id] });
    });

    const params = () => ({ MessageSid: messageSid(), From: person.phone, To: POOL_NUMBER, Body: `JA ${job.code}`, AccountSid: "AC0123", NumMedia: "0" });

    async function expectNothingChanged() {
      expect(await offerStatus(job.id, person.id)).toBe("pending");
      expect(await read(job.id)).toMatchObject({ status: "offered", interpreterId: null });
      expect(await messages({ to: person.phone, direction: "inbound" })).toEqual([]);
      expect((await messages({ to: person.phone })).map((message) => message.purpose)).toEqual(["offer"]);
    }

    it("refuses a wrong signature with 403 and changes nothing", async () => {
      const response = await postTwilioWebhook(ctx.anonymous, INBOUND, params(), { signature: "bm90IGEgc2lnbmF0dXJl" });
      expectError(response, 403, "FORBIDDEN");
      await expectNothingChanged();
    });

    it("refuses a missing signature with 403", async () => {
      const response = await postTwilioWebhook(ctx.anonymous, INBOUND, params(), { signature: null });
      expectError(response, 403, "FORBIDDEN");
      await expectNothingChanged();
    });

    it("refuses a signature made with another token with 403", async () => {
      const response = await postTwilioWebhook(ctx.anonymous, INBOUND, params(), { token: "another-twilio-auth-token-98765" });
      expectError(response, 403, "FORBIDDEN");
      await expectNothingChanged();
    });

    it("refuses a body changed after signing with 403", async () => {
      const signed = { ...params(), Body: `NEIN ${job.code}` };
      const signature = getExpectedTwilioSignature(TWILIO_TEST_TOKEN, PUBLIC_BASE_URL + INBOUND, signed);
      const response = await postTwilioWebhook(ctx.anonymous, INBOUND, { ...signed, Body: `JA ${job.code}` }, { signature });
      expectError(response, 403, "FORBIDDEN");
      // So is a field added after signing.
      const added = await postTwilioWebhook(ctx.anonymous, INBOUND, { ...signed, Extra: "1" }, { signature });
      expectError(added, 403, "FORBIDDEN");
      await expectNothingChanged();
    });

    it("refuses a correctly signed form without Body or MessageSid with 422 and changes nothing", async () => {
      for (const missing of ["Body", "MessageSid"] as const) {
        const form: Record<string, string> = params();
        delete form[missing];
        const response = await postTwilioWebhook(ctx.anonymous, INBOUND, form);
        expectValidationError(response, [missing]);
      }
      await expectNothingChanged();
    });

    it("answers 503 in the error format when no TWILIO_AUTH_TOKEN is configured", async () => {
      const unconfigured = await createTestContext({ config: { OFFER_TTL_MINUTES: CONFIG.OFFER_TTL_MINUTES }, ...(own ? { deps: { db: own.db } } : {}) });
      const response = await sendSms(unconfigured, person.phone, `JA ${job.code}`);
      expectError(response, 503, "SERVICE_UNAVAILABLE");
      expect((response.body as unknown as { error: unknown }).error).toEqual({ code: "SERVICE_UNAVAILABLE", message: expect.stringMatching(/TWILIO_AUTH_TOKEN/), details: null, requestId: expect.any(String) });
      await expectNothingChanged();
    });

    it("gives a repeated MessageSid the same answer and changes nothing", async () => {
      const replayer = await interpreter(LANGUAGE.replay);
      const replayed = await booking(LANGUAGE.replay);
      await offer(replayed.id, { interpreterIds: [replayer.id] });
      const sid = messageSid();

      const first = await sendSms(ctx, replayer.phone, `JA ${replayed.code}`, sid);
      expect(first.status).toBe(200);
      expect(replyOf(first)).toMatch(new RegExp(`^Bestätigt: Einsatz ${replayed.code}`));
      const after = await read(replayed.id);
      expect(after).toMatchObject({ status: "assigned", interpreterId: replayer.id });

      for (let attempt = 0; attempt < 2; attempt += 1) {
        const again = await sendSms(ctx, replayer.phone, `JA ${replayed.code}`, sid);
        expect(again.status).toBe(200);
        expect(again.body).toBe(first.body);
      }
      // Even a different body under the same MessageSid is the same delivery.
      const different = await sendSms(ctx, replayer.phone, `ABSAGE ${replayed.code}`, sid);
      expect(different.body).toBe(first.body);

      const unchanged = await read(replayed.id);
      expect(unchanged).toEqual(after);
      expect(unchanged.history!.filter((entry) => entry.action === "assigned")).toHaveLength(1);
      const inbound = await messages({ to: replayer.phone, direction: "inbound" });
      expect(inbound).toHaveLength(1);
      expect(inbound[0]).toMatchObject({ from: replayer.phone, body: `JA ${replayed.code}`, status: "received" });
      expect(await prisma().smsMessage.count({ where: { providerSid: sid } })).toBe(1);
      expect((await messages({ to: replayer.phone, direction: "outbound" })).filter((message) => message.purpose === "reply")).toHaveLength(1);
    });
  });

  describe("reply variants", () => {
    it.each(["JA {code}", "ja{code}", "Ja, {code}", "YES {code}"])("%s accepts the offer", async (template) => {
      const person = await interpreter(LANGUAGE.variants);
      const job = await booking(LANGUAGE.variants);
      await offer(job.id, { interpreterIds: [person.id] });

      const reply = await answer(person.phone, template.replace("{code}", job.code));
      expect(reply).toMatch(new RegExp(`^Bestätigt: Einsatz ${job.code}, `));
      const assigned = await read(job.id);
      expect(assigned).toMatchObject({ status: "assigned", interpreterId: person.id });
      expect(assigned.history!.at(-1)).toMatchObject({ action: "assigned", from: "offered", to: "assigned", actor: { type: "sms" } });
      expect(await offerStatus(job.id, person.id)).toBe("accepted");
    });

    it.each(["NEIN {code}", "NO {code}"])("%s declines the offer", async (template) => {
      const [person, other] = (await interpreters(LANGUAGE.variants, 2)) as [Person, Person];
      const job = await booking(LANGUAGE.variants);
      await offer(job.id, { interpreterIds: [person.id, other.id] });

      const reply = await answer(person.phone, template.replace("{code}", job.code));
      expect(reply).toBe(smsTexts.declined(job.code));
      expect(await offerStatus(job.id, person.id)).toBe("declined");
      expect(await offerStatus(job.id, other.id)).toBe("pending");
      const after = await read(job.id);
      expect(after).toMatchObject({ status: "offered", interpreterId: null });
      // Who declined, written in the same statement as the decline.
      expect(after.history!.at(-1)).toEqual({
        at: NOW,
        action: "offer_declined",
        actor: { type: "sms", keyId: null, phone: maskPhoneNumber(person.phone) },
        from: null,
        to: null,
        reason: null,
        details: { interpreterId: person.id },
      });
    });

    it("ABSAGE after acceptance reopens the booking", async () => {
      const person = await interpreter(LANGUAGE.absage);
      const job = await booking(LANGUAGE.absage);
      await offer(job.id, { interpreterIds: [person.id] });
      expect(await answer(person.phone, `JA ${job.code}`)).toMatch(/^Bestätigt/);

      const reply = await answer(person.phone, `ABSAGE ${job.code}`);
      expect(reply).toBe(smsTexts.withdrawalReceived(job.code));
      const reopened = await read(job.id);
      expect(reopened).toMatchObject({ status: "open", interpreterId: null });
      expect(reopened.history!.at(-1)).toMatchObject({ action: "interpreter_cancelled", from: "assigned", to: "open", actor: { type: "sms" } });
      // Without AUTO_DISPATCH nobody else is asked by itself.
      expect((await offersOf(job.id)).map((entry) => entry.status)).toEqual(["accepted"]);

      // A second ABSAGE finds nothing to give back.
      expect(await answer(person.phone, `ABSAGE ${job.code}`)).toBe(smsTexts.notAssigned(job.code));
    });

    it("ABSAGE with AUTO_DISPATCH=true restarts dispatch: the next candidate is asked", async () => {
      const auto = await createTestContext({ config: { ...CONFIG, AUTO_DISPATCH: "true", OFFER_WAVE_SIZE: "1" }, ...(own ? { deps: { db: own.db } } : {}) });
      auto.clock.set(NOW);
      const organisation = await newOrganisation(auto.coordinator);
      const first = await interpreter(LANGUAGE.absageAuto, auto);
      const job = await booking(LANGUAGE.absageAuto, {}, auto, organisation.id);
      // Offered at once to the only candidate there was.
      expect((await offersOf(job.id)).map((entry) => [entry.interpreterId, entry.status])).toEqual([[first.id, "pending"]]);
      const second = await interpreter(LANGUAGE.absageAuto, auto);

      expect(await answer(first.phone, `JA ${job.code}`, auto)).toMatch(/^Bestätigt/);
      expect(await read(job.id, auto)).toMatchObject({ status: "assigned", interpreterId: first.id });

      expect(await answer(first.phone, `ABSAGE ${job.code}`, auto)).toBe(smsTexts.withdrawalReceived(job.code));
      const after = await read(job.id, auto);
      expect(after).toMatchObject({ status: "offered", interpreterId: null });
      const actions = after.history!.map((entry) => entry.action);
      expect(actions.slice(-2)).toEqual(["interpreter_cancelled", "offered"]);
      expect(after.history!.find((entry) => entry.action === "interpreter_cancelled")!.actor.type).toBe("sms");
      const offers = await offersOf(job.id);
      expect(offers.map((entry) => [entry.interpreterId, entry.status, entry.wave])).toEqual([
        [first.id, "accepted", 1],
        [second.id, "pending", 2],
      ]);
      const toSecond = await messages({ to: second.phone });
      expect(toSecond.map((message) => message.purpose)).toEqual(["offer"]);
      expect(toSecond[0]!.body).toContain(`JA ${job.code}`);
    });

    it("takes a bare JA or NEIN when exactly one offer is open, and otherwise asks for the code", async () => {
      const [single, double] = (await interpreters(LANGUAGE.bare, 2)) as [Person, Person];
      expect(await answer(single.phone, "JA")).toBe(smsTexts.noOpenOffer());

      const one = await booking(LANGUAGE.bare);
      await offer(one.id, { interpreterIds: [single.id] });
      expect(await answer(single.phone, "ja")).toMatch(new RegExp(`^Bestätigt: Einsatz ${one.code}`));
      expect(await read(one.id)).toMatchObject({ status: "assigned", interpreterId: single.id });

      const a = await booking(LANGUAGE.bare);
      const b = await booking(LANGUAGE.bare);
      await offer(a.id, { interpreterIds: [double.id] });
      await offer(b.id, { interpreterIds: [double.id] });
      for (const bare of ["JA", "Nein", "nein."]) {
        const reply = await answer(double.phone, bare);
        expect(reply).toBe(smsTexts.askForCode([a.code, b.code]));
        expect(reply).toContain(a.code);
        expect(reply).toContain(b.code);
      }
      expect(await offerStatus(a.id, double.id)).toBe("pending");
      expect(await offerStatus(b.id, double.id)).toBe("pending");

      expect(await answer(double.phone, `NEIN ${a.code}`)).toBe(smsTexts.declined(a.code));
      // Now only one is open: a bare answer means that one.
      expect(await answer(double.phone, "NEIN")).toBe(smsTexts.declined(b.code));
      expect(await offerStatus(b.id, double.id)).toBe("declined");
      expect(await answer(double.phone, "NEIN")).toBe(smsTexts.noOpenOffer());
    });

    it("answers anything else with the help text", async () => {
      const person = await interpreter(LANGUAGE.strangers);
      const job = await booking(LANGUAGE.strangers);
      await offer(job.id, { interpreterIds: [person.id] });
      for (const text of ["Hallo, wann genau?", "HILFE", "vielleicht 4711", "", "STOP bitte"]) {
        expect(await answer(person.phone, text)).toBe(smsTexts.help());
      }
      expect(await offerStatus(job.id, person.id)).toBe("pending");
      expect((await read(job.id)).status).toBe("offered");
    });

    it("gives an unknown number no booking details", async () => {
      const person = await interpreter(LANGUAGE.strangers);
      const job = await booking(LANGUAGE.strangers);
      await offer(job.id, { interpreterIds: [person.id] });
      const stranger = toE164(uniqueMobile());
      for (const text of [`JA ${job.code}`, `NEIN ${job.code}`, `ABSAGE ${job.code}`, "JA", "Hallo"]) {
        const reply = await answer(stranger, text);
        expect(reply).toBe(smsTexts.unknownNumber());
        expect(reply).not.toContain(job.code);
        expect(reply).not.toMatch(/\d{4,6}/);
        expect(reply).not.toContain(germanLanguageName(LANGUAGE.strangers));
        for (const detail of [PLACE.street, PLACE.city, PLACE.postcode, organisationName, "Elterngespräch"]) expect(reply).not.toContain(detail);
      }
      expect(await offerStatus(job.id, person.id)).toBe("pending");
      expect(await read(job.id)).toMatchObject({ status: "offered", interpreterId: null });
    });
  });

  describe("first yes wins", () => {
    it("confirms the first yes with all details, tells later ones it is taken and withdraws the rest", async () => {
      const [winner, late, silent] = (await interpreters(LANGUAGE.firstYes, 3)) as [Person, Person, Person];
      const job = await booking(LANGUAGE.firstYes);
      await offer(job.id, { interpreterIds: [winner.id, late.id, silent.id] });

      const confirmation = await answer(winner.phone, `JA ${job.code}`);
      expect(confirmation).toMatch(new RegExp(`^Bestätigt: Einsatz ${job.code}, ${germanLanguageName(LANGUAGE.firstYes)}, `));
      for (const detail of [organisationName, PLACE.street, `${PLACE.postcode} ${PLACE.city}`, `Raum ${PLACE.room}`, "(Elterngespräch)", `Kontakt: ${CONTACT.contactName} ${CONTACT.contactPhone}`, `ABSAGE ${job.code}`]) {
        expect(confirmation).toContain(detail);
      }
      expect(await read(job.id)).toMatchObject({ status: "assigned", interpreterId: winner.id });

      expect(await answer(late.phone, `JA ${job.code}`)).toBe(smsTexts.alreadyTaken(job.code));
      expect(await answer(late.phone, `ja ${job.code}`)).toBe(smsTexts.alreadyTaken(job.code));
      // The winner asking again is told it is theirs already, nothing changes.
      expect(await answer(winner.phone, `JA ${job.code}`)).toBe(smsTexts.alreadyTaken(job.code));

      const assigned = await read(job.id);
      expect(assigned).toMatchObject({ status: "assigned", interpreterId: winner.id });
      expect(assigned.history!.filter((entry) => entry.action === "assigned")).toHaveLength(1);
      expect(Object.fromEntries((await offersOf(job.id)).map((entry) => [entry.interpreterId, entry.status]))).toEqual({
        [winner.id]: "accepted",
        [late.id]: "withdrawn",
        [silent.id]: "withdrawn",
      });

      // The others get a short SMS through the outbox; the winner gets none of those.
      const withdrawn = (await messages({ bookingId: job.id, direction: "outbound" })).filter((message) => message.purpose === "offer_withdrawn");
      expect(withdrawn.map((message) => message.interpreterId).sort()).toEqual([late.id, silent.id].sort());
      for (const message of withdrawn) {
        expect(message.body).toBe(smsTexts.withdrawn(job.code));
        expect(message.body.length).toBeLessThanOrEqual(160);
      }
      await tick();
      for (const person of [late, silent]) {
        const handedOver = await waitFor(
          async () => (await messages({ to: person.phone, direction: "outbound" })).find((message) => message.purpose === "offer_withdrawn"),
          (message) => message?.status === "sent",
        );
        expect(handedOver).toMatchObject({ status: "sent", body: smsTexts.withdrawn(job.code) });
      }
      expect((await messages({ to: winner.phone })).some((message) => message.purpose === "offer_withdrawn")).toBe(false);
    });

    it("refuses a yes that would double-book the interpreter, with the reason, and keeps the booking offered", async () => {
      const [busy, other] = (await interpreters(LANGUAGE.doubleBooking, 2)) as [Person, Person];
      const startsAt = nextStart();
      const held = await booking(LANGUAGE.doubleBooking, { startsAt });
      const clashing = await booking(LANGUAGE.doubleBooking, { startsAt: new Date(Date.parse(startsAt) + 30 * 60_000).toISOString() });
      // Offered both at a time when they were free for both.
      await offer(clashing.id, { interpreterIds: [busy.id, other.id] });
      await offer(held.id, { interpreterIds: [busy.id] });
      expect(await answer(busy.phone, `JA ${held.code}`)).toMatch(new RegExp(`^Bestätigt: Einsatz ${held.code}`));

      const reply = await answer(busy.phone, `JA ${clashing.code}`);
      expect(reply).toBe(smsTexts.notFree(clashing.code, held.code));
      const after = await read(clashing.id);
      expect(after.interpreterId).toBeNull();
      expect(after.status).toBe("offered");
      expect(after.history!.some((entry) => entry.action === "assigned")).toBe(false);
      expect(await offerStatus(clashing.id, busy.id)).toBe("declined");
      expect(await offerStatus(clashing.id, other.id)).toBe("pending");
      expect(await read(held.id)).toMatchObject({ status: "assigned", interpreterId: busy.id });

      // The other one can still take it.
      expect(await answer(other.phone, `JA ${clashing.code}`)).toMatch(/^Bestätigt/);
      expect(await read(clashing.id)).toMatchObject({ status: "assigned", interpreterId: other.id });
    });

    it("assigns exactly one of 30 interpreters answering JA at the same moment", async () => {
      const racers = await interpreters(LANGUAGE.race, 30);
      const job = await booking(LANGUAGE.race);
      const wave = await offer(job.id, { waveSize: 30 });
      expect(wave.offered.map((entry) => entry.interpreterId).sort()).toEqual(racers.map((person) => person.id).sort());

      const responses = await Promise.all(racers.map((person) => sendSms(ctx, person.phone, `JA ${job.code}`)));
      expect(responses.map((response) => response.status)).toEqual(racers.map(() => 200));
      const replies = responses.map((response) => replyOf(response));
      const winners = racers.filter((_, index) => replies[index]!.startsWith(`Bestätigt: Einsatz ${job.code}`));
      expect(winners).toHaveLength(1);
      expect(replies.filter((reply) => reply === smsTexts.alreadyTaken(job.code))).toHaveLength(29);
      expect(replies.every((reply) => /schon vergeben/.test(reply!) || reply!.startsWith("Bestätigt"))).toBe(true);

      const after = await read(job.id);
      expect(after).toMatchObject({ status: "assigned", interpreterId: winners[0]!.id });
      expect(after.history!.filter((entry) => entry.action === "assigned")).toHaveLength(1);
      const offers = await offersOf(job.id);
      expect(offers.filter((entry) => entry.status === "accepted").map((entry) => entry.interpreterId)).toEqual([winners[0]!.id]);
      expect(offers.filter((entry) => entry.status === "withdrawn")).toHaveLength(29);
      const withdrawn = (await messages({ bookingId: job.id, direction: "outbound" })).filter((message) => message.purpose === "offer_withdrawn");
      expect(withdrawn).toHaveLength(29);
      expect(new Set(withdrawn.map((message) => message.interpreterId)).has(winners[0]!.id)).toBe(false);
    });
  });

  describe("STOP and START", () => {
    it.each(["STOP", "STOPP", "ABMELDEN", "UNSUBSCRIBE"])("%s opts out: open offers count as declined", async (word) => {
      const [person, stays] = (await interpreters(LANGUAGE.optOut, 2)) as [Person, Person];
      const job = await booking(LANGUAGE.optOut);
      await offer(job.id, { interpreterIds: [person.id, stays.id] });

      expect(await answer(person.phone, word)).toBe(smsTexts.optedOut());
      const shown = (await ctx.coordinator.get(`/v1/interpreters/${person.id}`)).body;
      expect(shown.smsOptOutAt).toBe(NOW);
      // A change of the record like any other: clients that sync by updatedAt see it.
      expect(shown.updatedAt).toBe(shown.smsOptOutAt);
      expect(shown.smsConsent).toBe(true);
      expect(await offerStatus(job.id, person.id)).toBe("declined");
      expect(await offerStatus(job.id, stays.id)).toBe("pending");
      expect(await read(job.id)).toMatchObject({ status: "offered", interpreterId: null });
    });

    it("with AUTO_DISPATCH=true, STOP starts the next wave at once for every job that waited for the answer", async () => {
      const auto = await createTestContext({ config: { ...CONFIG, AUTO_DISPATCH: "true", OFFER_WAVE_SIZE: "1" }, ...(own ? { deps: { db: own.db } } : {}) });
      auto.clock.set(NOW);
      const organisation = await newOrganisation(auto.coordinator);
      const quitter = await interpreter(LANGUAGE.optOutAuto, auto);
      const jobs = [
        await booking(LANGUAGE.optOutAuto, {}, auto, organisation.id),
        await booking(LANGUAGE.optOutAuto, {}, auto, organisation.id),
      ];
      for (const job of jobs) expect((await offersOf(job.id)).map((entry) => [entry.interpreterId, entry.status])).toEqual([[quitter.id, "pending"]]);
      const next = await interpreter(LANGUAGE.optOutAuto, auto);

      expect(await answer(quitter.phone, "STOP", auto)).toBe(smsTexts.optedOut());
      for (const job of jobs) {
        expect((await offersOf(job.id)).map((entry) => [entry.interpreterId, entry.status])).toEqual([
          [quitter.id, "declined"],
          [next.id, "pending"],
        ]);
      }
    });

    it("sends an opted-out interpreter nothing more and offers them nothing until START", async () => {
      const [quitter, other, third] = (await interpreters(LANGUAGE.optOut, 3)) as [Person, Person, Person];
      const assignedJob = await booking(LANGUAGE.optOut);
      const assign = await ctx.coordinator.post(`/v1/bookings/${assignedJob.id}/assign`, { interpreterId: quitter.id });
      expect(assign.status, JSON.stringify(assign.body)).toBe(200);
      const first = await booking(LANGUAGE.optOut);
      const second = await booking(LANGUAGE.optOut);
      await offer(first.id, { interpreterIds: [quitter.id, other.id] });
      await offer(second.id, { interpreterIds: [quitter.id, other.id] });

      expect(await answer(quitter.phone, "STOPP")).toBe(smsTexts.optedOut());
      expect(await offerStatus(first.id, quitter.id)).toBe("declined");
      expect(await offerStatus(second.id, quitter.id)).toBe("declined");
      const events = await prisma().interpreterEvent.findMany({ where: { interpreterId: quitter.id }, select: { action: true, actorType: true } });
      expect(events).toContainEqual({ action: "sms_opt_out", actorType: "sms" });

      // A later message to them (their job is cancelled) is not handed to the provider.
      const cancel = await ctx.coordinator.post(`/v1/bookings/${assignedJob.id}/cancel`, { reason: "Termin entfällt" });
      expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
      const queued = (await messages({ to: quitter.phone, direction: "outbound" })).find((message) => message.purpose === "cancelled");
      expect(queued).toBeDefined();
      await tick();
      const ended = await waitFor(
        async () => (await messages({ to: quitter.phone, direction: "outbound" })).find((message) => message.id === queued!.id),
        (message) => message?.status === "failed",
      );
      expect(ended).toMatchObject({ status: "failed", lastError: expect.stringMatching(/opted out/i) });

      // Not offered again: neither by name nor among the best-ranked candidates.
      const next = await booking(LANGUAGE.optOut);
      const byName = await ctx.coordinator.post(`/v1/bookings/${next.id}/offers`, { interpreterIds: [quitter.id] });
      expectValidationError(byName, ["interpreterIds", 0], /SMS/);
      const ranked = await offer(next.id, { waveSize: 50 });
      const asked = ranked.offered.map((entry) => entry.interpreterId);
      expect(asked).toEqual(expect.arrayContaining([other.id, third.id]));
      expect(asked).not.toContain(quitter.id);

      // START: reachable again.
      expect(await answer(quitter.phone, "START")).toBe(smsTexts.optedIn());
      expect((await ctx.coordinator.get(`/v1/interpreters/${quitter.id}`)).body.smsOptOutAt).toBeNull();
      const again = await offer(next.id, { interpreterIds: [quitter.id] });
      expect(again.offered.map((entry) => entry.interpreterId)).toEqual([quitter.id]);
      const events2 = await prisma().interpreterEvent.findMany({ where: { interpreterId: quitter.id }, orderBy: { at: "asc" }, select: { action: true } });
      expect(events2.map((event) => event.action).filter((action) => action.startsWith("sms_opt"))).toEqual(["sms_opt_out", "sms_opt_in"]);
    });

    it("ANMELDEN opts in again as well", async () => {
      const person = await interpreter(LANGUAGE.optOut);
      expect(await answer(person.phone, "ABMELDEN")).toBe(smsTexts.optedOut());
      expect((await ctx.coordinator.get(`/v1/interpreters/${person.id}`)).body.smsOptOutAt).toBe(NOW);
      ctx.clock.advance(60_000);
      expect(await answer(person.phone, "anmelden")).toBe(smsTexts.optedIn());
      expect((await ctx.coordinator.get(`/v1/interpreters/${person.id}`)).body.smsOptOutAt).toBeNull();
    });
  });

  describe("sensitive bookings", () => {
    it("show neither place nor setting in the offer, but both in the confirmation", async () => {
      const person = await interpreter(LANGUAGE.sensitive);
      const job = await booking(LANGUAGE.sensitive, { sensitive: true, setting: "Kinderschutzgespräch" });
      await offer(job.id, { interpreterIds: [person.id] });

      const offers = (await messages({ bookingId: job.id, direction: "outbound" })).filter((message) => message.purpose === "offer");
      expect(offers).toHaveLength(1);
      const text = offers[0]!.body;
      expect(text).toContain(job.code);
      expect(text).toContain(germanLanguageName(LANGUAGE.sensitive));
      expect(text).toContain("Ort nach Zusage");
      for (const secret of [PLACE.street, PLACE.postcode, PLACE.city, PLACE.room, organisationName, "Kinderschutzgespräch", CONTACT.contactName]) {
        expect(text).not.toContain(secret);
      }

      const confirmation = await answer(person.phone, `JA ${job.code}`);
      for (const detail of [PLACE.street, `${PLACE.postcode} ${PLACE.city}`, `Raum ${PLACE.room}`, "(Kinderschutzgespräch)", CONTACT.contactName]) {
        expect(confirmation).toContain(detail);
      }
    });
  });
});
