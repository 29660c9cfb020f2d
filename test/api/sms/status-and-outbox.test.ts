// POST /v1/sms/status (Twilio's delivery reports), the SMS outbox (pacing, retries, recovery,
// exactly-once hand-over) and GET /v1/sms/messages.
//
// This file runs on a database of its own (embedded, or a scratch database on the PostgreSQL
// server in the "postgres" project): the outbox's send schedule is one row for all instances and
// every deliverDue claims whatever is due, so on the shared database another file's tick (with
// its own fake clock, at the same moment in the "postgres" project) would move the schedule or
// hand this file's messages to its own sender, and no assertion about pacing, retries or
// "exactly once" would be sound.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { enqueueSms } from "../../../src/features/sms/outbox";
import { createServices } from "../../../src/services";
import type { RecordingSmsSender } from "../../../src/sms/sms-sender";
import { expectError, expectValidationError } from "../../helpers/assertions";
import { ALL_WEEK, NIL_UUID } from "../../helpers/fixtures";
import { walkPages } from "../../helpers/pagination";
import { createTestContext, newInterpreter, newOrganisation, toE164, uniqueMobile, type TestContext } from "../../helpers/test-app";
import { privateDatabase, type PrivateDatabase } from "../../helpers/test-database";
import { messageSid, postTwilioWebhook, smsTestConfig } from "../../helpers/twilio";
import { sendSms } from "./settled-sms";

const NOW = "2026-11-24T08:00:00.000Z"; // Tuesday 09:00 in Berlin
const STATUS = "/v1/sms/status";
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const BACKOFF_SECONDS = [30, 120, 600, 1800];
const CONFIG = { ...smsTestConfig, OFFER_TTL_MINUTES: String(7 * 24 * 60) };
// Languages no other test file books (this file has a database of its own anyway).
const LANGUAGE = { undelivered: "pkp", failed: "hif", list: "fud" } as const;

