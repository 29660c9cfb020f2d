// Crash safety: the real server under a concurrent workload (registrations, bookings, offers by
// the dispatch ticker, JA/NEIN replies by SMS, direct assignments, close-outs with allowances,
// cancellations), killed with SIGKILL at random moments and restarted on the same database. After
// the last restart the outbox is drained and the database is read directly: every request answered
// 2xx is stored exactly once, nothing is half-written, and every SMS reached (the fake) Twilio at
// most once, the ones queued at a kill after the restart. Runs on the embedded database (a data
// folder reused across restarts) and on PostgreSQL (a database of its own).
//
// `npm test` runs 2 kill points per database; RELIABILITY=1 (npm run test:reliability) runs
// RELIABILITY_KILL_POINTS (default 6, at least 5) with a longer workload. CRASH_SEED repeats a run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open-database";
import { checkAnsweredRequests, checkConsistency, checkSms, loadState } from "../helpers/crash-checks";
import { CrashWorkload, seededRandom, type RecordedRequest } from "../helpers/crash-workload";
import { accountSidFor, FakeTwilioApi } from "../helpers/fake-twilio-api";
import { createScratchDatabase, dropScratchDatabase } from "../helpers/postgres-admin";
import { recordReliability } from "../helpers/reliability-summary";
import { call, startServer, type RunningServer } from "../helpers/server-process";
import { postgresBaseUrl, testDbKind } from "../helpers/test-database";
import { PUBLIC_BASE_URL, TWILIO_TEST_TOKEN } from "../helpers/twilio";

const RELIABILITY = process.env.RELIABILITY === "1";
const KILL_POINTS = RELIABILITY ? Math.max(5, Number(process.env.RELIABILITY_KILL_POINTS) || 6) : 2;
/**
 * How many answered requests each process gets before it is killed (and the last one before the
 * checks), drawn per kill point; the kill then comes up to 300 ms later, in the middle of requests.
 * Counted in requests rather than seconds, so a slow machine gets the same workload.
 */
const ANSWERS = RELIABILITY ? { min: 300, max: 800 } : { min: 200, max: 400 };
const CLIENTS = RELIABILITY ? 6 : 4;
const SEED = Number(process.env.CRASH_SEED) || Math.floor(Math.random() * 2 ** 31);
const BOOTSTRAP_KEY = "crash-test-coordinator-key-0123456789abcdef";

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
const confirmedBySms = (record: RecordedRequest) => record.operation === "sms" && /Bestätigt/.test(String(record.answer));
const closedOut = (record: RecordedRequest) => record.operation === "complete" && record.status === 200;

