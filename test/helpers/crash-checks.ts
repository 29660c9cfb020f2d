// What must hold after a run of test/process/crash-safety.test.ts, read straight from the
// database: every answered write is stored exactly once, nothing is half-written, and no SMS
// reached the provider twice or stayed behind. Each check returns the problems it found.
import type { PrismaClient } from "../../src/generated/prisma/client";
import type { RecordedRequest } from "./crash-workload";
import { generationOf, type HandedOverSms } from "./fake-twilio-api";

export async function loadState(prisma: PrismaClient) {
  const [organisations, interpreters, bookings, messages, allowances] = await Promise.all([
    prisma.organisation.findMany({ select: { id: true, name: true } }),
    prisma.interpreter.findMany({ select: { id: true, phone: true, _count: { select: { slots: true } } } }),
    prisma.booking.findMany({ include: { events: true, offers: true } }),
    prisma.smsMessage.findMany(),
    prisma.allowance.findMany(),
  ]);
  return { organisations, interpreters, bookings, messages, allowances };
}

export type State = Awaited<ReturnType<typeof loadState>>;
type Booking = State["bookings"][number];
type Event = Booking["events"][number];

const HANDED_OVER = new Set(["sent", "delivered", "undelivered", "sending", "unknown"]);
const STUCK = new Set(["sending", "unknown"]);

function countBy<T>(items: T[], key: (item: T) => string | null | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const value = key(item);
    if (value != null) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
}

const detail = (event: Event, field: string) => (event.details as Record<string, unknown> | null)?.[field];

/** Whether the status changes, in time order (any order among equal times), lead to `status`. */
export function historyLeadsTo(events: Event[], status: string): boolean {
  const changes = events.filter((event) => event.toStatus !== null).sort((a, b) => a.at.getTime() - b.at.getTime());
  let states = new Set<string | null>([null]);
  for (let start = 0; start < changes.length; ) {
    let end = start;
    while (end < changes.length && changes[end]!.at.getTime() === changes[start]!.at.getTime()) end += 1;
    const group = changes.slice(start, end);
    const next = new Set<string | null>();
    const walk = (current: string | null, left: Event[]) => {
      if (left.length === 0) return void next.add(current);
      for (const [index, event] of left.entries()) {
        if (event.fromStatus === current) walk(event.toStatus, left.filter((_, other) => other !== index));
      }
    };
    for (const state of states) walk(state, group);
    states = next;
    start = end;
  }
  return states.has(status);
}

/** Every request answered 2xx left exactly what it reported; unanswered ones at most that. */
export function checkAnsweredRequests(records: RecordedRequest[], state: State): string[] {
  const problems: string[] = [];
  const bookings = new Map(state.bookings.map((booking) => [booking.id, booking]));
  const organisationNames = countBy(state.organisations, (row) => row.name);
  const caseReferences = countBy(state.bookings, (row) => row.caseReference);
  const inbound = state.messages.filter((message) => message.direction === "inbound");
  const inboundSids = countBy(inbound, (message) => message.providerSid);
  const allowances = new Map(state.allowances.map((allowance) => [allowance.bookingId, allowance]));
  const fail = (record: RecordedRequest, what: string) =>
    problems.push(`${record.method} ${record.path} ${JSON.stringify(record.sent)} answered ${record.status} (process ${record.generation}): ${what}`);

  for (const record of records) {
    const answered = record.status !== null && record.status >= 200 && record.status < 300;
    const sent = record.sent as Record<string, any>;
    const bookingId = /\/v1\/bookings\/([^/]+)\//.exec(record.path)?.[1];
    const booking = bookingId ? bookings.get(bookingId) : undefined;
    const events = (action: string) => booking?.events.filter((event) => event.action === action) ?? [];
    switch (record.operation) {
      case "organisation": {
        const count = organisationNames.get(sent.name) ?? 0;
        if (answered ? count !== 1 || !state.organisations.some((row) => row.id === record.answer.id) : count > 1) fail(record, `stored ${count} times`);
        break;
      }
      case "interpreter":
        if (answered && !state.interpreters.some((row) => row.id === record.answer.id && row.phone === record.answer.phone)) fail(record, "not stored");
        break;
      case "availability":
        if (answered && state.interpreters.find((row) => record.path.includes(row.id))?._count.slots !== 7) fail(record, "the weekly slots are missing");
        break;
      case "booking": {
        const count = caseReferences.get(sent.caseReference) ?? 0;
        if (answered ? count !== 1 || !bookings.has(record.answer.id) : count > 1) fail(record, `stored ${count} times`);
        break;
      }
      case "assign":
        if (answered && !events("assigned").some((event) => event.actorType === "key" && detail(event, "interpreterId") === sent.interpreterId)) fail(record, "no 'assigned' history entry");
        break;
      case "cancel":
        if (answered && (booking?.status !== "cancelled" || events("cancelled").length !== 1)) fail(record, `booking is ${booking?.status} with ${events("cancelled").length} 'cancelled' entries`);
        break;
      case "complete":
        if (answered && (booking?.status !== "completed" || events("completed").length !== 1 || allowances.get(booking.id)?.outcome !== sent.outcome)) {
          fail(record, `booking is ${booking?.status}, allowance ${JSON.stringify(booking && allowances.get(booking.id)?.outcome)}`);
        }
        break;
      case "sms": {
        const count = inboundSids.get(sent.MessageSid) ?? 0;
        if (answered ? count !== 1 : count > 1) fail(record, `the inbound SMS is stored ${count} times`);
        if (answered) problems.push(...checkSmsEffect(record, state));
        break;
      }
    }
  }
  return problems;
}

