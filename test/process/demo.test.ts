// `npm run demo` as a real process on a database of its own (a fresh data folder, or a scratch
// database on the PostgreSQL server), then the real server on the same database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapKeyIn, call, childEnv, startServer, type RunningServer } from "../helpers/server-process";
import { recordSecret } from "../helpers/test-logs";
import { testDbKind } from "../helpers/test-database";
import { emptyDatabases, runToExit, type RunResult } from "../helpers/child-process";

const onPostgres = testDbKind() === "postgres";
const STEP_TIMEOUT_MS = 300_000;
const DAY = 86_400_000;
const databases = emptyDatabases();
const running: RunningServer[] = [];

afterAll(async () => {
  await Promise.all(running.map((server) => server.stop("SIGKILL")));
  await databases.dispose();
});

const emptyDatabaseEnv = (label: string) => databases.env(label);

/** Runs `npm run demo`'s entry and waits for it to exit. */
const runDemo = (env: Record<string, string>): Promise<RunResult> =>
  runToExit(process.execPath, ["--import", "tsx", "src/cli/demo.ts"], childEnv(env), STEP_TIMEOUT_MS - 10_000);

/** Every item of a list endpoint, page by page. */
async function all(baseUrl: string, key: string, pathname: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const separator = pathname.includes("?") ? "&" : "?";
    const page = await call(baseUrl, key, "GET", `${pathname}${separator}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

describe.sequential(`npm run demo (${onPostgres ? "PostgreSQL server" : "embedded database"})`, () => {
  let env: Record<string, string>;
  let output: string;
  let coordinatorKey: string;

  beforeAll(async () => {
    env = await emptyDatabaseEnv("demo");
  });

  it("fills an empty database, prints working keys, and refuses a second run without changing anything", async () => {
    const first = await runDemo(env);
    expect(first.code, first.stderr).toBe(0);
    output = first.stdout;
    coordinatorKey = /DEMO_COORDINATOR_KEY=(dp_\S+)/.exec(output)?.[1] ?? "";
    expect(coordinatorKey).toMatch(/^dp_[A-Za-z0-9_-]{43}$/);
    recordSecret(coordinatorKey);
    expect(output).toMatch(/100 interpreters in 30 languages, 15 organisations/);
    const [, past, future] = /(\d+) bookings in the last 12 months \(\d+ completed\), (\d+) in the next 3 weeks/.exec(output) ?? [];

    const second = await runDemo(env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain("already holds 100 interpreters");
    expect(second.stdout).not.toMatch(/dp_[A-Za-z0-9_-]{43}/);

    const server = await startServer({ ...env, DISPATCH_INTERVAL_SECONDS: "0" });
    running.push(server);
    expect(bootstrapKeyIn(server.output())).toBeUndefined();
    const base = server.baseUrl;

    const interpreters = await all(base, coordinatorKey, "/v1/interpreters");
    expect(interpreters).toHaveLength(100);
    expect(new Set(interpreters.flatMap((person) => person.languages.map((language: { code: string }) => language.code))).size).toBe(30);
    expect(interpreters.every((person) => person.phone.startsWith("+49152288") && person.iban && person.smsConsent)).toBe(true);
    const withSlots = await call(base, coordinatorKey, "GET", `/v1/interpreters/${interpreters[0].id}/availability`);
    expect(withSlots.status).toBe(200);
    expect(withSlots.body.weekly.length).toBeGreaterThan(0);

    const organisations = await all(base, coordinatorKey, "/v1/organisations");
    expect(organisations).toHaveLength(15);
    expect(new Set(organisations.map((organisation) => organisation.kind))).toEqual(new Set(["authority", "school", "kindergarten", "clinic", "counselling", "other"]));
    expect(new Set(organisations.map((organisation) => organisation.municipality)).size).toBeGreaterThanOrEqual(5);

    // The bookings span a year and the next weeks, as printed; the refused run added nothing.
    const now = Date.now();
    const bookings = await all(base, coordinatorKey, `/v1/bookings?from=${new Date(now - 400 * DAY).toISOString()}`);
    const pastBookings = bookings.filter((booking) => Date.parse(booking.startsAt) < now);
    expect(pastBookings).toHaveLength(Number(past));
    expect(bookings.length - pastBookings.length).toBe(Number(future));
    expect(pastBookings.length).toBeGreaterThan(650);
    expect(pastBookings.length).toBeLessThan(1000);
    const starts = pastBookings.map((booking) => Date.parse(booking.startsAt));
    expect(Math.min(...starts)).toBeLessThan(now - 355 * DAY);
    const statuses = new Set(pastBookings.map((booking) => booking.status));
    for (const status of ["completed", "cancelled", "unfilled"]) expect(statuses).toContain(status);
    const outcomes = new Set(pastBookings.filter((booking) => booking.status === "completed").map((booking) => booking.completion.outcome));
    expect(outcomes).toEqual(new Set(["done", "client_no_show", "interpreter_no_show"]));
    const upcoming = bookings.filter((booking) => Date.parse(booking.startsAt) > now);
    expect(upcoming.some((booking) => booking.status === "open")).toBe(true);
    expect(upcoming.some((booking) => booking.status === "assigned")).toBe(true);

    // A completed job has its history and its allowance; earlier months were exported and paid.
    const done = pastBookings.find((booking) => booking.status === "completed" && booking.completion.outcome === "done")!;
    const detail = await call(base, coordinatorKey, "GET", `/v1/bookings/${done.id}`);
    expect(detail.body.history.map((entry: { action: string }) => entry.action)).toEqual(expect.arrayContaining(["created", "assigned", "completed"]));
    const allowances = await all(base, coordinatorKey, `/v1/allowances?interpreterId=${done.interpreterId}`);
    expect(allowances.find((allowance) => allowance.bookingId === done.id)?.amountCents).toBeGreaterThan(0);
    const allAllowances = await all(base, coordinatorKey, "/v1/allowances");
    expect(allAllowances.length).toBeGreaterThan(500);
    expect(new Set(allAllowances.map((allowance) => allowance.status))).toContain("paid");
    const batches = await all(base, coordinatorKey, "/v1/exports");
    expect(batches.length).toBeGreaterThanOrEqual(10);
    expect(batches.filter((batch) => batch.status === "paid").length).toBeGreaterThanOrEqual(10);

    // The printed requester and finance keys work for their roles.
    const requesterLine = output.split("\n").find((line) => line.includes("Jobcenter Kreis Düren") && line.includes("requester"))!;
    const requesterKey = /(dp_\S+)/.exec(requesterLine)![1]!;
    recordSecret(requesterKey);
    const jobcenter = organisations.find((organisation) => organisation.name === "Jobcenter Kreis Düren");
    const own = await call(base, requesterKey, "GET", "/v1/bookings?limit=50");
    expect(own.status).toBe(200);
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(own.body.items.every((booking: { organisationId: string }) => booking.organisationId === jobcenter.id)).toBe(true);
    const financeKey = /finance\s+(dp_\S+)/.exec(output)![1]!;
    recordSecret(financeKey);
    expect((await call(base, financeKey, "GET", `/v1/allowances/yearly-cap?year=${new Date().getUTCFullYear()}`)).status).toBe(200);
    expect(await server.stop("SIGTERM")).toBe(0);
  }, STEP_TIMEOUT_MS);

  it("npm start on an empty database invents nothing: a bootstrap key, no interpreters, organisations or bookings", async () => {
    const emptyEnv = await emptyDatabaseEnv("nodemo");
    const server = await startServer({ ...emptyEnv, DISPATCH_INTERVAL_SECONDS: "0" });
    running.push(server);
    const key = bootstrapKeyIn(server.output())!;
    expect(key).toMatch(/^dp_/);
    for (const pathname of ["/v1/interpreters", "/v1/organisations", "/v1/bookings", "/v1/allowances"]) {
      const list = await call(server.baseUrl, key, "GET", pathname);
      expect(list.status, pathname).toBe(200);
      expect(list.body.items, pathname).toEqual([]);
    }
    expect(await server.stop("SIGTERM")).toBe(0);
  }, STEP_TIMEOUT_MS);
});
