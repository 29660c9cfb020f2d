// The daily database housekeeping the dispatch tick starts. The embedded database runs no
// autovacuum (no background workers), so without it its planner statistics would never be
// gathered and dead row versions never cleared; on a PostgreSQL server autovacuum does this and
// the job does nothing. A database of its own: the job's "ran today" mark is pool-wide.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, newInterpreter, type TestContext } from "../helpers/test-app";
import { privateDatabase, testDbKind, type PrivateDatabase } from "../helpers/test-database";

const NOW = "2026-11-24T08:00:00.000Z";
const HOUR = 3_600_000;

describe("the daily database maintenance", () => {
  let own: PrivateDatabase | undefined;
  let ctx: TestContext;

  beforeAll(async () => {
    own = await privateDatabase("maintenance", 4);
    ctx = await createTestContext({ deps: { db: own.db } });
    ctx.clock.set(NOW);
    for (let n = 0; n < 3; n++) await newInterpreter(ctx.coordinator);
  });

  afterAll(async () => {
    await own?.dispose();
  });

  const tick = async () => expect((await ctx.coordinator.post("/v1/dispatch/tick")).status).toBe(200);
  const interpreterTable = async () => {
    const [row] = await ctx.deps.db.prisma.$queryRaw<{ tuples: number; vacuumed: Date | null; analysed: Date | null }[]>`
      SELECT c."reltuples"::float8 AS "tuples", s."last_vacuum" AS "vacuumed", s."last_analyze" AS "analysed"
      FROM pg_class c JOIN pg_stat_user_tables s ON s."relid" = c."oid" WHERE c."relname" = 'Interpreter'`;
    return row!;
  };
  const lastRun = async () => (await ctx.deps.db.prisma.maintenanceRun.findUnique({ where: { name: "database_maintenance" } }))?.lastRunAt.toISOString() ?? null;

  it.runIf(testDbKind() === "embedded")("vacuums and analyses the embedded database once a day", async () => {
    expect((await interpreterTable()).analysed).toBeNull();
    await tick();
    const first = await interpreterTable();
    // Statistics now exist: the planner knows how many interpreters there are.
    expect(first.tuples).toBeGreaterThanOrEqual(3);
    expect(first.vacuumed).not.toBeNull();
    expect(first.analysed).not.toBeNull();
    expect(await lastRun()).toBe(NOW);

    // Later the same day: not again.
    ctx.clock.advance(2 * HOUR);
    await tick();
    expect(await interpreterTable()).toEqual(first);

    // A day later: again.
    ctx.clock.advance(23 * HOUR);
    await new Promise((resolve) => setTimeout(resolve, 5)); // the real time the statistics record moves on
    await tick();
    const second = await interpreterTable();
    expect(second.vacuumed!.getTime()).toBeGreaterThan(first.vacuumed!.getTime());
    expect(await lastRun()).toBe(new Date(Date.parse(NOW) + 25 * HOUR).toISOString());
  });

  it.runIf(testDbKind() === "postgres")("leaves a PostgreSQL server to its autovacuum", async () => {
    await tick();
    expect(await lastRun()).toBeNull();
  });
});
