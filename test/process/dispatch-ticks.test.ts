// Dispatch across two real server processes on one PostgreSQL database: both offer the same jobs
// and run the dispatch tick at the same moment. No memory is shared, so only row locks, SKIP LOCKED
// claims and unique rows keep an interpreter from being asked twice, a wave from going out twice
// or a reminder from being sent twice. The processes run on the real clock, so offers lapse after
// OFFER_TTL_MINUTES=1 and reminders are due REMINDER_HOURS=3 before a start. Only meaningful on a
// server.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_WEEK } from "../helpers/fixtures";
import { createScratchDatabase, dropScratchDatabase } from "../helpers/postgres-admin";
import { call, startServer, type RunningServer } from "../helpers/server-process";
import { uniqueMobile } from "../helpers/test-app";
import { postgresBaseUrl, testDbKind } from "../helpers/test-database";

const BOOTSTRAP_KEY = "ticks-test-coordinator-key-0123456789abcdef";
const OFFER_LANGUAGE = "bis"; // Bislama
const REMINDER_LANGUAGE = "bjn"; // Banjar
const JOBS = 10;
const OFFEREES = 15;
const WAVE_SIZE = 3; // OFFER_WAVE_SIZE's default
const HOUR_MS = 3_600_000;
const ROUNDS = 3;
const TICKS_PER_ROUND = 6;

type Reply = Awaited<ReturnType<typeof call>>;
interface Message {
  direction: string;
  purpose: string;
  interpreterId: string | null;
  to: string;
  status: string;
  attempts: number;
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, milliseconds)));
/** A time `milliseconds` from now, rounded up to the next whole second. */
const fromNow = (milliseconds: number) => new Date(Math.ceil((Date.now() + milliseconds) / 1000) * 1000);

