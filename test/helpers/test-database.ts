import { inject } from "vitest";
import type { Database } from "../../src/db/database";
import type { SqlTx } from "../../src/db/sql-transaction";
import { openDatabase, type NodeDatabase } from "../../src/db/open-database";

export type TestDbKind = "embedded" | "postgres";

export function testDbKind(): TestDbKind {
  return process.env.TEST_DB_KIND === "postgres" ? "postgres" : "embedded";
}

const holder = globalThis as { __testDatabase?: Promise<NodeDatabase> };

/**
 * The database of this test worker, opened once and shared by its test files: an in-memory
 * embedded PostgreSQL, or the run's database on the PostgreSQL server (project "postgres").
 */
export function testDatabase(): Promise<NodeDatabase> {
  holder.__testDatabase ??= (async () => {
    if (testDbKind() === "postgres") {
      return openDatabase({ databaseUrl: inject("postgresUrl"), dataDir: "unused", poolSize: 20 });
    }
    const db = await openDatabase({ dataDir: "memory://" });
    await db.migrate();
    return db;
  })();
  return holder.__testDatabase;
}

/** The server URL to make more scratch databases on (project "postgres" only). */
export function postgresBaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set");
  return url;
}

/** A database of a test file's own and how to close (and drop) it. */
export interface PrivateDatabase {
  db: NodeDatabase;
  dispose(): Promise<void>;
}

/**
 * A database of the test file's own, for tests that touch pool-wide state (tariffs, exports of
 * every organisation, the SMS send schedule): in memory on the embedded project, a scratch
 * database on the server in the postgres project. `dispose` closes (and drops) it.
 */
export async function privateDatabase(label: string, poolSize = 20): Promise<PrivateDatabase> {
  if (testDbKind() === "postgres") {
    const { createScratchDatabase, dropScratchDatabase } = await import("./postgres-admin");
    const url = await createScratchDatabase(postgresBaseUrl(), label);
    const db = await openDatabase({ databaseUrl: url, dataDir: "unused", poolSize });
    await db.migrate();
    return {
      db,
      async dispose() {
        await db.close();
        await dropScratchDatabase(url);
      },
    };
  }
  const db = await openDatabase({ dataDir: "memory://" });
  await db.migrate();
  return { db, dispose: () => db.close() };
}

/**
 * A database of the test file's own on the PostgreSQL server, null on the embedded project. For
 * files whose dispatch ticks act on the whole database: on the server the test files of both
 * workers run at the same moment on the run's database, and a tick of another file (at another
 * fake time) would expire, remind or deliver this file's rows — its SMS then go out through the
 * other file's fake sender — and this file's ticks theirs. On the embedded project each worker has
 * a database of its own and runs its files one after another, so the shared one serves.
 *
 * @example
 * own = await serverPrivateDatabase("calendar");
 * ctx = await createTestContext({ config, ...(own ? { deps: { db: own.db } } : {}) });
 */
export async function serverPrivateDatabase(label: string, poolSize = 10): Promise<PrivateDatabase | null> {
  return testDbKind() === "postgres" ? privateDatabase(label, poolSize) : null;
}

/**
 * The database with every Prisma operation (also inside transactions) and every statement of
 * `transaction` waiting `delayMs()` first: a slow or overloaded database, for the timeout tests.
 *
 * @example
 * const db = slowDatabase(base.deps.db, () => (slow.on ? 1_500 : 0));
 */
export function slowDatabase(db: Database, delayMs: () => number): Database {
  const prisma = db.prisma.$extends({
    query: {
      async $allOperations({ args, query }) {
        const delay = delayMs();
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        return query(args);
      },
    },
  }) as unknown as Database["prisma"];
  const slow = async () => {
    const delay = delayMs();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  };
  const slowTx = (tx: SqlTx): SqlTx => ({
    $queryRaw: async (query, ...values) => (await slow(), tx.$queryRaw(query, ...values)),
    $queryRawUnsafe: async (query, ...values) => (await slow(), tx.$queryRawUnsafe(query, ...values)),
    $executeRaw: async (query, ...values) => (await slow(), tx.$executeRaw(query, ...values)),
    $executeRawUnsafe: async (query, ...values) => (await slow(), tx.$executeRawUnsafe(query, ...values)),
  });
  return { ...db, prisma, transaction: (work, options) => db.transaction((tx) => work(slowTx(tx)), options), sql: slowTx(db.sql) };
}
