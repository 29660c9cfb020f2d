// Twilio's delivery report may reach POST /v1/sms/status before the outbox stored Twilio's answer
// to the send (the MessageSid): the outbox puts the message's own id in the status callback URL,
// so no report is lost and none is applied twice, in whichever order the two arrive.
//
// A database of its own, like status-and-outbox.test.ts: every deliverDue claims whatever is due
// and the send schedule is one row, so another file's tick must not send this file's messages.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { enqueueSms } from "../../../src/features/sms/outbox";
import { createServices } from "../../../src/services";
import { RecordingSmsSender, type OutgoingSms, type SentSms, type SmsSender } from "../../../src/sms/sms-sender";
import { ALL_WEEK, NIL_UUID } from "../../helpers/fixtures";
import { createTestContext, newInterpreter, newOrganisation, toE164, uniqueMobile, type ApiClient, type TestContext } from "../../helpers/test-app";
import { privateDatabase, type PrivateDatabase } from "../../helpers/test-database";
import { messageSid, postTwilioWebhook, PUBLIC_BASE_URL, smsTestConfig } from "../../helpers/twilio";

const NOW = "2026-11-24T08:00:00.000Z";
const STATUS = "/v1/sms/status";
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const CONFIG = { ...smsTestConfig, OFFER_TTL_MINUTES: String(7 * 24 * 60) };

/**
 * The fake sender, except that Twilio's reports on a message reach the app before send() returns,
 * at the status callback URL the outbox gave (the fastest Twilio there can be).
 */
class ReportingFirstSender implements SmsSender {
  readonly name = "outbox";
  readonly recorded = new RecordingSmsSender();
  /** The statuses Twilio reports on a message to this number before answering the send. */
  readonly early = new Map<string, string[]>();
  readonly answers: { status: number; body: string }[] = [];
  /** Numbers whose send fails after the reports (Twilio took the message, its answer got lost). */
  readonly answerLost = new Set<string>();
  client: ApiClient | undefined;

  async send(message: OutgoingSms): Promise<SentSms> {
    const sent = await this.recorded.send(message);
    for (const status of this.early.get(message.to) ?? []) {
      const url = new URL(message.statusCallbackUrl!);
      const params = { MessageSid: sent.providerSid, MessageStatus: status, AccountSid: "AC0123", ApiVersion: "2010-04-01", ...(status === "sent" || status === "delivered" ? {} : { ErrorCode: "30005" }) };
      const answer = await postTwilioWebhook(this.client!, url.pathname + url.search, params);
      this.answers.push({ status: answer.status, body: answer.body });
    }
    if (this.answerLost.has(message.to)) throw new Error("socket hang up");
    return sent;
  }

  sidOf(phone: string): string {
    const sent = this.recorded.sent.filter((message) => message.to === phone);
    expect(sent).toHaveLength(1);
    return sent[0]!.providerSid;
  }
}

