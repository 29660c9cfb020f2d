import { inject } from "vitest";
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
