// POST /v1/sms/inbound under load-like conditions: the same MessageSid delivered several times at
// once (the MessageSid is claimed by the last insert of the reply's transaction, so every copy but
// one is rolled back and answered with the stored reply), and the next offer wave after a NEIN,
// which runs after the answer (handed to the ExecutionContext) and, if that work is lost, is sent by
// the dispatch tick. Runs in the "embedded" and the "postgres" project; every test books a language
// of its own, so automatic waves only reach this file's interpreters.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createInboundService } from "../../../src/features/sms/inbound.service";
import { createPostcodeService } from "../../../src/features/postcodes/postcodes.service";
import { smsTexts } from "../../../src/domain/sms-texts";
import { ALL_WEEK } from "../../helpers/fixtures";
import { createTestContext, newInterpreter, newOrganisation, type TestContext } from "../../helpers/test-app";
import { serverPrivateDatabase } from "../../helpers/test-database";
import { POOL_NUMBER, messageSid, replyOf, smsTestConfig } from "../../helpers/twilio";
import { AfterAnswer, sendSms } from "./settled-sms";

const NOW = "2026-11-24T08:00:00.000Z";
const CONFIG = { ...smsTestConfig, OFFER_TTL_MINUTES: String(7 * 24 * 60), AUTO_DISPATCH: "true", OFFER_WAVE_SIZE: "1" };
const LANGUAGE = { duplicateYes: "mah", duplicateNo: "smo", afterAnswer: "ton", lostWave: "haw" } as const;

let slot = 0;
function nextStart(): string {
  slot += 1;
  return new Date(Date.parse("2026-12-09T08:00:00Z") + slot * 3 * 3_600_000).toISOString();
}

