// P4: signed Twilio webhooks, each a real JA or NEIN to a pending offer, as fast as they are answered.
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks";
import type { CpuUse } from "../cpu";
import { runLoad, type LoadResult } from "../load";
import { perSecond } from "../stats";
import type { PendingOffer } from "../seed";

export const SMS_CONFIG = {
  SMS_PROVIDER: "twilio",
  TWILIO_ACCOUNT_SID: `AC${"0123456789abcdef".repeat(2)}`,
  TWILIO_AUTH_TOKEN: "bench-twilio-auth-token-0123456789",
  TWILIO_FROM: "+4915799990000",
  PUBLIC_BASE_URL: "https://pool.example.org",
} as const;

const PATH = "/v1/sms/inbound";

export interface SmsResult {
  replies: number;
  repliesPerSecond: number | null;
  http: LoadResult;
  /** How many answers began with which text: shows the replies were understood (confirmations, declines). */
  answers: Record<string, number>;
  /**
   * A NEIN's next offer wave runs after its answer. With `awaitingWave` given: how long after the
   * last answer the last wave was done, and the replies per second counted up to then.
   */
  waves?: { doneAfterLastAnswerMs: number | null; repliesPerSecondWithWaves: number | null };
  /** CPU time of the server, the database server and the load generator during the run (added by the runner). */
  cpuMs?: CpuUse;
}

/**
 * Offered bookings still waiting for their next wave (a NEIN ended it; it runs after the answer).
 * Bookings that ran out of candidates are flagged `needsAttention` and not counted.
 */
export const AWAITING_WAVE_SQL = `SELECT count(*)::int AS "count" FROM "Booking" AS b
  WHERE b."status" = 'offered' AND NOT b."needsAttention" AND b."startsAt" > now()
    AND NOT EXISTS (SELECT 1 FROM "Offer" AS o WHERE o."bookingId" = b."id" AND o."status" = 'pending')`;

interface Prepared {
  body: string;
  signature: string;
}

/** Signed form bodies: every other offer is accepted (JA), the others declined (NEIN). @example prepareReplies(offers, "a1b2c3d4"); */
export function prepareReplies(offers: readonly PendingOffer[], runId: string): Prepared[] {
  return offers.map((offer, index) => {
    const params = {
      MessageSid: `SM${runId}${index.toString(16).padStart(24, "0")}`.slice(0, 34),
      AccountSid: SMS_CONFIG.TWILIO_ACCOUNT_SID,
      From: offer.phone,
      To: SMS_CONFIG.TWILIO_FROM,
      Body: `${index % 2 === 0 ? "JA" : "NEIN"} ${offer.code}`,
      NumMedia: "0",
    };
    return {
      body: new URLSearchParams(params).toString(),
      signature: getExpectedTwilioSignature(SMS_CONFIG.TWILIO_AUTH_TOKEN, SMS_CONFIG.PUBLIC_BASE_URL + PATH, params),
    };
  });
}

/**
 * Posts every prepared reply once, with `connections` at a time; then, given `awaitingWave` (e.g.
 * `AWAITING_WAVE_SQL` on a session of a PostgreSQL target), waits up to 60 s for the waves.
 *
 * @example
 * await runSmsReplies(server.baseUrl, prepareReplies(offers, "a1b2"), 16);
 */
export async function runSmsReplies(baseUrl: string, prepared: readonly Prepared[], connections: number, awaitingWave?: () => Promise<number>): Promise<SmsResult> {
  let next = 0;
  const answers: Record<string, number> = {};
  // The waves are watched from the last replies on, every 20 ms: after the last answer the first
  // look that finds none awaiting marks their end (a look only after autocannon's run has ended
  // would come up to a second late, see `lastResponseAt`). Not earlier: each look is a count over
  // the bookings, database time the measured server would not get.
  const looks: { at: number; awaiting: number }[] = [];
  let watching = true;
  let answeredSoFar = 0;
  const watcher = awaitingWave
    ? (async () => {
        while (watching) {
          const nearTheEnd = answeredSoFar >= prepared.length - connections;
          if (nearTheEnd) looks.push({ awaiting: await awaitingWave(), at: performance.now() });
          await new Promise((resolve) => setTimeout(resolve, nearTheEnd ? 20 : 5));
        }
      })()
    : null;
  const started = performance.now();
  const http = await runLoad({
    url: baseUrl,
    connections,
    amount: prepared.length,
    requests: [
      {
        method: "POST",
        path: PATH,
        setupRequest: (request) => {
          const reply = prepared[next++ % prepared.length]!;
          return { ...request, body: reply.body, headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": reply.signature } };
        },
        onResponse: (status, body) => {
          answeredSoFar += 1;
          // The reply up to its first digit (the job code): one key per kind of answer.
          const text = status === 200 ? (/<Message>([^<\d]{0,40})/.exec(body)?.[1]?.trim() ?? "(no reply)") : `HTTP ${status}`;
          answers[text] = (answers[text] ?? 0) + 1;
        },
      },
    ],
  });
  // Up to the last answer, not to the end of autocannon's run (see `lastResponseAt`).
  const answered = http.lastResponseAt ?? performance.now();
  const result: SmsResult = { replies: http.requests, repliesPerSecond: perSecond(http.requests, answered - started), http, answers };
  if (watcher) {
    const wavesDone = () => looks.find((look) => look.at > answered && look.awaiting === 0);
    while (!wavesDone() && performance.now() - answered < 60_000) await new Promise((resolve) => setTimeout(resolve, 10));
    watching = false;
    await watcher;
    const done = wavesDone()?.at ?? null;
    result.waves = { doneAfterLastAnswerMs: done === null ? null : Math.round(done - answered), repliesPerSecondWithWaves: done === null ? null : perSecond(http.requests, done - started) };
  }
  return result;
}