interface Message {
  id: string;
  direction: string;
  to: string;
  from: string | null;
  body: string;
  status: string;
  purpose: string;
  bookingId: string | null;
  interpreterId: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

const ownDatabase = () => privateDatabase("smsoutbox", 10);

/** "+4915112345678" as a coordinator would type it: "0151 12345678". */
const national = (e164: string) => `0${e164.slice(3, 6)} ${e164.slice(6)}`;

describe("SMS status callbacks and the outbox", () => {
  let own: PrivateDatabase | undefined;
  let ctx: TestContext;
  let sms: RecordingSmsSender;
  let organisationId: string;

  beforeAll(async () => {
    own = await ownDatabase();
    ctx = await createTestContext({ config: CONFIG, deps: { db: own.db } });
    sms = ctx.deps.sms as RecordingSmsSender;
    organisationId = (await newOrganisation(ctx.coordinator)).id;
  });

  afterAll(async () => {
    await own?.dispose();
  });

  beforeEach(async () => {
    ctx.clock.set(NOW);
    // Each test starts with an empty send schedule and nothing left to send from the one before.
    await prisma().smsThrottle.deleteMany({});
    await prisma().smsMessage.updateMany({
      where: { direction: "outbound", status: { in: ["queued", "sending"] } },
      data: { status: "failed", lastError: "left over by an earlier test" },
    });
  });

  afterEach(() => {
    sms.clearFailures();
  });

  const prisma = () => ctx.deps.db.prisma;

  /** Queues SMS the way every feature does: in a transaction, at the clock's time. */
  async function enqueue(phones: string[], purpose = "reminder_24h", context: TestContext = ctx) {
    const queued = await prisma().$transaction((tx) =>
      enqueueSms(tx, context.clock.now(), phones.map((to, index) => ({ to, body: `Testnachricht ${index + 1}`, purpose }))),
    );
    expect(queued.map((message) => message.to)).toEqual(phones);
    return queued.map((message) => message.id);
  }

  async function row(id: string) {
    return prisma().smsMessage.findUniqueOrThrow({ where: { id } });
  }

  async function messages(query: Record<string, string>): Promise<Message[]> {
    const response = await ctx.coordinator.get(`/v1/sms/messages?${new URLSearchParams({ limit: "200", ...query })}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.items;
  }

  const phones = (count: number) => Array.from({ length: count }, () => toE164(uniqueMobile()));

  function status(params: Record<string, string>, options: { signature?: string | null; token?: string } = {}) {
    return postTwilioWebhook(ctx.anonymous, STATUS, { AccountSid: "AC0123", ApiVersion: "2010-04-01", ...params }, options);
  }

  async function interpreter(language: string) {
    const created = await newInterpreter(ctx.coordinator, { languages: [{ code: language, level: "native" }] });
    const availability = await ctx.coordinator.put(`/v1/interpreters/${created.id}/availability`, { weekly: ALL_WEEK, absences: [] });
    expect(availability.status, JSON.stringify(availability.body)).toBe(200);
    return created as { id: string; phone: string };
  }

  async function booking(language: string, startsAt: string) {
    const created = await ctx.coordinator.post("/v1/bookings", {
      organisationId,
      language,
      startsAt,
      durationMinutes: 60,
      mode: "onsite",
      location: { street: "Bismarckstr. 10", postcode: "52351", city: "Düren" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string; code: string };
  }

  describe("POST /v1/sms/status", () => {
    it("stores delivered, undelivered and failed per MessageSid", async () => {
      const [toDelivered, toUndelivered, toFailed] = phones(3) as [string, string, string];
      const ids = await enqueue([toDelivered, toUndelivered, toFailed]);
      expect(await createServices(ctx.deps).outbox.deliverDue()).toEqual({ sent: 3, retried: 0, failed: 0 });
      const sids = await Promise.all(ids.map(async (id) => (await row(id)).providerSid!));
      expect(sids.every((sid) => typeof sid === "string" && sid.length > 0)).toBe(true);
      for (const [index, phone] of [toDelivered, toUndelivered, toFailed].entries()) {
        expect(sms.sent.filter((message) => message.to === phone).map((message) => message.providerSid)).toEqual([sids[index]]);
      }

      for (const [sid, reported] of [[sids[0]!, "delivered"], [sids[1]!, "undelivered"], [sids[2]!, "failed"]] as const) {
        const response = await status({ MessageSid: sid, MessageStatus: reported, ...(reported === "delivered" ? {} : { ErrorCode: "30003" }) });
        expect(response.status, response.body).toBe(200);
        expect(response.headers.get("content-type")).toMatch(/^text\/xml/);
        expect(response.body).toBe(EMPTY_TWIML);
      }
      expect((await messages({ to: toDelivered }))[0]).toMatchObject({ status: "delivered", lastError: null });
      expect((await messages({ to: toUndelivered }))[0]).toMatchObject({ status: "undelivered", lastError: "Provider error 30003" });
      expect((await messages({ to: toFailed }))[0]).toMatchObject({ status: "failed", lastError: "Provider error 30003" });
      expect((await row(ids[0]!)).statusUpdatedAt).toEqual(ctx.clock.now());
    });

    it("does not let a late 'sent' overwrite 'delivered'", async () => {
      const [phone] = phones(1) as [string];
      const [id] = (await enqueue([phone])) as [string];
      await createServices(ctx.deps).outbox.deliverDue();
      const sid = (await row(id)).providerSid!;

      expect((await status({ MessageSid: sid, MessageStatus: "delivered" })).status).toBe(200);
      for (const late of ["sent", "queued", "sending", "accepted"]) {
        expect((await status({ MessageSid: sid, MessageStatus: late })).status).toBe(200);
      }
      // A status Twilio might invent later changes nothing either.
      expect((await status({ MessageSid: sid, MessageStatus: "teleported" })).status).toBe(200);
      expect((await messages({ to: phone }))[0]!.status).toBe("delivered");
    });

    it.each(["undelivered", "failed"] as const)("counts an offer whose SMS is %s as no answer: the next candidate is asked right away", async (reported) => {
      const language = LANGUAGE[reported];
      const first = await interpreter(language);
      const second = await interpreter(language);
      const job = await booking(language, reported === "undelivered" ? "2026-12-02T09:00:00+01:00" : "2026-12-03T09:00:00+01:00");
      const wave = await ctx.coordinator.post(`/v1/bookings/${job.id}/offers`, { interpreterIds: [first.id] });
      expect(wave.status, JSON.stringify(wave.body)).toBe(200);
      await createServices(ctx.deps).outbox.deliverDue();
      const offerMessage = (await messages({ to: first.phone })).find((message) => message.purpose === "offer")!;
      expect(offerMessage.status).toBe("sent");
      const sid = (await row(offerMessage.id)).providerSid!;
      expect(sms.to(first.phone)).toEqual([offerMessage.body]);

      const response = await status({ MessageSid: sid, MessageStatus: reported, ErrorCode: "30005" });
      expect(response.status, response.body).toBe(200);
      expect((await row(offerMessage.id)).status).toBe(reported);

      const offers = await prisma().offer.findMany({ where: { bookingId: job.id }, orderBy: { createdAt: "asc" } });
      expect(offers.map((offer) => [offer.interpreterId, offer.status, offer.wave])).toEqual([
        [first.id, "failed", 1],
        [second.id, "pending", 2],
      ]);
      const toSecond = (await messages({ to: second.phone })).filter((message) => message.purpose === "offer");
      expect(toSecond).toHaveLength(1);
      expect(toSecond[0]).toMatchObject({ status: "queued", bookingId: job.id, interpreterId: second.id });
      expect(toSecond[0]!.body).toContain(`JA ${job.code}`);
      const view = (await ctx.coordinator.get(`/v1/bookings/${job.id}`)).body;
      expect(view.status).toBe("offered");
      expect(view.history.at(-1)).toMatchObject({ action: "offered", actor: { type: "system" } });

      // Twilio reporting it again changes nothing more.
      expect((await status({ MessageSid: sid, MessageStatus: reported, ErrorCode: "30005" })).status).toBe(200);
      expect(await prisma().offer.count({ where: { bookingId: job.id } })).toBe(2);
    });

    it("refuses a wrong or missing signature with 403 and changes nothing", async () => {
      const [phone] = phones(1) as [string];
      const [id] = (await enqueue([phone])) as [string];
      await createServices(ctx.deps).outbox.deliverDue();
      const sid = (await row(id)).providerSid!;
      const params = { MessageSid: sid, MessageStatus: "undelivered", ErrorCode: "30003" };

      expectError(await status(params, { signature: "d3Jvbmcgc2lnbmF0dXJl" }), 403, "FORBIDDEN");
      expectError(await status(params, { signature: null }), 403, "FORBIDDEN");
      expectError(await status(params, { token: "another-twilio-auth-token-98765" }), 403, "FORBIDDEN");
      expect(await row(id)).toMatchObject({ status: "sent", lastError: null });

      const unconfigured = await createTestContext({ deps: { db: ctx.deps.db } });
      expectError(await postTwilioWebhook(unconfigured.anonymous, STATUS, params), 503, "SERVICE_UNAVAILABLE");
      expect(await row(id)).toMatchObject({ status: "sent", lastError: null });
    });

    it("answers an unknown MessageSid with 200 and changes nothing", async () => {
      const [phone] = phones(1) as [string];
      const [id] = (await enqueue([phone])) as [string];
      await createServices(ctx.deps).outbox.deliverDue();
      const before = await prisma().smsMessage.findMany({ orderBy: { id: "asc" } });

      const response = await status({ MessageSid: messageSid(), MessageStatus: "undelivered", ErrorCode: "30003" });
      expect(response.status, response.body).toBe(200);
      expect(response.body).toBe(EMPTY_TWIML);
      expect(await prisma().smsMessage.findMany({ orderBy: { id: "asc" } })).toEqual(before);
      expect((await row(id)).status).toBe("sent");
    });
  });

  describe("the outbox", () => {
    it("writes nothing when nothing is due (an idle outbox runs every second)", async () => {
      expect(await createServices(ctx.deps).outbox.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
      // Not even the shared send schedule: it is created and locked only to give slots out.
      expect(await prisma().smsThrottle.count()).toBe(0);
    });

    /** Sent times of the given messages, in the order they were queued. */
    async function sentTimes(ids: string[]): Promise<number[]> {
      return Promise.all(ids.map(async (id) => {
        const message = await row(id);
        expect(message.status).toBe("sent");
        return message.sentAt!.getTime();
      }));
    }

    function gaps(times: number[]): number[] {
      return times.slice(1).map((time, index) => time - times[index]!);
    }

    it("sends at most SMS_RATE_PER_SECOND (1): five messages at least a second apart", async () => {
      const to = phones(5);
      const ids = await enqueue(to);
      const tick = await ctx.coordinator.post("/v1/dispatch/tick");
      expect(tick.status, JSON.stringify(tick.body)).toBe(200);
      expect(tick.body.sms.sent).toBeGreaterThanOrEqual(5);

      const times = await sentTimes(ids);
      expect(times[0]!).toBeGreaterThanOrEqual(Date.parse(NOW));
      for (const gap of gaps(times)) expect(gap).toBeGreaterThanOrEqual(1000);
      // The fake clock only moved by waiting for the slots.
      expect(ctx.clock.now().getTime() - Date.parse(NOW)).toBeGreaterThanOrEqual(4000);
      expect(sms.sent.filter((message) => to.includes(message.to)).map((message) => message.to)).toEqual(to);
    });

    it("sends at most SMS_RATE_PER_SECOND (2): five messages at least half a second apart", async () => {
      const fast = await createTestContext({ config: { ...CONFIG, SMS_RATE_PER_SECOND: "2" }, deps: { db: ctx.deps.db } });
      fast.clock.set(NOW);
      const fastSms = fast.deps.sms as RecordingSmsSender;
      const to = phones(5);
      const ids = await enqueue(to, "reminder_24h", fast);
      expect(await createServices(fast.deps).outbox.deliverDue()).toEqual({ sent: 5, retried: 0, failed: 0 });

      const times = await sentTimes(ids);
      expect(times[0]!).toBeGreaterThanOrEqual(Date.parse(NOW));
      for (const gap of gaps(times)) expect(gap).toBeGreaterThanOrEqual(500);
      // Faster than at one per second.
      expect(times[4]! - times[0]!).toBeLessThan(4000);
      expect(fastSms.sent.map((message) => message.to)).toEqual(to);
    });

    it("POST /v1/dispatch/tick answers within the request timeout: later paced SMS stay queued, none goes twice", async () => {
      const short = await createTestContext({ config: { ...CONFIG, REQUEST_TIMEOUT_MS: "4000" }, deps: { db: ctx.deps.db, sms } });
      short.clock.set(NOW);
      const to = phones(6);
      const ids = await enqueue(to, "reminder_24h", short);

      // Half the timeout (2 s) at one SMS per second: the slots at 0, 1 and 2 s go out now.
      const first = await short.coordinator.post("/v1/dispatch/tick");
      expect(first.status).toBe(200);
      expect(first.body.sms).toEqual({ sent: 3, retried: 0, failed: 0 });
      expect((await Promise.all(ids.map(row))).map((message) => message.status)).toEqual(["sent", "sent", "sent", "queued", "queued", "queued"]);

      // The next tick, a few seconds later, sends the rest.
      short.clock.advance(3_000);
      const second = await short.coordinator.post("/v1/dispatch/tick");
      expect(second.body.sms.sent).toBe(3);
      expect(sms.sent.filter((message) => to.includes(message.to)).map((message) => message.to).sort()).toEqual([...to].sort());
    });

    it("does not wait for a send schedule a fast clock left far in the future (at most five minutes)", async () => {
      await prisma().smsThrottle.create({ data: { id: 1, nextSlotAt: new Date(Date.parse(NOW) + 24 * 3600_000) } });
      const [id] = (await enqueue(phones(1))) as [string];
      expect(await createServices(ctx.deps).outbox.deliverDue()).toEqual({ sent: 1, retried: 0, failed: 0 });
      expect((await row(id)).sentAt!.getTime()).toBe(Date.parse(NOW) + 5 * 60_000);
    });

    it("keeps the pace across calls: a second batch waits for the first", async () => {
      const first = await enqueue(phones(2));
      const services = createServices(ctx.deps);
      await services.outbox.deliverDue();
      ctx.clock.set(NOW); // a second instance whose clock has not moved
      const second = await enqueue(phones(2));
      await services.outbox.deliverDue();
      const times = await sentTimes([...first, ...second]);
      for (const gap of gaps(times)) expect(gap).toBeGreaterThanOrEqual(1000);
    });

    it("retries a failing send with backoff and sends it once the provider answers", async () => {
      const [phone] = phones(1) as [string];
      sms.failWhen((message) => (message.to === phone ? new Error("Twilio is down") : null));
      const [id] = (await enqueue([phone])) as [string];
      const services = createServices(ctx.deps);

      expect(await services.outbox.deliverDue()).toEqual({ sent: 0, retried: 1, failed: 0 });
      let failedAt = ctx.clock.now().getTime();
      expect(await row(id)).toMatchObject({ status: "queued", attempts: 1, lastError: "Twilio is down", nextAttemptAt: new Date(failedAt + 30_000), sentAt: null });

      // Not due yet: nothing happens.
      expect(await services.outbox.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
      ctx.clock.advance(29_000);
      expect(await services.outbox.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
      expect((await row(id)).attempts).toBe(1);

      ctx.clock.advance(1_000);
      expect(await services.outbox.deliverDue()).toEqual({ sent: 0, retried: 1, failed: 0 });
      failedAt = ctx.clock.now().getTime();
      expect(await row(id)).toMatchObject({ status: "queued", attempts: 2, nextAttemptAt: new Date(failedAt + 120_000) });

      sms.clearFailures();
      ctx.clock.advance(120_000);
      expect(await services.outbox.deliverDue()).toEqual({ sent: 1, retried: 0, failed: 0 });
      expect(await row(id)).toMatchObject({ status: "sent", attempts: 3, lastError: null });
      expect((await row(id)).sentAt!.getTime()).toBeGreaterThanOrEqual(failedAt + 120_000);
      expect(sms.to(phone)).toEqual(["Testnachricht 1"]);
      expect(await services.outbox.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
      expect(sms.to(phone)).toHaveLength(1);
    });

    it("gives up after five failed attempts", async () => {
      const [phone] = phones(1) as [string];
      sms.failWhen((message) => (message.to === phone ? new Error("21610 Attempt to send to unsubscribed recipient") : null));
      const [id] = (await enqueue([phone])) as [string];
      const services = createServices(ctx.deps);

      for (const [index, backoff] of BACKOFF_SECONDS.entries()) {
        expect(await services.outbox.deliverDue()).toEqual({ sent: 0, retried: 1, failed: 0 });
        const failedAt = ctx.clock.now().getTime();
        expect(await row(id)).toMatchObject({ status: "queued", attempts: index + 1, nextAttemptAt: new Date(failedAt + backoff * 1000) });
        ctx.clock.advance(backoff * 1000);
      }
      expect(await services.outbox.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 1 });
      expect(await row(id)).toMatchObject({ status: "failed", attempts: 5, lastError: expect.stringMatching(/unsubscribed/), sentAt: null });

      // Never tried again, whatever the time.
      sms.clearFailures();
      ctx.clock.advance(24 * 3_600_000);
      expect(await services.outbox.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
      expect((await ctx.coordinator.post("/v1/dispatch/tick")).status).toBe(200);
      expect(sms.to(phone)).toEqual([]);
      expect((await messages({ to: phone }))[0]).toMatchObject({ status: "failed", attempts: 5 });
    });

    it("marks messages left in 'sending' for more than 5 minutes 'unknown' and never sends them again", async () => {
      const [stuck, recent] = phones(2) as [string, string];
      const [stuckId, recentId] = (await enqueue([stuck, recent])) as [string, string];
      const now = ctx.clock.now().getTime();
      // Claimed by a process that died while handing them over: 6 and 1 minutes ago.
      await prisma().smsMessage.update({ where: { id: stuckId }, data: { status: "sending", attempts: 1, nextAttemptAt: new Date(now - 6 * 60_000) } });
      await prisma().smsMessage.update({ where: { id: recentId }, data: { status: "sending", attempts: 1, nextAttemptAt: new Date(now - 60_000) } });

      const services = createServices(ctx.deps);
      expect(await services.outbox.recoverStuck()).toBe(1);
      expect(await row(stuckId)).toMatchObject({ status: "unknown", lastError: expect.stringMatching(/not sent again/) });
      expect((await row(recentId)).status).toBe("sending");

      expect(await services.outbox.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
      ctx.clock.advance(5 * 60_000);
      expect(await services.outbox.recoverStuck()).toBe(1);
      expect((await row(recentId)).status).toBe("unknown");

      ctx.clock.advance(3_600_000);
      expect((await ctx.coordinator.post("/v1/dispatch/tick")).status).toBe(200);
      expect(await services.outbox.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
      expect(sms.to(stuck)).toEqual([]);
      expect(sms.to(recent)).toEqual([]);
      const listed = await messages({ status: "unknown" });
      expect(listed.map((message) => message.id)).toEqual(expect.arrayContaining([stuckId, recentId]));
    });

    it("hands every message over exactly once when deliverDue runs concurrently", async () => {
      const to = phones(8);
      const ids = await enqueue(to);
      const one = createServices(ctx.deps);
      const other = createServices(ctx.deps);

      const results = await Promise.all([one.outbox.deliverDue(), one.outbox.deliverDue(), other.outbox.deliverDue()]);
      expect(results.reduce((sum, result) => sum + result.sent, 0)).toBe(8);
      expect(results.every((result) => result.retried === 0 && result.failed === 0)).toBe(true);
      for (const phone of to) expect(sms.to(phone)).toHaveLength(1);
      const rows = await Promise.all(ids.map(row));
      expect(rows.map((message) => message.status)).toEqual(to.map(() => "sent"));
      expect(rows.map((message) => message.attempts)).toEqual(to.map(() => 1));
      expect(new Set(rows.map((message) => message.providerSid)).size).toBe(8);
      for (const message of rows) {
        expect(sms.sent.filter((sent) => sent.providerSid === message.providerSid)).toHaveLength(1);
      }
    });
  });

  describe("GET /v1/sms/messages", () => {
    let person: { id: string; phone: string };
    let other: { id: string; phone: string };
    let job: { id: string; code: string };

    beforeAll(async () => {
      person = await interpreter(LANGUAGE.list);
      other = await interpreter(LANGUAGE.list);
      job = await booking(LANGUAGE.list, "2026-12-04T09:00:00+01:00");
      const wave = await ctx.coordinator.post(`/v1/bookings/${job.id}/offers`, { interpreterIds: [person.id, other.id] });
      expect(wave.status, JSON.stringify(wave.body)).toBe(200);
      const help = await sendSms(ctx, person.phone, "Hilfe");
      expect(help.status).toBe(200);
    });

    it("filters by phone number (national format accepted), direction and booking", async () => {
      const all = await messages({ to: national(person.phone) });
      expect(all.map((message) => [message.direction, message.purpose])).toEqual([
        ["outbound", "offer"],
        ["inbound", "reply"],
        ["outbound", "reply"],
      ]);
      expect(await messages({ to: person.phone })).toEqual(all);
      expect(all.every((message) => message.to === person.phone || message.from === person.phone)).toBe(true);

      const inbound = await messages({ to: national(person.phone), direction: "inbound" });
      expect(inbound).toHaveLength(1);
      expect(inbound[0]).toMatchObject({ direction: "inbound", from: person.phone, body: "Hilfe", status: "received", interpreterId: person.id });
      const outbound = await messages({ to: person.phone, direction: "outbound" });
      expect(outbound.map((message) => message.purpose)).toEqual(["offer", "reply"]);
      expect(outbound.every((message) => message.to === person.phone)).toBe(true);

      const ofJob = await messages({ bookingId: job.id });
      expect(ofJob.map((message) => message.to).sort()).toEqual([person.phone, other.phone].sort());
      expect(ofJob.every((message) => message.bookingId === job.id && message.purpose === "offer")).toBe(true);
      expect(await messages({ bookingId: NIL_UUID })).toEqual([]);
      expect(await messages({ bookingId: "not-a-booking" })).toEqual([]);
      expect(await messages({ to: national(toE164(uniqueMobile())) })).toEqual([]);

      expectValidationError(await ctx.coordinator.get("/v1/sms/messages?direction=sideways"), ["direction"], { in: "query" });
    });

    it("pages through the messages, oldest first", async () => {
      const [phone] = phones(1) as [string];
      const ids = await enqueue([phone, phone, phone, phone, phone]);
      const pages = await walkPages(ctx.coordinator, `/v1/sms/messages?limit=2&to=${encodeURIComponent(national(phone))}`);
      expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
      const listed = pages.flatMap((page) => page.items.map((item: Message) => item.id));
      expect([...listed].sort()).toEqual([...ids].sort());
      expect(listed).toEqual([...listed].sort());
      expect(pages.at(-1)!.nextCursor).toBeNull();
    });

    it("is for coordinators only", async () => {
      const requester = await ctx.newRequester();
      expectError(await requester.client.get("/v1/sms/messages"), 403, "FORBIDDEN");
      expectError(await ctx.finance.get("/v1/sms/messages"), 403, "FORBIDDEN");
      expectError(await ctx.anonymous.get("/v1/sms/messages"), 401, "UNAUTHORIZED");
    });
  });
});
