// Runs the Workers tests (vitest.workers.config.mts) inside workerd against a fresh PostgreSQL
// database, dropped afterwards. Needs TEST_DATABASE_URL (a PostgreSQL server); without it the
// tests are skipped with a message, since workerd reaches PostgreSQL only through Hyperdrive.
import { spawnSync } from "node:child_process";
import pg from "pg";

const base = process.env.TEST_DATABASE_URL;
if (!base) {
  console.log("Workers tests skipped: TEST_DATABASE_URL is not set (they need a PostgreSQL server for Hyperdrive).");
  process.exit(0);
}

const name = `dp_test_workers_${process.pid}_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`CREATE DATABASE "${name}"`);
await admin.end();

const url = new URL(base);
url.pathname = `/${name}`;
// Miniflare's Hyperdrive wants a password in the URL; trust authentication ignores it.
if (!url.password) url.password = "unused";

let status = 1;
try {
  const migrate = spawnSync(process.execPath, ["--import", "tsx", "src/cli/migrate.ts"], {
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: url.toString() },
  });
  if (migrate.status !== 0) throw new Error("migrating the Workers test database failed");
  const run = spawnSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "--config", "vitest.workers.config.mts"], {
    stdio: "inherit",
    env: { ...process.env, WORKERS_TEST_DATABASE_URL: url.toString() },
  });
  status = run.status ?? 1;
} finally {
  const cleanup = new pg.Client({ connectionString: base });
  await cleanup.connect();
  await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await cleanup.end();
}
process.exit(status);
