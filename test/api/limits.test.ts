import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { openDatabase, type NodeDatabase } from "../../src/db/open-database";
import { expectError } from "../helpers/assertions";
import { createScratchDatabase, dropScratchDatabase } from "../helpers/postgres-admin";
import { ApiClient, createTestContext, testConfig, uniqueToken, type TestContext } from "../helpers/test-app";
import { postgresBaseUrl, slowDatabase, testDbKind } from "../helpers/test-database";

describe("per-key rate limit", () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext({ config: { RATE_LIMIT_PER_MINUTE: "5" } });
  });

  it("lets a key burst up to its limit, then answers 429 with Retry-After until the bucket refills", async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await ctx.coordinator.get("/v1/organisations");
      expect(response.status).toBe(200);
      expect(response.headers.get("ratelimit-limit")).toBe("5");
      remaining.push(response.headers.get("ratelimit-remaining")!);
    }
    expect(remaining).toEqual(["4", "3", "2", "1", "0"]);

    const limited = await ctx.coordinator.get("/v1/organisations");
    expectError(limited, 429, "RATE_LIMITED");
    // 5 per minute refill one request every 12 seconds.
    expect(limited.headers.get("retry-after")).toBe("12");
    expect(limited.body.error.details).toEqual({ limitPerMinute: 5, retryAfterSeconds: 12 });

    // Other keys have buckets of their own.
    expect((await ctx.finance.get("/v1/organisations")).status).toBe(200);

    ctx.clock.advance(11_000);
    expectError(await ctx.coordinator.get("/v1/organisations"), 429, "RATE_LIMITED");
    ctx.clock.advance(1_000);
    expect((await ctx.coordinator.get("/v1/organisations")).status).toBe(200);
    expectError(await ctx.coordinator.get("/v1/organisations"), 429, "RATE_LIMITED");

    ctx.clock.advance(60_000);
    expect((await ctx.coordinator.get("/v1/organisations")).headers.get("ratelimit-remaining")).toBe("4");
  });

  it("counts requests that are refused for their role, and never requests without a valid key", async () => {
    const { client: requester } = await ctx.newRequester();
    for (let i = 0; i < 5; i += 1) expectError(await requester.get("/v1/interpreters"), 403, "FORBIDDEN");
    expectError(await requester.get("/v1/bookings"), 429, "RATE_LIMITED");
    for (let i = 0; i < 10; i += 1) expectError(await ctx.anonymous.get("/v1/organisations"), 401, "UNAUTHORIZED");
  });

  it("is off with RATE_LIMIT_PER_MINUTE=0", async () => {
    const unlimited = await createTestContext({ config: { RATE_LIMIT_PER_MINUTE: "0" } });
    for (let i = 0; i < 20; i += 1) {
      const response = await unlimited.coordinator.get("/v1/organisations");
      expect(response.status).toBe(200);
      expect(response.headers.get("ratelimit-limit")).toBeNull();
    }
  });
});

describe("request timeout", () => {
  it("answers 503 with Retry-After when the database is too slow, instead of hanging", async () => {
    const base = await createTestContext();
    const slow = { on: false };
    const app = createApp({ ...base.deps, config: testConfig({ REQUEST_TIMEOUT_MS: "200" }), db: slowDatabase(base.deps.db, () => (slow.on ? 1_500 : 0)) });
    const coordinator = new ApiClient(app, base.coordinator.key);
    expect((await coordinator.get("/v1/organisations")).status).toBe(200);

    slow.on = true;
    const response = await coordinator.get("/v1/organisations");
    expectError(response, 503, "SERVICE_UNAVAILABLE");
    expect(response.headers.get("retry-after")).toBe("1");
    slow.on = false;
    expect((await coordinator.get("/v1/organisations")).status).toBe(200);
  });
});

describe("database unavailable", () => {
  it("answers 503 with Retry-After when the database server cannot be reached", async () => {
    const base = await createTestContext();
    // Nothing listens on port 1 of the loopback: connections are refused at once.
    const unreachable = await openDatabase({ databaseUrl: "postgres://postgres@127.0.0.1:1/none", dataDir: "unused", poolSize: 1, statementTimeoutMs: 2_000 });
    try {
      const app = createApp({ ...base.deps, db: unreachable });
      const response = await new ApiClient(app, base.coordinator.key).get("/v1/organisations");
      expectError(response, 503, "SERVICE_UNAVAILABLE");
      expect(response.headers.get("retry-after")).toBe("5");
    } finally {
      await unreachable.close();
    }
  });
});

// Locks need a server: the embedded database runs one statement at a time and cannot be blocked.
describe.skipIf(testDbKind() !== "postgres")("statement timeout on a PostgreSQL server", () => {
  let url: string;
  let db: NodeDatabase;
  let ctx: TestContext;
  let locker: pg.Client;

  beforeAll(async () => {
    url = await createScratchDatabase(postgresBaseUrl(), "limits");
    db = await openDatabase({ databaseUrl: url, dataDir: "unused", poolSize: 4, statementTimeoutMs: 300 });
    await db.migrate();
    ctx = await createTestContext({ deps: { db } });
    locker = new pg.Client({ connectionString: url });
    await locker.connect();
  });

  afterAll(async () => {
    await locker?.end();
    await db?.close();
    if (url) await dropScratchDatabase(url);
  });

  it("cancels a statement stuck behind a lock, answers 503, and leaves nothing half-written", async () => {
    const name = uniqueToken("Locked office");
    await locker.query("BEGIN");
    await locker.query('LOCK TABLE "Organisation" IN ACCESS EXCLUSIVE MODE');
    const read = await ctx.coordinator.get("/v1/organisations");
    const write = await ctx.coordinator.post("/v1/organisations", { name, kind: "school", municipality: "Düren" });
    await locker.query("ROLLBACK");

    expectError(read, 503, "SERVICE_UNAVAILABLE");
    expect(read.headers.get("retry-after")).toBe("5");
    expectError(write, 503, "SERVICE_UNAVAILABLE");
    const after = await ctx.coordinator.get(`/v1/organisations?q=${encodeURIComponent(name)}`);
    expect(after.status).toBe(200);
    expect(await db.prisma.organisation.count({ where: { name } })).toBe(0);
  });
});
