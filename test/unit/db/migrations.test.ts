import { PGlite } from "@electric-sql/pglite";
import { afterEach, describe, expect, it } from "vitest";
import { applyMigrations, MigrationError, type Migration } from "../../../src/db/migrations";
import type { SqlConnection } from "../../../src/db/sql-connection";

const opened: PGlite[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((pglite) => pglite.close()));
});

async function freshConnection(): Promise<SqlConnection> {
  const pglite = await PGlite.create();
  opened.push(pglite);
  return {
    query: async (sql, params) => (await pglite.query<never>(sql, params)).rows,
    exec: async (script) => void (await pglite.exec(script)),
  };
}

const first: Migration = { name: "20260101000000_first", sql: 'CREATE TABLE "A" (id int primary key);' };
const second: Migration = { name: "20260102000000_second", sql: 'ALTER TABLE "A" ADD COLUMN note text;' };

describe("applyMigrations", () => {
  it("applies pending migrations in name order and records them like prisma migrate deploy", async () => {
    const connection = await freshConnection();
    const result = await applyMigrations(connection, [second, first]);
    expect(result).toEqual({ applied: [first.name, second.name], modified: [] });
    const rows = await connection.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((row) => row.migration_name)).toEqual([first.name, second.name]);
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.checksum) && row.finished_at && row.applied_steps_count === 1)).toBe(true);
  });

  it("is idempotent and reports migrations changed after they were applied", async () => {
    const connection = await freshConnection();
    await applyMigrations(connection, [first]);
    expect(await applyMigrations(connection, [first])).toEqual({ applied: [], modified: [] });
    const edited = { ...first, sql: first.sql + "\n-- edited" };
    expect(await applyMigrations(connection, [edited, second])).toEqual({ applied: [second.name], modified: [first.name] });
  });

  it("rolls a failing migration back completely and records nothing for it", async () => {
    const connection = await freshConnection();
    await applyMigrations(connection, [first]);
    const broken: Migration = { name: "20260103000000_broken", sql: 'CREATE TABLE "B" (id int); SELECT * FROM "missing";' };
    await expect(applyMigrations(connection, [first, broken])).rejects.toThrow(MigrationError);
    const tables = await connection.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    expect(tables.map((table) => table.tablename).sort()).toEqual(["A", "_prisma_migrations"]);
    const names = await connection.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations"');
    expect(names.map((row) => row.migration_name)).toEqual([first.name]);
  });

  it("refuses to go on after a migration that failed half-way outside this runner", async () => {
    const connection = await freshConnection();
    await applyMigrations(connection, [first]);
    await connection.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ('x', 'y', '20260102000000_second', now())`,
    );
    await expect(applyMigrations(connection, [first, second])).rejects.toThrow(/failed earlier/);
  });
});