describe(`crash safety under SIGKILL (${testDbKind()})`, () => {
  const kind = testDbKind();
  const twilio = new FakeTwilioApi();
  let dataDir: string | undefined;
  let databaseUrl: string | undefined;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    await twilio.start();
    if (kind === "postgres") databaseUrl = await createScratchDatabase(postgresBaseUrl(), "crash");
    else dataDir = mkdtempSync(path.join(tmpdir(), "dolmetscherpool-crash-"));
  });

  afterAll(async () => {
    await server?.stop("SIGKILL");
    await twilio.stop();
    if (databaseUrl) await dropScratchDatabase(databaseUrl);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Process `generation`'s environment: its own Twilio account SID, so each SMS names its sender. */
  function serverEnv(generation: number): Record<string, string> {
    return {
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir! }),
      BOOTSTRAP_API_KEY: BOOTSTRAP_KEY,
      RATE_LIMIT_PER_MINUTE: "0",
      AUTO_DISPATCH: "true",
      DISPATCH_INTERVAL_SECONDS: "1",
      SMS_PROVIDER: "twilio",
      SMS_RATE_PER_SECOND: "50",
      OFFER_WAVE_SIZE: "2",
      TWILIO_ACCOUNT_SID: accountSidFor(generation),
      TWILIO_AUTH_TOKEN: TWILIO_TEST_TOKEN,
      TWILIO_FROM: "+4924211234567",
      TWILIO_API_BASE_URL: twilio.baseUrl,
      PUBLIC_BASE_URL,
    };
  }

  /**
   * Waits until the outbox is empty and Twilio has heard nothing new for a while. At
   * SMS_RATE_PER_SECOND a long workload (RELIABILITY=1) leaves minutes of backlog, so there is no
   * fixed deadline: it waits as long as messages keep going out, and gives up (the checks then
   * report what is left) only when nothing was handed over for 15 s while some are still queued.
   */
  async function drained(baseUrl: string): Promise<void> {
    let seen = -1;
    let progressAt = Date.now();
    for (;;) {
      const queued = await call(baseUrl, BOOTSTRAP_KEY, "GET", "/v1/sms/messages?direction=outbound&status=queued&limit=1");
      expect(queued.status).toBe(200);
      if (queued.body.items.length === 0 && twilio.messages.length === seen) return;
      if (twilio.messages.length !== seen) {
        seen = twilio.messages.length;
        progressAt = Date.now();
      } else if (Date.now() - progressAt > 15_000) {
        return;
      }
      await sleep(1_500);
    }
  }

  /** Every row a 2xx create reported can be read back through the API. */
  async function readBack(baseUrl: string, records: RecordedRequest[]): Promise<string[]> {
    const resources = { organisation: "organisations", interpreter: "interpreters", booking: "bookings" } as const;
    const created = records.filter((record) => record.status === 201 && record.operation in resources);
    const problems: string[] = [];
    for (let start = 0; start < created.length; start += 8) {
      await Promise.all(
        created.slice(start, start + 8).map(async (record) => {
          const url = `/v1/${resources[record.operation as keyof typeof resources]}/${record.answer.id}`;
          const read = await call(baseUrl, BOOTSTRAP_KEY, "GET", url);
          if (read.status !== 200) problems.push(`GET ${url} answered ${read.status} after ${record.method} ${record.path} answered 201`);
        }),
      );
    }
    return problems;
  }

  it(
    `stores every answered write exactly once, half-writes nothing and sends every SMS once across ${KILL_POINTS} kills`,
    async () => {
      console.info(`crash safety (${kind}): seed ${SEED} (CRASH_SEED=${SEED} repeats the choices), ${KILL_POINTS} kill points`);
      const began = Date.now();
      const progress = (what: string) => console.info(`crash safety (${kind}) +${((Date.now() - began) / 1000).toFixed(1)} s: ${what}`);
      const random = seededRandom(SEED);
      const workload = new CrashWorkload(random, {
        apiKey: BOOTSTRAP_KEY,
        runTag: `k${SEED.toString(36)}`,
        clients: CLIENTS,
        maxInterpreters: RELIABILITY ? 100 : 50,
      });
      twilio.onMessage((message) => workload.smsHandedOver(message.to, message.body));
      const startedAt: number[] = [];
      const launch = async () => {
        const generation = startedAt.length + 1;
        startedAt.push(Date.now());
        server = await startServer(serverEnv(generation));
        workload.setTarget({ baseUrl: server.baseUrl, generation });
      };
      const runFor = async () => {
        await workload.answered(Math.round(ANSWERS.min + random() * (ANSWERS.max - ANSWERS.min)));
        await sleep(random() * 300);
      };

      await launch();
      workload.start();
      let survived = 0;
      for (let kill = 1; kill <= KILL_POINTS; kill++) {
        await runFor();
        workload.setTarget(null);
        const inFlight = workload.records.filter((record) => record.status === null).length;
        await server!.stop("SIGKILL");
        await launch();
        survived += 1;
        progress(`kill ${kill} after ${workload.records.length} requests (${inFlight} unanswered so far), restarted`);
      }
      await runFor();
      // What the workload is for (checked below) must have happened before it stops, however fast the server.
      await workload.until(confirmedBySms, 60_000);
      await workload.until(closedOut, 60_000);
      await workload.stop();
      progress(`workload stopped after ${workload.records.length} requests`);
      await drained(server!.baseUrl);
      const drainedAt = Date.now();
      progress("outbox drained");
      const readProblems = await readBack(server!.baseUrl, workload.records);
      progress("answered creates read back");
      // A graceful stop waits for a running dispatch tick; past SHUTDOWN_TIMEOUT_MS it exits with 1,
      // cut off like a kill (the checks then allow one message in hand-over for it too).
      const exitCode = await server!.stop("SIGTERM");
      server = undefined;

      const db = await openDatabase(databaseUrl ? { databaseUrl, dataDir: "unused", poolSize: 4 } : { dataDir: dataDir! });
      const state = await loadState(db.prisma).finally(() => db.close());
      const sms = checkSms(state, twilio.messages, { startedAt, lastStoppedCleanly: exitCode === 0, drainedAt });
      const problems = [...readProblems, ...checkAnsweredRequests(workload.records, state), ...checkConsistency(state), ...sms.problems];
      const records = workload.records;
      const serverErrors = records.filter((record) => record.status !== null && record.status >= 500);
      const count = (test: (record: RecordedRequest) => boolean) => records.filter(test).length;
      console.info(
        `crash safety (${kind}, seed ${SEED}): ${survived} kills survived, ${records.length} requests ` +
          `(${count((record) => record.status !== null && record.status < 300)} 2xx, ${count((record) => record.status === null)} unanswered, ${serverErrors.length} 5xx); ` +
          `${state.bookings.length} bookings, ${state.allowances.length} allowances, ${twilio.messages.length} SMS handed over, ` +
          `${sms.sentAfterRestart} sent by a later process than the one that queued them, ${sms.inHandOverAtKill} in hand-over at a kill, ` +
          `${sms.queuedAfterDrain} queued after the drain; last process stopped with exit code ${exitCode}; ${problems.length} problems`,
      );
      recordReliability("crash safety", { killPoints: survived, requests: records.length, serverErrors: serverErrors.length });

      // The workload did what it is for: bookings assigned by SMS and closed out with allowances.
      expect(count(confirmedBySms)).toBeGreaterThan(0);
      expect(count(closedOut)).toBeGreaterThan(0);
      expect(serverErrors.map((record) => `${record.method} ${record.path}: ${record.status} ${JSON.stringify(record.answer)}`)).toEqual([]);
      expect(problems).toEqual([]);
    },
    RELIABILITY ? 1_800_000 : 300_000,
  );
});
