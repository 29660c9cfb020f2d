import { inject } from "vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type NodeDatabase } from "../../src/db/open-database";
import { readerIn } from "../../src/features/bookings/matching-facts";
import { Prisma } from "../../src/generated/prisma/client";
import { testDbKind } from "../helpers/test-database";

// On a PostgreSQL server each connection prepares a statement once (DATABASE_PREPARED_STATEMENTS,
// default on) and then only executes it. Checked on one-connection clients of the run's database
// through PostgreSQL's own list of the session's prepared statements; no rows are written.
describe.skipIf(testDbKind() !== "postgres")("prepared statements (PostgreSQL server)", () => {
  let prepared: NodeDatabase;
  let unprepared: NodeDatabase;

  beforeAll(async () => {
    prepared = await openDatabase({ databaseUrl: inject("postgresUrl"), dataDir: "unused", poolSize: 1 });
    unprepared = await openDatabase({ databaseUrl: inject("postgresUrl"), dataDir: "unused", poolSize: 1, preparedStatements: false });
  });
  afterAll(async () => {
    await prepared?.close();
    await unprepared?.close();
  });

  const preparedOn = (db: NodeDatabase) =>
    db.prisma.$queryRaw<{ name: string; statement: string }[]>`SELECT "name", "statement" FROM pg_prepared_statements WHERE "name" LIKE ${"dp\\_%"}`;

  it("prepares a statement with parameters once per connection and answers from it every time", async () => {
    const answers = [];
    for (const n of [1, 2, 3]) answers.push(await prepared.prisma.$queryRaw<{ next: number }[]>`SELECT ${n}::int + 1 AS "next"`);
    expect(answers.map((rows) => rows[0]!.next)).toEqual([2, 3, 4]);
    const statements = (await preparedOn(prepared)).filter((row) => row.statement.includes(`::int + 1 AS "next"`));
    expect(statements).toHaveLength(1);
    expect(statements[0]!.name).toMatch(/^dp_[0-9a-f]{32}$/);
  });

  it("prepares the statements Prisma builds for model queries too", async () => {
    await prepared.prisma.interpreter.findMany({ where: { name: "nobody of this test" }, take: 1 });
    expect((await preparedOn(prepared)).some((row) => row.statement.includes(`"Interpreter"`))).toBe(true);
  });

  it("still runs parameterless scripts of several statements", async () => {
    await expect(prepared.prisma.$executeRawUnsafe(`SELECT 1; SELECT 2`)).resolves.toBeDefined();
  });

  it("plans the hot reads (Database.rows) once per connection without Memoize, and everything else for its values", async () => {
    const planOf = (db: NodeDatabase, via: "rows" | "prisma") => {
      const query = Prisma.sql`SELECT current_setting('plan_cache_mode') AS "mode", current_setting('enable_memoize') AS "memoize" WHERE ${1}::int = 1`;
      return via === "rows" ? db.rows<{ mode: string; memoize: string }>(query) : db.prisma.$queryRaw<{ mode: string; memoize: string }[]>(query);
    };
    expect((await planOf(prepared, "rows"))[0]).toEqual({ mode: "force_generic_plan", memoize: "off" });
    expect((await planOf(prepared, "prisma"))[0]).toEqual({ mode: "auto", memoize: "on" });
    // A statement read through `rows` three times: planned once, then only executed.
    for (const n of [1, 2, 3]) await prepared.rows(Prisma.sql`SELECT ${n}::int * 2 AS "twice"`);
    const [statement] = await prepared.rows<{ generic: number; custom: number }>(
      Prisma.sql`SELECT "generic_plans"::int AS "generic", "custom_plans"::int AS "custom" FROM pg_prepared_statements WHERE "statement" LIKE ${"%::int * 2 AS \"twice\""}`,
    );
    expect(statement).toEqual({ generic: 3, custom: 0 });
    // Without prepared statements (behind a pooler) there is nothing to keep: the one pool, as configured.
    expect((await planOf(unprepared, "rows"))[0]!.mode).toBe("auto");
  });

  it("plans the matching reads of a transaction begun for it once per connection too, for that transaction only", async () => {
    const mode = Prisma.sql`SELECT current_setting('plan_cache_mode') AS "mode" WHERE ${1}::int = 1`;
    const inside = await prepared.transaction(async (tx) => (await readerIn(tx).rows<{ mode: string }>(mode))[0]!.mode, { genericPlans: true });
    expect(inside).toBe("force_generic_plan");
    // The pool has one connection: the next statement runs where the transaction ran.
    expect((await prepared.prisma.$queryRaw<{ mode: string }[]>(mode))[0]!.mode).toBe("auto");
  });

  it("leaves the plan choice to PostgreSQL for the facts of one person (an assignment's checks): no extra statement", async () => {
    const mode = Prisma.sql`SELECT current_setting('plan_cache_mode') AS "mode" WHERE ${2}::int = 2`;
    const inside = await prepared.transaction(async (tx) => (await readerIn(tx).rows<{ mode: string }>(mode))[0]!.mode);
    expect(inside).toBe("auto");
  });

  it("prepares nothing when turned off", async () => {
    for (const n of [1, 2]) await unprepared.prisma.$queryRaw`SELECT ${n}::int + 1 AS "next"`;
    expect(await preparedOn(unprepared)).toEqual([]);
  });
});
