// The database a benchmark runs on: a fresh embedded data folder, or a fresh database created on
// BENCH_DATABASE_URL's server (and dropped afterwards). Seeding talks to it directly.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import pg from "pg";
import { lockDataDir } from "../../src/db/data-dir-lock";
import { readMigrationFiles } from "../../src/db/migration-files";
import { applyMigrations } from "../../src/db/migrations";
import type { SqlConnection } from "../../src/db/sql-connection";

export type BenchTarget =
  | { kind: "embedded"; dataDir: string; label: string }
  | { kind: "postgres"; url: string; name: string; serverUrl: string; label: string };

/** A direct connection for seeding and inspection; the server must not run on an embedded target. */
export interface SqlSession extends SqlConnection {
  close(): Promise<void>;
}

const BENCH_PREFIX = "dp_bench_";

/**
 * A fresh target: a new temporary data folder, or a new database `dp_bench_<pid>_<random>` on the
 * server of `serverUrl`.
 *
 * @example
 * const target = await createTarget(process.env.BENCH_DATABASE_URL);
 */
export async function createTarget(serverUrl?: string): Promise<BenchTarget> {
  if (!serverUrl) {
    const dataDir = mkdtempSync(path.join(tmpdir(), "dp-bench-"));
    return { kind: "embedded", dataDir, label: "embedded (PGlite)" };
  }
  const name = `${BENCH_PREFIX}${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await onServer(serverUrl, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const version = await onServer(url.toString(), async (client) => (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v);
  return { kind: "postgres", url: url.toString(), name, serverUrl, label: `PostgreSQL ${version.split(" ")[0]}` };
}

/**
 * Removes what `createTarget` made (only a `dp_bench_` database, never another).
 *
 * @example
 * await dropTarget(target);
 */
export async function dropTarget(target: BenchTarget): Promise<void> {
  if (target.kind === "embedded") {
    rmSync(target.dataDir, { recursive: true, force: true });
    return;
  }
  if (!target.name.startsWith(BENCH_PREFIX)) throw new Error(`Refusing to drop ${target.name}`);
  await onServer(target.serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${target.name}" WITH (FORCE)`));
}

/**
 * The environment that points the server (or the floor) at the target.
 *
 * @example
 * targetEnv(target); // { DATA_DIR: "/tmp/dp-bench-x1y2" } or { DATABASE_URL: "postgres://…/dp_bench_…" }
 */
export function targetEnv(target: BenchTarget): Record<string, string> {
  return target.kind === "embedded" ? { DATA_DIR: target.dataDir } : { DATABASE_URL: target.url };
}

/**
 * Opens a direct connection. On the embedded database it takes the data-folder lock and opens
 * the same files as the server (`<dataDir>/pgdata`), so call it only while the server is stopped.
 *
 * @example
 * const session = await openSession(target);
 * await migrate(session);
 * await session.close();
 */
export async function openSession(target: BenchTarget): Promise<SqlSession> {
  if (target.kind === "postgres") {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    return {
      query: async (sql, params) => (await client.query(sql, params)).rows,
      exec: async (script) => void (await client.query(script)),
      close: () => client.end(),
    };
  }
  const release = lockDataDir(target.dataDir);
  const pglite = await PGlite.create({ dataDir: path.join(target.dataDir, "pgdata"), extensions: { btree_gist } });
  return {
    query: async (sql, params) => (await pglite.query<never>(sql, params)).rows,
    exec: async (script) => void (await pglite.exec(script)),
    close: async () => {
      await pglite.close();
      release();
    },
  };
}

/** Applies the project's migrations with its own runner. @example await migrate(session); */
export async function migrate(session: SqlSession): Promise<void> {
  await applyMigrations(session, await readMigrationFiles());
}

async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
