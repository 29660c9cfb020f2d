// The workload of the crash-safety test: several concurrent clients that register organisations
// and interpreters, book, assign, cancel and close out jobs through the real server's HTTP API,
// and an "SMS network" that answers the offers the fake Twilio receives with signed JA/NEIN
// webhooks. Every request is recorded with its answer (or none, when the process was killed).
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks";
import { ALL_WEEK } from "./fixtures";
import { recordErrorBody } from "./test-logs";
import { POOL_NUMBER, PUBLIC_BASE_URL, TWILIO_TEST_TOKEN } from "./twilio";

export type Random = () => number;

/**
 * A small seeded pseudo-random generator (mulberry32), so a failing run can be repeated by seed.
 *
 * @example
 * const random = seededRandom(42);
 * random(); // 0.6011037519201636, always
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type Operation =
  | "organisation" | "interpreter" | "availability" | "booking" | "assign" | "cancel" | "complete" | "sms";

export interface RecordedRequest {
  operation: Operation;
  method: string;
  path: string;
  /** The JSON body sent, or the webhook's form fields. */
  sent: Record<string, unknown>;
  /** null: no answer (the process died while the request was open). */
  status: number | null;
  answer: any;
  /** The server process (1, 2, …) it was sent to. */
  generation: number;
}

interface Target {
  baseUrl: string;
  generation: number;
}

const LANGUAGES = ["ar", "tr", "fa"];
const KINDS = ["school", "authority", "clinic", "kindergarten", "counselling"];
const HOUR_MS = 3_600_000;
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

export class CrashWorkload {
  readonly records: RecordedRequest[] = [];
  private target: Target | null = null;
  private waiting: (() => void)[] = [];
  private stopped = false;
  private loops: Promise<void>[] = [];
  private sequence = 0;
  private readonly organisations: string[] = [];
  private readonly interpreters: string[] = [];
  /** Interpreters not yet used for a close-out job (each takes one, so they never clash). */
  private readonly fresh: string[] = [];
  private readonly bookings: string[] = [];
  private readonly due: { id: string; startsAt: number }[] = [];
  /** Offers seen at the fake Twilio, to answer by SMS. */
  private readonly offers: { phone: string; code: string }[] = [];
  /** Webhooks without an answer: Twilio delivers them again, with the same MessageSid. */
  private readonly redeliveries: Record<string, string>[] = [];

  constructor(
    private readonly random: Random,
    private readonly options: { apiKey: string; runTag: string; clients: number; maxInterpreters: number },
  ) {}

  /** Feeds an SMS the fake Twilio received: offers get answered. */
  smsHandedOver(to: string, body: string): void {
    const code = /Zusage: JA (\d+)/.exec(body)?.[1];
    if (code) this.offers.push({ phone: to, code });
  }

  /** The server process requests go to from now on (null: it is down, requests wait). */
  setTarget(target: Target | null): void {
    this.target = target;
    if (target) for (const resolve of this.waiting.splice(0)) resolve();
  }

  start(): void {
    for (let index = 0; index < this.options.clients; index++) this.loops.push(this.loop(() => this.step()));
    for (let index = 0; index < 2; index++) this.loops.push(this.loop(() => this.answerSms()));
  }

  /** Resolves once `count` more requests than now have been answered. */
  async answered(count: number): Promise<void> {
    const target = this.answeredCount() + count;
    while (!this.stopped && this.answeredCount() < target) await sleep(20);
  }