/** A JA that was confirmed assigned the job; a NEIN that was noted declined the offer. */
function checkSmsEffect(record: RecordedRequest, state: State): string[] {
  const reply = /<Message>([\s\S]*)<\/Message>/.exec(String(record.answer))?.[1] ?? "";
  const from = String(record.sent.From);
  const interpreter = state.interpreters.find((row) => row.phone === from);
  const confirmed = /^Bestätigt: Einsatz (\d+)/.exec(reply)?.[1];
  const declined = /^Danke, Ihre Absage für Einsatz (\d+)/.exec(reply)?.[1];
  const code = confirmed ?? declined;
  if (!code || !interpreter) return [];
  const offered = state.bookings.filter((booking) => booking.code === code && booking.offers.some((offer) => offer.interpreterId === interpreter.id));
  const offerStatus = confirmed ? "accepted" : "declined";
  const action = confirmed ? "assigned" : "offer_declined";
  const done = offered.some(
    (booking) =>
      booking.offers.some((offer) => offer.interpreterId === interpreter.id && offer.status === offerStatus) &&
      booking.events.some((event) => event.action === action && event.actorType === "sms" && detail(event, "interpreterId") === interpreter.id),
  );
  return done ? [] : [`SMS ${record.sent.MessageSid} "${record.sent.Body}" got "${reply}" but no ${offerStatus} offer with its '${action}' entry`];
}

/** Invariants of every booking, offer and allowance, whatever was answered. */
export function checkConsistency(state: State): string[] {
  const problems: string[] = [];
  const allowancesByBooking = countBy(state.allowances, (allowance) => allowance.bookingId);
  const bookings = new Map(state.bookings.map((booking) => [booking.id, booking]));
  const messages = new Map(state.messages.map((message) => [message.id, message]));
  const phones = new Map(state.interpreters.map((row) => [row.id, row.phone]));
  for (const booking of state.bookings) {
    const say = (what: string) => problems.push(`booking ${booking.code} (${booking.id}, ${booking.status}): ${what}`);
    const created = booking.events.filter((event) => event.action === "created");
    if (created.length !== 1) say(`${created.length} 'created' entries`);
    if (!historyLeadsTo(booking.events, booking.status)) {
      say(`history does not lead to its status: ${booking.events.map((event) => `${event.action}:${event.fromStatus}->${event.toStatus}`).join(", ")}`);
    }
    const holds = booking.status === "assigned" || booking.status === "completed";
    if (holds !== (booking.interpreterId !== null) && booking.status !== "cancelled") say(`interpreterId ${booking.interpreterId}`);
    if (holds && !booking.events.some((event) => event.action === "assigned" && detail(event, "interpreterId") === booking.interpreterId)) say("no 'assigned' entry for its interpreter");
    const accepted = booking.offers.filter((offer) => offer.status === "accepted");
    if (accepted.length > 1) say(`${accepted.length} accepted offers`);
    for (const offer of accepted) {
      if (!booking.events.some((event) => event.action === "assigned" && event.actorType === "sms" && detail(event, "interpreterId") === offer.interpreterId)) say("an accepted offer without its 'assigned' entry");
    }
    if (booking.status !== "offered" && booking.offers.some((offer) => offer.status === "pending")) say("pending offers");
    for (const offer of booking.offers) {
      const message = offer.messageId ? messages.get(offer.messageId) : undefined;
      if (!message || message.purpose !== "offer" || message.to !== phones.get(offer.interpreterId) || message.bookingId !== booking.id) say(`offer ${offer.id} without its SMS`);
    }
    const allowances = allowancesByBooking.get(booking.id) ?? 0;
    if (booking.status === "completed" && allowances !== 1) say(`${allowances} allowances`);
  }
  for (const allowance of state.allowances) {
    const booking = bookings.get(allowance.bookingId);
    const closed = booking && (booking.status === "completed" || (booking.status === "cancelled" && booking.lateCancellation));
    if (!closed || booking.interpreterId !== allowance.interpreterId || (allowancesByBooking.get(allowance.bookingId) ?? 0) > 1) {
      problems.push(`allowance ${allowance.id} for booking ${allowance.bookingId} (${booking?.status ?? "missing"})`);
    }
  }
  return problems;
}

