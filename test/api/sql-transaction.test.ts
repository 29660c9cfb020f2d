import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { inject } from "vitest";
import { isDatabaseUnavailable, isExclusionViolation, isUniqueViolation } from "../../src/db/database";
import { openDatabase, type NodeDatabase } from "../../src/db/open-database";
import { driverTransaction, TransactionTimeout, type SqlTx } from "../../src/db/sql-transaction";
import { withRetry } from "../../src/db/transactions";
import { Prisma } from "../../src/generated/prisma/client";
import { testDatabase, testDbKind } from "../helpers/test-database";

// Database.transaction: straight on the driver on a PostgreSQL server, through Prisma on the
// embedded database. Both must commit, roll back and report errors alike. Rows are written to a
// table of this file's own, dropped at the end.
describe(`Database.transaction (${testDbKind()})`, () => {
  let db: NodeDatabase;
  const table = `"tx_test_${randomUUID().replaceAll("-", "")}"`;

  beforeAll(async () => {
    db = await testDatabase();
    await db.prisma.$executeRawUnsafe(`CREATE TABLE ${table} ("id" int PRIMARY KEY, "note" text NOT NULL, "at" timestamptz)`);
  });
  afterAll(async () => {
    await db.prisma.$executeRawUnsafe(`DROP TABLE IF EXISTS ${table}`);
  });

  const notes = async () => (await db.prisma.$queryRawUnsafe<{ id: number; note: string }[]>(`SELECT "id", "note" FROM ${table} ORDER BY "id"`)).map((row) => `${row.id}:${row.note}`);

  it("commits what the work wrote when it returns, and returns its result", async () => {
    const result = await db.transaction(async (tx) => {
      const written = await tx.$executeRawUnsafe(`INSERT INTO ${table} ("id", "note") VALUES ($1, $2), ($3, $4)`, 1, "one", 2, "two");
      const [row] = await tx.$queryRaw<{ count: number }[]>(Prisma.sql`SELECT count(*)::int AS "count" FROM ${Prisma.raw(table)} WHERE "id" > ${0}::int`);
      return { written, seen: row!.count };
    });
    expect(result).toEqual({ written: 2, seen: 2 });
    expect(await notes()).toEqual(["1:one", "2:two"]);
  });

  it("rolls back everything when the work throws, and the connection serves the next transaction", async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.$executeRawUnsafe(`INSERT INTO ${table} ("id", "note") VALUES ($1, $2)`, 3, "three");
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    // A failing statement: the unique violation comes out recognisable, nothing of the work stays.
    const failed = await db
      .transaction(async (tx) => {
        await tx.$executeRawUnsafe(`INSERT INTO ${table} ("id", "note") VALUES ($1, $2)`, 4, "four");
        await tx.$executeRawUnsafe(`INSERT INTO ${table} ("id", "note") VALUES ($1, $2)`, 1, "again");
      })
      .catch((error: unknown) => error);
    expect(isUniqueViolation(failed)).toBe(true);
    expect(isExclusionViolation(failed)).toBe(false);
    expect(isDatabaseUnavailable(failed)).toBe(false);
    for (let round = 0; round < 3; round++) {
      await db.transaction((tx) => tx.$executeRawUnsafe(`UPDATE ${table} SET "note" = $1 WHERE "id" = $2`, `one-${round}`, 1));
    }
    expect(await notes()).toEqual(["1:one-2", "2:two"]);
  });

  it("reads timestamps as instants and counts as numbers, the same on both drivers", async () => {
    const at = new Date("2026-03-29T00:30:00.000Z");
    const [row] = await db.transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO ${Prisma.raw(table)} ("id", "note", "at") VALUES (${10}::int, ${"dated"}::text, ${at}::timestamptz)`;
      return tx.$queryRaw<{ at: Date; count: number }[]>`SELECT "at", (SELECT count(*)::int FROM ${Prisma.raw(table)}) AS "count" FROM ${Prisma.raw(table)} WHERE "id" = ${10}::int`;
    });
    expect(row!.at).toBeInstanceOf(Date);
    expect(row!.at.toISOString()).toBe(at.toISOString());
    expect(row!.count).toBe(3);
  });

  it("plans every statement generically and without Memoize when asked (offer waves), for that transaction only", async () => {
    const mode = (tx: SqlTx) => tx.$queryRaw<{ mode: string; memoize: string }[]>`SELECT current_setting('plan_cache_mode') AS "mode", current_setting('enable_memoize') AS "memoize" WHERE ${1}::int = 1`;
    expect(await db.transaction(mode, { genericPlans: true })).toEqual([{ mode: "force_generic_plan", memoize: "off" }]);
    expect(await db.transaction(mode)).toEqual([{ mode: "auto", memoize: "on" }]);
  });

  it("runs single statements outside transactions with Database.sql, each committed by itself", async () => {
    expect(await db.sql.$executeRawUnsafe(`INSERT INTO ${table} ("id", "note") VALUES ($1, $2)`, 30, "alone")).toBe(1);
    const failed = await db.sql.$executeRawUnsafe(`INSERT INTO ${table} ("id", "note") VALUES ($1, $2)`, 30, "again").catch((error: unknown) => error);
    expect(isUniqueViolation(failed)).toBe(true);
    const [row] = await db.sql.$queryRaw<{ note: string }[]>`SELECT "note" FROM ${Prisma.raw(table)} WHERE "id" = ${30}::int`;
    expect(row).toEqual({ note: "alone" });
  });

  it("lets withRetry run the work again after a deadlock, without keeping anything of the failed attempt", async () => {
    let attempts = 0;
    await withRetry(() =>
      db.transaction(async (tx) => {
        attempts += 1;
        await tx.$executeRawUnsafe(`INSERT INTO ${table} ("id", "note") VALUES ($1, $2)`, 20, `attempt ${attempts}`);
        // The SQLSTATE of a deadlock, with a message that does not say so: recognised by its code.
        if (attempts === 1) await tx.$executeRawUnsafe(`DO $$ BEGIN RAISE EXCEPTION 'simulated conflict' USING ERRCODE = '40P01'; END $$`);
      }),
    );
    expect(attempts).toBe(2);
    expect((await notes()).filter((note) => note.startsWith("20:"))).toEqual(["20:attempt 2"]);
  });
});

describe.skipIf(testDbKind() !== "postgres")("Database.transaction on a PostgreSQL server", () => {
  let single: NodeDatabase;
  let other: NodeDatabase;
  beforeAll(async () => {
    single = await openDatabase({ databaseUrl: inject("postgresUrl"), dataDir: "unused", poolSize: 1, statementTimeoutMs: 300 });
    other = await testDatabase();
  });
  afterAll(async () => {
    await single?.close();
  });

  it("answers a statement timeout as the database being unavailable, and frees the connection", async () => {
    const failed = await single.transaction((tx) => tx.$queryRawUnsafe(`SELECT pg_sleep(2)`)).catch((error: unknown) => error);
    expect(isDatabaseUnavailable(failed)).toBe(true);
    // The only connection of the pool came back in a usable state: outside and inside a transaction.
    expect(await single.prisma.$queryRaw<{ one: number }[]>`SELECT 1::int AS "one"`).toEqual([{ one: 1 }]);
    expect(await single.transaction((tx) => tx.$queryRaw<{ two: number }[]>`SELECT ${2}::int AS "two"`)).toEqual([{ two: 2 }]);
  });

  it("survives losing the server connection in the middle of a transaction (a restart, a failover): 503, and the pool goes on", async () => {
    // Without a listener of its own on the checked-out connection, pg's 'error' event would be
    // unhandled and end the process (vitest reports it as an error of this file).
    const failed = await single
      .transaction(async (tx) => {
        const [{ pid }] = (await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS "pid" WHERE ${1}::int = 1`) as [{ pid: number }];
        await other.prisma.$queryRaw`SELECT pg_terminate_backend(${pid}::int)`;
        await new Promise((resolve) => setTimeout(resolve, 100));
        return tx.$queryRaw`SELECT ${3}::int AS "three"`;
      })
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(failed)).toBe(true);
    expect(await single.transaction((tx) => tx.$queryRaw<{ four: number }[]>`SELECT ${4}::int AS "four"`)).toEqual([{ four: 4 }]);
  });

  it("stores the same instant through Prisma and through the driver when the server's time zone is not UTC", async () => {
    const { createScratchDatabase, dropScratchDatabase } = await import("../helpers/postgres-admin");
    const url = await createScratchDatabase(inject("postgresUrl"), "zone");
    const berlin = new URL(url).pathname.slice(1);
    await other.prisma.$executeRawUnsafe(`ALTER DATABASE "${berlin}" SET timezone TO 'Europe/Berlin'`);
    const zoned = await openDatabase({ databaseUrl: url, dataDir: "unused", poolSize: 2 });
    try {
      const at = new Date("2026-11-24T08:00:00.000Z");
      // As text with its offset, so neither driver's reading of the answer can hide a shift.
      const [viaPrisma] = await zoned.prisma.$queryRaw<{ at: string }[]>`SELECT to_char(${at}::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS "at"`;
      const [viaDriver] = await zoned.sql.$queryRaw<{ at: string }[]>`SELECT to_char(${at}::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS "at"`;
      expect(viaPrisma).toEqual({ at: "2026-11-24T08:00" });
      expect(viaDriver).toEqual({ at: "2026-11-24T08:00" });
    } finally {
      await zoned.close();
      await dropScratchDatabase(url);
    }
  });

  it("rolls back work that does not finish within the time limit, and its row locks go with it", async () => {
    const pool = new pg.Pool({ connectionString: inject("postgresUrl"), max: 2 });
    const table = `"tx_limit_${randomUUID().replaceAll("-", "")}"`;
    try {
      await pool.query(`CREATE TABLE ${table} ("id" int PRIMARY KEY, "note" text NOT NULL)`);
      await pool.query(`INSERT INTO ${table} VALUES (1, 'before')`);
      const transaction = driverTransaction(pool, undefined, { timeoutMs: 300 });
      const failed = await transaction(async (tx) => {
        await tx.$executeRawUnsafe(`UPDATE ${table} SET "note" = 'inside' WHERE "id" = 1`);
        await new Promise(() => {}); // An await that never settles.
      }).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(TransactionTimeout);
      expect(isDatabaseUnavailable(failed)).toBe(true);
      // The row is free again (lock_timeout: waiting for a lock still held would fail) and unchanged.
      const after = await transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '2s'`);
        return tx.$queryRawUnsafe<{ note: string }[]>(`SELECT "note" FROM ${table} WHERE "id" = 1 FOR UPDATE`);
      });
      expect(after).toEqual([{ note: "before" }]);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${table}`);
      await pool.end();
    }
  });
});