  /**
   * Resolves once an answered request passes `test`, or after `timeoutMs`. The workload counts
   * requests, not time: on a fast server the requests of a run may all be answered before the
   * first offers went out by SMS and came back with a JA.
   */
  async until(test: (record: RecordedRequest) => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.stopped && Date.now() < deadline && !this.records.some((record) => record.status !== null && test(record))) await sleep(20);
  }

  private answeredCount(): number {
    return this.records.reduce((sum, record) => sum + (record.status === null ? 0 : 1), 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const resolve of this.waiting.splice(0)) resolve();
    await Promise.all(this.loops);
  }

  private async loop(work: () => Promise<void>): Promise<void> {
    while (!this.stopped) await work();
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private async ready(): Promise<Target | null> {
    while (!this.stopped && !this.target) await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.stopped ? null : this.target;
  }

  private async send(operation: Operation, method: string, path: string, sent: Record<string, unknown>, form = false): Promise<RecordedRequest | null> {
    const target = await this.ready();
    if (!target) return null;
    const record: RecordedRequest = { operation, method, path, sent, status: null, answer: null, generation: target.generation };
    this.records.push(record);
    const headers: Record<string, string> = form
      ? {
          "content-type": "application/x-www-form-urlencoded",
          "x-twilio-signature": getExpectedTwilioSignature(TWILIO_TEST_TOKEN, PUBLIC_BASE_URL + path, sent as Record<string, string>),
        }
      : { authorization: `Bearer ${this.options.apiKey}`, "content-type": "application/json" };
    try {
      const response = await fetch(target.baseUrl + path, {
        method,
        headers,
        body: form ? new URLSearchParams(sent as Record<string, string>).toString() : JSON.stringify(sent),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      record.answer = response.headers.get("content-type")?.includes("json") && text ? JSON.parse(text) : text;
      record.status = response.status;
      // Error bodies go to the suite's log scan, like those of every other test.
      recordErrorBody(response.status, text);
    } catch {
      // No answer: the process was killed while the request was open.
    }
    return record;
  }

  private next(): number {
    this.sequence += 1;
    return this.sequence;
  }

  /** One request (or two, when they belong together) picked at random by weight. */
  private async step(): Promise<void> {
    const now = Date.now();
    const dueIndex = this.due.findIndex((job) => job.startsAt + 500 < now);
    const choices: [number, () => Promise<void>][] = [
      [this.organisations.length < 3 ? 20 : 2, () => this.createOrganisation()],
      [this.interpreters.length < this.options.maxInterpreters ? 12 : 0, () => this.createInterpreter()],
      [this.organisations.length > 0 ? 25 : 0, () => this.createBooking()],
      [this.organisations.length > 0 && this.fresh.length > 0 ? 8 : 0, () => this.closeOutJob()],
      [dueIndex >= 0 ? 12 : 0, () => this.finish(this.due.splice(dueIndex, 1)[0]!)],
      [this.bookings.length > 0 && this.interpreters.length > 0 ? 8 : 0, () => this.assign()],
      [this.bookings.length > 5 ? 3 : 0, () => this.cancel()],
    ];
    let roll = this.random() * choices.reduce((sum, [weight]) => sum + weight, 0);
    for (const [weight, action] of choices) {
      roll -= weight;
      if (weight > 0 && roll < 0) return action();
    }
    await sleep(50);
  }

  private async createOrganisation(): Promise<void> {
    const sent = { name: `Einrichtung ${this.options.runTag}-${this.next()}`, kind: this.pick(KINDS), municipality: "Düren" };
    const created = await this.send("organisation", "POST", "/v1/organisations", sent);
    if (created?.status === 201) this.organisations.push(created.answer.id);
  }

  private async createInterpreter(): Promise<void> {
    const number = this.next();
    const languages = LANGUAGES.filter((_, index) => index === number % LANGUAGES.length || this.random() < 0.3);
    const sent = {
      name: `Dolmetscherin ${this.options.runTag}-${number}`,
      phone: `0151 ${String(20_000_000 + number)}`,
      languages: [...languages.map((code) => ({ code, level: "native" })), { code: "de", level: "fluent" }],
      modes: ["onsite", "phone", "video"],
      homePostcode: "52351",
      smsConsent: true,
    };
    const created = await this.send("interpreter", "POST", "/v1/interpreters", sent);
    if (created?.status !== 201) return;
    const id = created.answer.id as string;
    const availability = await this.send("availability", "PUT", `/v1/interpreters/${id}/availability`, { weekly: ALL_WEEK, absences: [] });
    if (availability?.status !== 200) return;
    this.interpreters.push(id);
    this.fresh.push(id);
  }

  private bookingBody(startsAt: number, durationMinutes: number) {
    return {
      organisationId: this.pick(this.organisations),
      language: this.pick(LANGUAGES),
      startsAt: new Date(startsAt).toISOString(),
      durationMinutes,
      mode: this.pick(["phone", "video"]),
      caseReference: `AZ-${this.options.runTag}-${this.next()}`,
    };
  }

  /** A job far enough ahead to be offered by SMS: the dispatch ticker offers it. */
  private async createBooking(): Promise<void> {
    const quarter = 15 * 60_000;
    const startsAt = Math.ceil((Date.now() + 2 * HOUR_MS + this.random() * 20 * 24 * HOUR_MS) / quarter) * quarter;
    const created = await this.send("booking", "POST", "/v1/bookings", this.bookingBody(startsAt, 60));
    if (created?.status === 201) this.bookings.push(created.answer.id);
  }

  /** A job starting in a few seconds, assigned at once to an interpreter of its own, closed out later. */
  private async closeOutJob(): Promise<void> {
    const interpreterId = this.fresh.shift()!;
    const startsAt = Math.ceil((Date.now() + 3_000) / 1000) * 1000;
    const created = await this.send("booking", "POST", "/v1/bookings", this.bookingBody(startsAt, 30));
    if (created?.status !== 201) return;
    const assigned = await this.send("assign", "POST", `/v1/bookings/${created.answer.id}/assign`, { interpreterId, reason: "Direkt vergeben" });
    if (assigned?.status === 200) this.due.push({ id: created.answer.id, startsAt });
  }

  /** Closes out a started job (an allowance), or cancels it late (an allowance too). */
  private async finish(job: { id: string }): Promise<void> {
    if (this.random() < 0.3) {
      await this.send("cancel", "POST", `/v1/bookings/${job.id}/cancel`, { reason: "Termin entfällt kurzfristig" });
      return;
    }
    const outcome = this.pick(["done", "done", "client_no_show", "interpreter_no_show"]);
    const sent = outcome === "done" ? { outcome, actualMinutes: 20 + Math.floor(this.random() * 60), travelKm: Math.floor(this.random() * 30) } : { outcome };
    await this.send("complete", "POST", `/v1/bookings/${job.id}/complete`, sent);
  }

  private async assign(): Promise<void> {
    const sent = { interpreterId: this.pick(this.interpreters) };
    await this.send("assign", "POST", `/v1/bookings/${this.pick(this.bookings)}/assign`, sent);
  }

  private async cancel(): Promise<void> {
    const [id] = this.bookings.splice(Math.floor(this.random() * this.bookings.length), 1);
    await this.send("cancel", "POST", `/v1/bookings/${id}/cancel`, { reason: "Termin entfällt" });
  }

  /** Answers one offer by SMS (JA or NEIN), or delivers an unanswered webhook again. */
  private async answerSms(): Promise<void> {
    const again = this.target ? this.redeliveries.shift() : undefined;
    const offer = again ? undefined : this.offers.shift();
    if (!again && !offer) {
      await sleep(50);
      return;
    }
    let form = again;
    if (offer) {
      const roll = this.random();
      if (roll >= 0.95) return; // Some people never answer.
      await sleep(this.random() * 200);
      const sid = `SM${this.options.runTag}${this.next().toString(16).padStart(32 - this.options.runTag.length, "0")}`;
      form = { MessageSid: sid, AccountSid: "AC0123", From: offer.phone, To: POOL_NUMBER, Body: `${roll < 0.65 ? "JA" : "NEIN"} ${offer.code}`, NumMedia: "0" };
    }
    const record = await this.send("sms", "POST", "/v1/sms/inbound", form!, true);
    if (record && record.status === null) this.redeliveries.push(form!);
  }
}