export interface SmsFindings {
  problems: string[];
  /** Messages written by a process that was killed before it handed them over, sent by a later one. */
  sentAfterRestart: number;
  /** Messages the killed processes were handing over (not sent again: `sending`/`unknown`). */
  inHandOverAtKill: number;
  /** Messages the last process wrote after the outbox was drained (left for its next start). */
  queuedAfterDrain: number;
}

export interface Run {
  /** When process g (1-based) was started: `startedAt[g - 1]`. */
  startedAt: number[];
  /** The last process exited by itself after SIGTERM (the others were killed). */
  lastStoppedCleanly: boolean;
  /** When the outbox of the last process was found empty. */
  drainedAt: number;
}

/**
 * The outbox after the last process has drained it and stopped. Each process hands one message
 * over at a time, so a kill leaves at most one message whose fate is unknown.
 */
export function checkSms(state: State, handedOver: HandedOverSms[], run: Run): SmsFindings {
  const { startedAt } = run;
  const problems: string[] = [];
  const last = startedAt.length - 1;
  const generationAt = (time: number) => startedAt.findLastIndex((start) => start <= time);
  const outbox = state.messages.filter((message) => message.direction === "outbound" && message.purpose !== "reply");
  const bySid = new Map(outbox.filter((message) => message.providerSid).map((message) => [message.providerSid!, message]));
  const key = (to: string, body: string) => `${to}\u0000${body}`;
  const rows = countBy(outbox.filter((message) => HANDED_OVER.has(message.status)), (message) => key(message.to, message.body));
  const posts = countBy(handedOver, (message) => key(message.to, message.body));
  for (const [pair, count] of posts) {
    if (count > (rows.get(pair) ?? 0)) problems.push(`handed to Twilio ${count} times, for ${rows.get(pair) ?? 0} message(s): ${JSON.stringify(pair.split("\u0000"))}`);
  }
  const postBySid = new Map(handedOver.map((message) => [message.sid, message]));
  const stuckPerProcess = new Map<number, number>();
  let sentAfterRestart = 0;
  let queuedAfterDrain = 0;
  for (const message of outbox) {
    const say = (what: string) => problems.push(`SMS ${message.id} (${message.purpose}, ${message.status}): ${what}`);
    if (STUCK.has(message.status)) {
      const process = generationAt(message.nextAttemptAt!.getTime());
      if (process >= last && run.lastStoppedCleanly) say("left in hand-over by the process that was stopped gracefully");
      stuckPerProcess.set(process, (stuckPerProcess.get(process) ?? 0) + 1);
    } else if (message.status === "sent") {
      const post = message.providerSid ? postBySid.get(message.providerSid) : undefined;
      if (!post || post.to !== message.to || post.body !== message.body) say(`marked sent, but Twilio has no such message ${message.providerSid}`);
      else if (generationOf(post.accountSid) - 1 > generationAt(message.createdAt.getTime())) sentAfterRestart += 1;
    } else if (message.status === "queued" && message.createdAt.getTime() >= run.drainedAt) {
      queuedAfterDrain += 1;
    } else {
      say("not sent after the restarts");
    }
  }
  for (const [process, count] of stuckPerProcess) {
    if (count > 1) problems.push(`process ${process + 1} was stopped with ${count} messages in hand-over (at most one is handed over at a time); they are never sent`);
  }
  for (const post of handedOver) {
    const row = bySid.get(post.sid);
    const stuck = outbox.some((message) => STUCK.has(message.status) && message.to === post.to && message.body === post.body);
    if (!row && !stuck) problems.push(`Twilio got a message the outbox does not know: ${JSON.stringify([post.to, post.body])}`);
  }
  const inHandOverAtKill = [...stuckPerProcess.values()].reduce((sum, count) => sum + count, 0);
  return { problems, sentAfterRestart, inHandOverAtKill, queuedAfterDrain };
}