describe.runIf(testDbKind() === "postgres")("dispatch ticks across two server processes", () => {
  let databaseUrl: string | undefined;
  let sql: pg.Client | undefined;
  const servers: RunningServer[] = [];
  let organisationId: string;
  const offerees: string[] = [];
  const assignees: string[] = [];

  const first = () => servers[0]!;
  const api = (server: RunningServer, method: string, path: string, body?: unknown) => call(server.baseUrl, BOOTSTRAP_KEY, method, path, body);
  /** The same request on both processes at the same moment. */
  const onBoth = (method: string, path: string, body?: unknown) => Promise.all(servers.map((server) => api(server, method, path, body)));

  beforeAll(async () => {
    databaseUrl = await createScratchDatabase(postgresBaseUrl(), "ticks");
    const env = {
      DATABASE_URL: databaseUrl,
      BOOTSTRAP_API_KEY: BOOTSTRAP_KEY,
      DISPATCH_INTERVAL_SECONDS: "0",
      AUTO_DISPATCH: "false",
      OFFER_TTL_MINUTES: "1",
      REMINDER_HOURS: "3",
      SMS_RATE_PER_SECOND: "100",
    };
    servers.push(...(await Promise.all([startServer(env), startServer(env)])));
    sql = new pg.Client({ connectionString: databaseUrl });
    await sql.connect();

    const organisation = await api(first(), "POST", "/v1/organisations", { name: "Jobcenter Düren", kind: "authority", municipality: "Düren" });
    expect(organisation.status, JSON.stringify(organisation.body)).toBe(201);
    organisationId = organisation.body.id;
    for (let index = 0; index < OFFEREES; index++) offerees.push(await readyInterpreter(OFFER_LANGUAGE));
    for (let index = 0; index < JOBS; index++) assignees.push(await readyInterpreter(REMINDER_LANGUAGE));
  });

  afterAll(async () => {
    await sql?.end();
    await Promise.all(servers.map((server) => server.stop("SIGTERM")));
    if (databaseUrl) await dropScratchDatabase(databaseUrl);
  });

  async function readyInterpreter(language: string): Promise<string> {
    const created = await api(first(), "POST", "/v1/interpreters", {
      name: `Dolmetscherin ${uniqueMobile().slice(-4)}`,
      phone: uniqueMobile(),
      languages: [{ code: language, level: "native" }],
      modes: ["onsite", "phone", "video"],
      homePostcode: "52351",
      smsConsent: true,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const availability = await api(first(), "PUT", `/v1/interpreters/${created.body.id}/availability`, { weekly: ALL_WEEK, absences: [] });
    expect(availability.status, JSON.stringify(availability.body)).toBe(200);
    return created.body.id;
  }

  async function book(language: string, startsAt: Date): Promise<{ id: string; code: string }> {
    const created = await api(first(), "POST", "/v1/bookings", {
      organisationId,
      language,
      startsAt: startsAt.toISOString(),
      durationMinutes: 60,
      mode: "onsite",
      location: { street: "Bismarckstr. 10", postcode: "52351", city: "Düren" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body;
  }

  /**
   * Rounds of ticks: each round starts one on both processes at the same moment, then more on
   * both, a few milliseconds apart (so some start while others are half done). The summed results.
   */
  async function tickTogether(rounds = ROUNDS) {
    const total = { expiredOffers: 0, wavesSent: 0, offersSent: 0, reminders: 0 };
    for (let round = 0; round < rounds; round++) {
      const ticks = Array.from({ length: TICKS_PER_ROUND }, async (_, index) => {
        await sleep(Math.floor(index / 2) * 40);
        return api(servers[index % 2]!, "POST", "/v1/dispatch/tick");
      });
      for (const reply of await Promise.all(ticks)) {
        expect(reply.status, JSON.stringify(reply.body)).toBe(200);
        for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += reply.body[key];
      }
    }
    return total;
  }

  /** Outgoing SMS of a booking, read through the second process. */
  async function messages(bookingId: string): Promise<Message[]> {
    const reply = await api(servers[1]!, "GET", `/v1/sms/messages?bookingId=${bookingId}&direction=outbound&limit=100`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.nextCursor).toBeNull();
    return reply.body.items;
  }

  async function offerRows(bookingIds: string[]) {
    const result = await sql!.query<{ bookingId: string; interpreterId: string; status: string; wave: number }>(
      `SELECT "bookingId"::text AS "bookingId", "interpreterId"::text AS "interpreterId", "status"::text AS "status", "wave"
       FROM "Offer" WHERE "bookingId" = ANY($1::uuid[])`,
      [bookingIds],
    );
    return result.rows;
  }

  /** Waits until the outbox workers handed every message of these bookings over. */
  async function settled(bookingIds: string[]): Promise<Message[]> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const all = (await Promise.all(bookingIds.map(messages))).flat();
      if (all.every((message) => message.status === "sent") || Date.now() > deadline) return all;
      await sleep(250);
    }
  }

  function expectOncePerInterpreter(offers: Message[], count: number, summary: string): void {
    expect(offers, summary).toHaveLength(count);
    expect(new Set(offers.map((message) => message.interpreterId)).size, summary).toBe(count);
    expect(new Set(offers.map((message) => message.to)).size, summary).toBe(count);
  }

  it(
    "asks each interpreter once per job when both processes offer and tick at the same moment, also when the offers lapse",
    async () => {
      const base = fromNow(3 * HOUR_MS);
      const jobs: { id: string; code: string }[] = [];
      for (let index = 0; index < JOBS; index++) jobs.push(await book(OFFER_LANGUAGE, new Date(base.getTime() + index * 5 * 60_000)));
      const jobIds = jobs.map((job) => job.id);
      const named = offerees.slice(-WAVE_SIZE);
      const expiries: number[] = [];
      const collect = (reply: Reply) => {
        for (const item of reply.body.offered) expiries.push(Date.parse(item.expiresAt));
        return reply.body.offered.map((item: { interpreterId: string }) => item.interpreterId) as string[];
      };

      // The same named interpreters asked on both processes at once: one asks, the other is told they were.
      const named1 = await Promise.all(jobIds.map((id) => onBoth("POST", `/v1/bookings/${id}/offers`, { interpreterIds: named })));
      for (const replies of named1) {
        const summary = JSON.stringify(replies.map((reply) => [reply.status, reply.body?.error?.code ?? reply.body?.wave]));
        expect(replies.map((reply) => reply.status).sort(), summary).toEqual([200, 422]);
        const won = replies.find((reply) => reply.status === 200)!;
        expect(won.body.wave, summary).toBe(1);
        expect(collect(won).sort()).toEqual([...named].sort());
        const lost = replies.find((reply) => reply.status === 422)!;
        expect(lost.body.error.code).toBe("VALIDATION_FAILED");
        expect(lost.body.error.details.map((problem: { message: string }) => problem.message)).toEqual(named.map(() => expect.stringMatching(/already asked/i)));
      }

      // A default wave on both processes at once: two waves to different people.
      const waves = await Promise.all(jobIds.map((id) => onBoth("POST", `/v1/bookings/${id}/offers`)));
      for (const [index, replies] of waves.entries()) {
        const summary = JSON.stringify(replies.map((reply) => [reply.status, reply.body]));
        expect(replies.map((reply) => reply.status), summary).toEqual([200, 200]);
        expect(replies.map((reply) => reply.body.wave).sort(), summary).toEqual([2, 3]);
        const asked = replies.flatMap(collect);
        expect(new Set(asked).size, summary).toBe(2 * WAVE_SIZE);
        expect(asked.filter((id) => named.includes(id)), summary).toEqual([]);
        expect(jobIds[index]).toBe(replies[0]!.body.bookingId);
      }

      // Ticks on both at once while the offers are pending: nothing more is asked.
      const idle = await tickTogether();
      expect(idle.wavesSent).toBe(0);
      expect(idle.expiredOffers).toBe(0);
      for (const job of jobs) {
        const offers = (await messages(job.id)).filter((message) => message.purpose === "offer");
        expectOncePerInterpreter(offers, 3 * WAVE_SIZE, `${job.code}: ${JSON.stringify(offers)}`);
      }
      const pending = await offerRows(jobIds);
      expect(pending).toHaveLength(JOBS * 3 * WAVE_SIZE);
      expect(pending.every((row) => row.status === "pending")).toBe(true);

      // The offers lapse (OFFER_TTL_MINUTES=1). Both processes tick at once, several times: the
      // offers expire once and each job gets exactly one next wave.
      await sleep(Math.max(...expiries) - Date.now() + 1_500);
      const lapse = await tickTogether();
      expect(lapse.wavesSent).toBe(JOBS);
      expect(lapse.offersSent).toBe(JOBS * WAVE_SIZE);
      const rows = await offerRows(jobIds);
      for (const job of jobs) {
        const mine = rows.filter((row) => row.bookingId === job.id);
        const summary = `${job.code}: ${JSON.stringify(mine)}`;
        expect(mine, summary).toHaveLength(4 * WAVE_SIZE);
        expect(new Set(mine.map((row) => row.interpreterId)).size, summary).toBe(4 * WAVE_SIZE);
        expect(mine.filter((row) => row.status === "expired").map((row) => row.wave).sort(), summary).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
        expect(mine.filter((row) => row.status === "pending").map((row) => row.wave), summary).toEqual([4, 4, 4]);

        const booking = await api(servers[1]!, "GET", `/v1/bookings/${job.id}`);
        expect(booking.body.status).toBe("offered");
        expect(booking.body.history.map((entry: { action: string }) => entry.action)).toEqual(["created", "offered", "offered", "offered", "offered"]);
      }

      // Every offer SMS went out once: one message per interpreter and job, each handed over once.
      const all = await settled(jobIds);
      expect(all).toHaveLength(JOBS * 4 * WAVE_SIZE);
      for (const job of jobs) {
        const offers = (await messages(job.id)).filter((message) => message.purpose === "offer");
        expectOncePerInterpreter(offers, 4 * WAVE_SIZE, job.code);
        const asked = rows.filter((row) => row.bookingId === job.id).map((row) => row.interpreterId);
        expect(offers.map((message) => message.interpreterId).sort(), job.code).toEqual(asked.sort());
      }
      expect(all.map((message) => [message.status, message.attempts]).filter(([status, attempts]) => status !== "sent" || attempts !== 1)).toEqual([]);
    },
    180_000,
  );

  it(
    "sends each reminder once when both processes tick at the same moment",
    async () => {
      // Assigned now, due for the 3-hour reminder in about 25 seconds.
      const startsAt = fromNow(3 * HOUR_MS + 25_000);
      const jobs: { id: string; code: string }[] = [];
      for (let index = 0; index < JOBS; index++) jobs.push(await book(REMINDER_LANGUAGE, startsAt));
      const assigned = await Promise.all(
        jobs.map((job, index) => api(servers[index % 2]!, "POST", `/v1/bookings/${job.id}/assign`, { interpreterId: assignees[index] })),
      );
      for (const reply of assigned) expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      const jobIds = jobs.map((job) => job.id);

      const early = await tickTogether(1);
      expect(early.reminders).toBe(0);
      expect((await Promise.all(jobIds.map(messages))).flat()).toEqual([]);

      await sleep(startsAt.getTime() - 3 * HOUR_MS - Date.now() + 1_500);
      const due = await tickTogether();
      expect(due.reminders).toBe(JOBS);

      const all = await settled(jobIds);
      expect(all).toHaveLength(JOBS);
      for (const [index, job] of jobs.entries()) {
        const mine = await messages(job.id);
        expect(mine.map((message) => [message.purpose, message.interpreterId]), job.code).toEqual([["reminder_3h", assignees[index]]]);
      }
      expect(all.every((message) => message.status === "sent" && message.attempts === 1)).toBe(true);
      const reminders = await sql!.query(`SELECT "bookingId"::text AS "bookingId" FROM "Reminder" WHERE "bookingId" = ANY($1::uuid[])`, [jobIds]);
      expect(reminders.rows.map((row: { bookingId: string }) => row.bookingId).sort()).toEqual([...jobIds].sort());
    },
    120_000,
  );
});
