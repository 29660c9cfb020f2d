// `npm run db:diff -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL
// that brings the existing migrations up to prisma/schema.prisma. `--check` only reports drift.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { MIGRATIONS_DIR, diffMigrationsToSchema } from "./lib/schema-engine";

const args = process.argv.slice(2);
const checkOnly = args.includes("--check");
const name = args.find((arg) => !arg.startsWith("--"));

if (!checkOnly && (!name || !/^[a-z0-9_]+$/i.test(name))) {
  console.error("Usage: npm run db:diff -- <migration_name>   (letters, digits and _ only)\n       npm run db:diff -- --check");
  process.exit(2);
}

const sql = await diffMigrationsToSchema();
if (!sql.trim()) {
  console.log("No changes: the migrations match prisma/schema.prisma.");
  process.exit(0);
}
if (checkOnly) {
  console.error("Drift: prisma/schema.prisma differs from the migrations. Missing SQL:\n" + sql);
  process.exit(1);
}

const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const folder = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
await mkdir(folder, { recursive: true });
await writeFile(path.join(MIGRATIONS_DIR, "migration_lock.toml"), 'provider = "postgresql"\n');
await writeFile(path.join(folder, "migration.sql"), sql);
console.log(`Wrote ${path.relative(process.cwd(), folder)}/migration.sql:\n\n${sql}`);
// The WASM engine keeps the event loop busy for a while after it is done.
process.exit(0);
