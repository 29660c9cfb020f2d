import { sha256Hex } from "../lib/encoding";
import type { SqlConnection } from "./sql-connection";

/** One migration folder of `prisma/migrations`, read into memory. */
export interface Migration {
  /** The folder name, e.g. `20261121060000_init`. */
  name: string;
  sql: string;
}

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MigrationError";
  }
}

/** The advisory lock id Prisma's own migrate uses, so our runner and the CLI exclude each other. */
const MIGRATION_LOCK_ID = 72707369;

// The bookkeeping table exactly as `prisma migrate deploy` creates it, so the official CLI can take
// over a database we migrated (and the other way round).
const CREATE_BOOKKEEPING_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export interface MigrationResult {
  applied: string[];
  /** Migrations whose file changed after it was applied (the database keeps the old version). */
  modified: string[];
}

/**
 * Holds PostgreSQL's session advisory lock while `work` runs, so that several service instances
 * starting at once migrate (and bootstrap) one after another.
 */
export async function withMigrationLock<T>(connection: SqlConnection, work: () => Promise<T>): Promise<T> {
  await connection.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
  try {
    return await work();
  } finally {
    await connection.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]);
  }
}

/**
 * Applies the migrations the database has not seen yet, each in its own transaction, and records
 * them in `_prisma_migrations` the way `prisma migrate deploy` does. Call it inside
 * `withMigrationLock` when other processes may migrate the same database.
 *
 * @example
 * await withMigrationLock(conn, () => applyMigrations(conn, await readMigrationFiles(dir)));
 */
export async function applyMigrations(connection: SqlConnection, migrations: Migration[]): Promise<MigrationResult> {
  await connection.exec(CREATE_BOOKKEEPING_TABLE);
  const rows = await connection.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
  );
  const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed) {
    throw new MigrationError(
      `Migration ${failed.migration_name} failed earlier and was not rolled back; fix the database, then mark it rolled back.`,
    );
  }
  const done = new Map(rows.filter((row) => row.finished_at !== null).map((row) => [row.migration_name, row.checksum]));
  const result: MigrationResult = { applied: [], modified: [] };

  for (const migration of [...migrations].sort((a, b) => a.name.localeCompare(b.name))) {
    const checksum = await sha256Hex(migration.sql);
    const appliedChecksum = done.get(migration.name);
    if (appliedChecksum !== undefined) {
      if (appliedChecksum !== checksum) result.modified.push(migration.name);
      continue;
    }
    await applyOne(connection, migration, checksum);
    result.applied.push(migration.name);
  }
  return result;
}

async function applyOne(connection: SqlConnection, migration: Migration, checksum: string): Promise<void> {
  await connection.exec("BEGIN");
  try {
    await connection.exec(migration.sql);
    await connection.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), now(), 1)`,
      [crypto.randomUUID(), checksum, migration.name],
    );
    await connection.exec("COMMIT");
  } catch (error) {
    await connection.exec("ROLLBACK").catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${reason}`, { cause: error });
  }
}