describe("delivery reports that arrive before the send's answer is stored", () => {
  let own: PrivateDatabase | undefined;
  let ctx: TestContext;
  let sender: ReportingFirstSender;

  beforeAll(async () => {
    own = await privateDatabase("smsearly", 10);
    sender = new ReportingFirstSender();
    ctx = await createTestContext({ config: CONFIG, deps: { db: own.db, sms: sender } });
    sender.client = ctx.anonymous;
  });

  afterAll(async () => {
    await own?.dispose();
  });

  beforeEach(async () => {
    ctx.clock.set(NOW);
    sender.answers.length = 0;
    await prisma().smsThrottle.deleteMany({});
  });

  const prisma = () => ctx.deps.db.prisma;
  const phone = () => toE164(uniqueMobile());
  const row = (id: string) => prisma().smsMessage.findUniqueOrThrow({ where: { id } });
  const deliverDue = () => createServices(ctx.deps).outbox.deliverDue();

  async function enqueue(to: string[]): Promise<string[]> {
    const queued = await prisma().$transaction((tx) => enqueueSms(tx, ctx.clock.now(), to.map((number) => ({ to: number, body: "Testnachricht", purpose: "reminder_24h" }))));
    return queued.map((message) => message.id);
  }

  function status(params: Record<string, string>, query = "") {
    return postTwilioWebhook(ctx.anonymous, STATUS + query, { AccountSid: "AC0123", ApiVersion: "2010-04-01", ...params });
  }

  async function offerTo(language: string, startsAt: string) {
    const interpreters: { id: string; phone: string }[] = [];
    for (let index = 0; index < 2; index += 1) {
      const created = await newInterpreter(ctx.coordinator, { languages: [{ code: language, level: "native" }] });
      expect((await ctx.coordinator.put(`/v1/interpreters/${created.id}/availability`, { weekly: ALL_WEEK, absences: [] })).status).toBe(200);
      interpreters.push(created as { id: string; phone: string });
    }
    const organisationId = (await newOrganisation(ctx.coordinator)).id;
    const created = await ctx.coordinator.post("/v1/bookings", {
      organisationId, language, startsAt, durationMinutes: 60, mode: "onsite",
      location: { street: "Bismarckstr. 10", postcode: "52351", city: "Düren" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const job = created.body as { id: string; code: string };
    const wave = await ctx.coordinator.post(`/v1/bookings/${job.id}/offers`, { interpreterIds: [interpreters[0]!.id] });
    expect(wave.status, JSON.stringify(wave.body)).toBe(200);
    return { job, first: interpreters[0]!, second: interpreters[1]! };
  }

  it("gives Twilio the status callback URL with the message's own id", async () => {
    const to = phone();
    const [id] = (await enqueue([to])) as [string];
    expect(await deliverDue()).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(sender.recorded.sent.filter((message) => message.to === to).map((message) => message.statusCallbackUrl)).toEqual([
      `${PUBLIC_BASE_URL}${STATUS}?message=${id}`,
    ]);
  });

  it("stores an early 'delivered' and its MessageSid; the send's own update does not turn it back into 'sent'", async () => {
    const to = phone();
    sender.early.set(to, ["sent", "delivered"]);
    const [id] = (await enqueue([to])) as [string];
    expect(await deliverDue()).toEqual({ sent: 1, retried: 0, failed: 0 });

    expect(sender.answers).toEqual([{ status: 200, body: EMPTY_TWIML }, { status: 200, body: EMPTY_TWIML }]);
    expect(await row(id)).toMatchObject({ status: "delivered", providerSid: sender.sidOf(to), sentAt: ctx.clock.now(), attempts: 1, lastError: null });
    // A late 'sent' by MessageSid alone changes nothing either.
    expect((await status({ MessageSid: sender.sidOf(to), MessageStatus: "sent" })).status).toBe(200);
    expect((await row(id)).status).toBe("delivered");
  });

  it("replaces an offer whose early 'undelivered' report came before the send's answer, once", async () => {
    const { job, first, second } = await offerTo("kbd", "2026-12-02T09:00:00+01:00");
    sender.early.set(first.phone, ["undelivered", "undelivered"]);
    // Sends the offer (reported undelivered on the way) and then the replacement offer to the second.
    expect(await deliverDue()).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(sender.answers.map((answer) => answer.status)).toEqual([200, 200]);

    const offerMessage = await prisma().smsMessage.findFirstOrThrow({ where: { to: first.phone, purpose: "offer" } });
    expect(offerMessage).toMatchObject({ status: "undelivered", providerSid: sender.sidOf(first.phone), lastError: "Provider error 30005" });
    const offers = await prisma().offer.findMany({ where: { bookingId: job.id }, orderBy: { createdAt: "asc" } });
    expect(offers.map((offer) => [offer.interpreterId, offer.status, offer.wave])).toEqual([
      [first.id, "failed", 1],
      [second.id, "pending", 2],
    ]);
    expect(sender.recorded.to(second.phone)).toHaveLength(1);
    expect(sender.recorded.to(second.phone)[0]).toContain(`JA ${job.code}`);

    // Twilio repeating the report, with or without the id, asks nobody else.
    expect((await status({ MessageSid: offerMessage.providerSid!, MessageStatus: "undelivered", ErrorCode: "30005" }, `?message=${offerMessage.id}`)).status).toBe(200);
    expect((await status({ MessageSid: offerMessage.providerSid!, MessageStatus: "failed", ErrorCode: "30005" })).status).toBe(200);
    expect(await prisma().offer.count({ where: { bookingId: job.id } })).toBe(2);
    expect(await deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
  });

  it("neither retries nor fails a message whose send threw after Twilio had reported it", async () => {
    const to = phone();
    sender.early.set(to, ["delivered"]);
    sender.answerLost.add(to);
    const [id] = (await enqueue([to])) as [string];
    expect(await deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(await row(id)).toMatchObject({ status: "delivered", providerSid: sender.sidOf(to), attempts: 1 });

    ctx.clock.advance(3_600_000);
    expect(await deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(sender.recorded.to(to)).toHaveLength(1);
    expect((await row(id)).status).toBe("delivered");
  });

  it("matches reports without the id (older messages) by MessageSid alone", async () => {
    const [reported, withId] = [phone(), phone()];
    const [reportedId, withIdId] = (await enqueue([reported, withId])) as [string, string];
    expect(await deliverDue()).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(await row(reportedId)).toMatchObject({ status: "sent", providerSid: sender.sidOf(reported) });

    const response = await status({ MessageSid: sender.sidOf(reported), MessageStatus: "undelivered", ErrorCode: "30003" });
    expect(response.status, response.body).toBe(200);
    expect(response.body).toBe(EMPTY_TWIML);
    expect(await row(reportedId)).toMatchObject({ status: "undelivered", lastError: "Provider error 30003" });
    // After the send's update, the id in the URL and the MessageSid name the same message.
    expect((await status({ MessageSid: sender.sidOf(withId), MessageStatus: "delivered" }, `?message=${withIdId}`)).status).toBe(200);
    expect((await row(withIdId)).status).toBe("delivered");
  });

  it("ignores reports with a malformed, unknown or foreign message id without an error", async () => {
    const [sentTo, queuedTo] = [phone(), phone()];
    const [sentId] = (await enqueue([sentTo])) as [string];
    expect(await deliverDue()).toEqual({ sent: 1, retried: 0, failed: 0 });
    // Queued later, with a send slot in the future: it has no MessageSid yet.
    const [queuedId] = (await enqueue([queuedTo])) as [string];
    await prisma().smsMessage.update({ where: { id: queuedId }, data: { nextAttemptAt: new Date(Date.parse(NOW) + 3_600_000) } });
    const inbound = await prisma().smsMessage.create({
      data: { direction: "inbound", from: sentTo, to: "+4915799990000", body: "Hallo", status: "received", purpose: "reply", providerSid: messageSid(), createdAt: ctx.clock.now() },
    });
    const before = await prisma().smsMessage.findMany({ orderBy: { id: "asc" } });

    const foreignSid = messageSid();
    for (const query of ["?message=not-a-uuid", "?message=", `?message=${NIL_UUID}`, `?message=${sentId}`, `?message=${inbound.id}`, `?message=${encodeURIComponent("' OR 1=1 --")}`]) {
      const response = await status({ MessageSid: foreignSid, MessageStatus: "failed", ErrorCode: "30003" }, query);
      expect(response.status, `${query}: ${response.body}`).toBe(200);
      expect(response.body).toBe(EMPTY_TWIML);
    }
    // The queued message's id, but no MessageSid (or an absurd one): nothing to store.
    expect((await status({ MessageSid: "", MessageStatus: "failed" }, `?message=${queuedId}`)).status).toBe(200);
    expect((await status({ MessageSid: `SM${"0".repeat(200)}`, MessageStatus: "failed" }, `?message=${queuedId}`)).status).toBe(200);

    expect(await prisma().smsMessage.findMany({ orderBy: { id: "asc" } })).toEqual(before);
    expect(await row(sentId)).toMatchObject({ status: "sent", providerSid: sender.sidOf(sentTo) });
  });
});