describe("POST /v1/sms/inbound: repeated deliveries at once, and the next wave after the answer", () => {
  let ctx: TestContext;
  // On the PostgreSQL server a database of this file's own: its ticks act on the whole database.
  let own: Awaited<ReturnType<typeof serverPrivateDatabase>>;
  let organisationId: string;

  beforeAll(async () => {
    own = await serverPrivateDatabase("replies");
    ctx = await createTestContext({ config: CONFIG, ...(own ? { deps: { db: own.db } } : {}) });
    organisationId = (await newOrganisation(ctx.coordinator)).id;
  });

  afterAll(async () => {
    await own?.dispose();
  });

  beforeEach(() => {
    ctx.clock.set(NOW);
  });

  const prisma = () => ctx.deps.db.prisma;

  async function interpreter(language: string): Promise<{ id: string; phone: string }> {
    const created = await newInterpreter(ctx.coordinator, { languages: [{ code: language, level: "native" }] });
    const availability = await ctx.coordinator.put(`/v1/interpreters/${created.id}/availability`, { weekly: ALL_WEEK, absences: [] });
    expect(availability.status, JSON.stringify(availability.body)).toBe(200);
    return created;
  }

  /** A booking in `language`, offered at once (AUTO_DISPATCH, waves of one) to the only candidate. */
  async function offeredBooking(language: string): Promise<{ id: string; code: string }> {
    const created = await ctx.coordinator.post("/v1/bookings", {
      organisationId,
      language,
      startsAt: nextStart(),
      durationMinutes: 60,
      mode: "phone",
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body;
  }

  async function offersOf(bookingId: string) {
    return (await prisma().offer.findMany({ where: { bookingId }, orderBy: { createdAt: "asc" } })).map((offer) => [offer.interpreterId, offer.status]);
  }

  it("answers five simultaneous deliveries of one JA identically and assigns once", async () => {
    const person = await interpreter(LANGUAGE.duplicateYes);
    const job = await offeredBooking(LANGUAGE.duplicateYes);
    expect(await offersOf(job.id)).toEqual([[person.id, "pending"]]);
    const sid = messageSid();

    const responses = await Promise.all(Array.from({ length: 5 }, () => sendSms(ctx, person.phone, `JA ${job.code}`, sid)));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(replyOf(responses[0]!)).toMatch(new RegExp(`^Bestätigt: Einsatz ${job.code}, `));
    for (const response of responses) expect(response.body).toBe(responses[0]!.body);

    const booking = await prisma().booking.findUniqueOrThrow({ where: { id: job.id }, include: { events: true } });
    expect(booking).toMatchObject({ status: "assigned", interpreterId: person.id });
    expect(booking.events.filter((event) => event.action === "assigned")).toHaveLength(1);
    expect(await offersOf(job.id)).toEqual([[person.id, "accepted"]]);
    const logged = await prisma().smsMessage.findMany({ where: { OR: [{ providerSid: sid }, { to: person.phone, purpose: "reply" }] } });
    expect(logged.map((message) => [message.direction, message.providerSid, message.replyBody === null ? null : "reply"]).sort()).toEqual([
      ["inbound", sid, "reply"],
      ["outbound", null, null],
    ]);
    expect(logged.find((message) => message.direction === "outbound")!.body).toBe(replyOf(responses[0]!));
  });

  it("answers five simultaneous deliveries of one NEIN identically, declines once and sends one next wave", async () => {
    const first = await interpreter(LANGUAGE.duplicateNo);
    const job = await offeredBooking(LANGUAGE.duplicateNo);
    const second = await interpreter(LANGUAGE.duplicateNo);
    const sid = messageSid();

    const responses = await Promise.all(Array.from({ length: 5 }, () => sendSms(ctx, first.phone, `NEIN ${job.code}`, sid)));
    for (const response of responses) expect(replyOf(response)).toBe(smsTexts.declined(job.code));

    const events = await prisma().bookingEvent.findMany({ where: { bookingId: job.id }, orderBy: { at: "asc" } });
    expect(events.filter((event) => event.action === "offer_declined")).toHaveLength(1);
    expect(await offersOf(job.id)).toEqual([
      [first.id, "declined"],
      [second.id, "pending"],
    ]);
    expect(await prisma().smsMessage.count({ where: { providerSid: sid } })).toBe(1);
    expect(await prisma().smsMessage.count({ where: { to: first.phone, purpose: "reply" } })).toBe(1);
    // Newest last: the offer, the NEIN, the answer to it.
    const log = await ctx.coordinator.get(`/v1/sms/messages?to=${encodeURIComponent(first.phone)}`);
    expect(log.body.items.map((message: { direction: string; purpose: string }) => `${message.direction} ${message.purpose}`)).toEqual(["outbound offer", "inbound reply", "outbound reply"]);
  });

  it("answers a NEIN before the next wave runs, and hands that wave to the ExecutionContext", async () => {
    const first = await interpreter(LANGUAGE.afterAnswer);
    const job = await offeredBooking(LANGUAGE.afterAnswer);
    const second = await interpreter(LANGUAGE.afterAnswer);
    const after = new AfterAnswer();

    const response = await sendSms(ctx, first.phone, `NEIN ${job.code}`, messageSid(), { after, settle: false });
    expect(replyOf(response)).toBe(smsTexts.declined(job.code));
    expect(after.pending).toHaveLength(1);
    await after.settle();
    expect(await offersOf(job.id)).toEqual([
      [first.id, "declined"],
      [second.id, "pending"],
    ]);

    // A reply that ends no wave hands nothing over.
    const help = new AfterAnswer();
    expect(replyOf(await sendSms(ctx, first.phone, "Hallo", messageSid(), { after: help, settle: false }))).toBe(smsTexts.help());
    expect(help.pending).toHaveLength(0);
  });

  it("leaves nothing lost when the next wave never ran (the process ended after the answer): the tick sends it", async () => {
    const first = await interpreter(LANGUAGE.lostWave);
    const job = await offeredBooking(LANGUAGE.lostWave);
    const second = await interpreter(LANGUAGE.lostWave);
    // The reply's transaction alone, as if the process died before the work after the answer.
    const inbound = createInboundService({
      db: ctx.deps.db,
      clock: ctx.clock,
      travelBufferMinutes: ctx.deps.config.TRAVEL_BUFFER_MINUTES,
      lateCancellationHours: ctx.deps.config.LATE_CANCELLATION_HOURS,
      distances: createPostcodeService(ctx.deps.db).distances,
    });
    const result = await inbound.handle({ messageSid: messageSid(), from: first.phone, to: POOL_NUMBER, body: `NEIN ${job.code}` });
    expect(result).toEqual({ reply: smsTexts.declined(job.code), redispatch: [job.id], duplicate: false });
    expect(await offersOf(job.id)).toEqual([[first.id, "declined"]]);

    const tick = await ctx.coordinator.post("/v1/dispatch/tick");
    expect(tick.status, JSON.stringify(tick.body)).toBe(200);
    ctx.clock.set(NOW);
    expect(await offersOf(job.id)).toEqual([
      [first.id, "declined"],
      [second.id, "pending"],
    ]);
  });
});
