// The same assignment races as test/api/booking-races.test.ts, but across two real server
// processes on one PostgreSQL database: no memory is shared, so only the database's row locks
// and constraints can keep an interpreter from being booked twice. Only meaningful on a server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScratchDatabase, dropScratchDatabase } from "../helpers/postgres-admin";
import { call, startServer, type RunningServer } from "../helpers/server-process";
import { uniqueMobile } from "../helpers/test-app";
import { postgresBaseUrl, testDbKind } from "../helpers/test-database";
import { ALL_WEEK } from "../helpers/fixtures";

const BOOTSTRAP_KEY = "race-test-coordinator-key-0123456789abcdef";
const LANGUAGE = "lad"; // Ladino: only this file books it.
const POSTCODE = "52351";
const RACERS = 20;
const DAY_MS = 86_400_000;

type Reply = Awaited<ReturnType<typeof call>>;

describe.runIf(testDbKind() === "postgres")("assignment races across two server processes", () => {
  let databaseUrl: string | undefined;
  const servers: RunningServer[] = [];
  let organisationId: string;
  /** A midnight (UTC) about 30 days ahead: the processes run on the real clock. */
  let day: number;

  const first = () => servers[0]!;
  /** Request `index` goes to process `index % 2`. */
  const alternating = (index: number) => servers[index % 2]!;
  const api = (server: RunningServer, method: string, path: string, body?: unknown) => call(server.baseUrl, BOOTSTRAP_KEY, method, path, body);

  beforeAll(async () => {
    databaseUrl = await createScratchDatabase(postgresBaseUrl(), "race");
    const env = { DATABASE_URL: databaseUrl, BOOTSTRAP_API_KEY: BOOTSTRAP_KEY, DISPATCH_INTERVAL_SECONDS: "0" };
    servers.push(...(await Promise.all([startServer(env), startServer(env)])));
    day = Math.floor(Date.now() / DAY_MS) * DAY_MS + 30 * DAY_MS;

    const organisation = await api(first(), "POST", "/v1/organisations", { name: "Schule am Park", kind: "school", municipality: "Düren" });
    expect(organisation.status, JSON.stringify(organisation.body)).toBe(201);
    organisationId = organisation.body.id;
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop("SIGTERM")));
    if (databaseUrl) await dropScratchDatabase(databaseUrl);
  });

  async function readyInterpreter(): Promise<string> {
    const created = await api(first(), "POST", "/v1/interpreters", {
      name: `Dolmetscher ${uniqueMobile().slice(-4)}`,
      phone: uniqueMobile(),
      languages: [{ code: LANGUAGE, level: "native" }],
      modes: ["onsite", "phone", "video"],
      homePostcode: POSTCODE,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const availability = await api(first(), "PUT", `/v1/interpreters/${created.body.id}/availability`, { weekly: ALL_WEEK, absences: [] });
    expect(availability.status, JSON.stringify(availability.body)).toBe(200);
    return created.body.id;
  }

  /** An on-site booking `dayOffset` days after `day`, at 09:00 UTC plus `minutes`. */
  async function onsiteBooking(dayOffset: number, minutes: number, durationMinutes: number): Promise<string> {
    const startsAt = new Date(day + dayOffset * DAY_MS + 9 * 3_600_000 + minutes * 60_000).toISOString();
    const created = await api(first(), "POST", "/v1/bookings", {
      organisationId,
      language: LANGUAGE,
      startsAt,
      durationMinutes,
      mode: "onsite",
      location: { street: "Bismarckstr. 10", postcode: POSTCODE, city: "Düren" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id;
  }

  function expectOneWinner(replies: Reply[], code: "DOUBLE_BOOKING" | "INVALID_TRANSITION"): number {
    const summary = JSON.stringify(replies.map((reply) => [reply.status, reply.body?.error?.code ?? reply.body?.status]));
    const winners = replies.flatMap((reply, index) => (reply.status === 200 ? [index] : []));
    expect(winners, summary).toHaveLength(1);
    for (const [index, reply] of replies.entries()) {
      if (index === winners[0]) continue;
      expect(reply.status, summary).toBe(409);
      expect(reply.body.error.code, summary).toBe(code);
    }
    return winners[0]!;
  }

  async function read(bookingId: string) {
    // Read through the other process than the one that created it.
    const reply = await api(servers[1]!, "GET", `/v1/bookings/${bookingId}`);
    expect(reply.status).toBe(200);
    return {
      status: reply.body.status as string,
      interpreterId: reply.body.interpreterId as string | null,
      actions: (reply.body.history as { action: string }[]).map((entry) => entry.action),
    };
  }

  it("books one interpreter for only one of 20 overlapping jobs, with the requests split over two processes", async () => {
    const interpreterId = await readyInterpreter();
    const bookingIds: string[] = [];
    for (let index = 0; index < RACERS; index++) bookingIds.push(await onsiteBooking(0, index * 5, 120));

    const replies = await Promise.all(
      bookingIds.map((bookingId, index) => api(alternating(index), "POST", `/v1/bookings/${bookingId}/assign`, { interpreterId })),
    );

    const winner = expectOneWinner(replies, "DOUBLE_BOOKING");
    expect(replies[winner]!.body).toMatchObject({ id: bookingIds[winner], status: "assigned", interpreterId });
    const held = await api(servers[1]!, "GET", `/v1/bookings?interpreterId=${interpreterId}&limit=100`);
    expect(held.status).toBe(200);
    expect(held.body.items.map((item: { id: string; status: string }) => [item.id, item.status])).toEqual([[bookingIds[winner], "assigned"]]);
    for (const [index, bookingId] of bookingIds.entries()) {
      expect(await read(bookingId)).toEqual(
        index === winner
          ? { status: "assigned", interpreterId, actions: ["created", "assigned"] }
          : { status: "open", interpreterId: null, actions: ["created"] },
      );
    }
  });

  it("gives one job only one of 20 interpreters, with the requests split over two processes", async () => {
    const interpreterIds: string[] = [];
    for (let index = 0; index < RACERS; index++) interpreterIds.push(await readyInterpreter());
    const bookingId = await onsiteBooking(1, 0, 90);

    const replies = await Promise.all(
      interpreterIds.map((interpreterId, index) => api(alternating(index), "POST", `/v1/bookings/${bookingId}/assign`, { interpreterId })),
    );

    const winner = expectOneWinner(replies, "INVALID_TRANSITION");
    expect(await read(bookingId)).toEqual({ status: "assigned", interpreterId: interpreterIds[winner], actions: ["created", "assigned"] });
  });
});
