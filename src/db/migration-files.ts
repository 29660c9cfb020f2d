import { readdir, readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import type { Migration } from "./migrations";

/** `prisma/migrations` of this checkout, wherever the process was started from. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

/** Reads every `<name>/migration.sql` below `dir`, ordered by name. */
export async function readMigrationFiles(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const migrations: Migration[] = [];
  for (const entry of entries) {
    const file = path.join(dir, entry.name, "migration.sql");
    if (entry.isDirectory() && existsSync(file)) {
      migrations.push({ name: entry.name, sql: await readFile(file, "utf8") });
    }
  }
  return migrations.sort((a, b) => a.name.localeCompare(b.name));
}
