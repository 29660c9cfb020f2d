// `npm run test:reliability`: the reliability tests with their full numbers (RELIABILITY=1: at
// least 5 SIGKILL points per database, a longer workload; HOSTILE_REQUESTS=10000), on the embedded
// database and, when TEST_DATABASE_URL is set, on PostgreSQL; then a summary table. Each test
// appends its numbers as a JSON line to RELIABILITY_SUMMARY_FILE (test/helpers/reliability-summary.ts;
// the log scan of test/setup/test-logs.ts adds its leaks).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// The tests that take part. The log scan needs no file of its own: the database projects' global
// setup (test/setup/test-logs.ts) scans everything these tests logged, and reports its leaks.
const TEST_FILES = ["test/process/crash-safety.test.ts", "test/api/hostile-input.test.ts"];

const root = path.resolve(import.meta.dirname, "..");
const files = TEST_FILES;
const projects = ["embedded", ...(process.env.TEST_DATABASE_URL ? ["postgres"] : [])];
const dir = mkdtempSync(path.join(tmpdir(), "dolmetscherpool-reliability-"));
const summaryFile = path.join(dir, "summary.jsonl");

console.log(`Reliability run: ${files.join(", ")} on ${projects.join(" and ")}`);
if (!process.env.TEST_DATABASE_URL) console.log("(TEST_DATABASE_URL is not set: PostgreSQL is left out.)");

const run = spawnSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run", ...files, ...projects.flatMap((project) => ["--project", project])], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    RELIABILITY: "1",
    HOSTILE_REQUESTS: process.env.HOSTILE_REQUESTS ?? "10000",
    RELIABILITY_SUMMARY_FILE: summaryFile,
  },
});

const lines = existsSync(summaryFile) ? readFileSync(summaryFile, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line)) : [];
rmSync(dir, { recursive: true, force: true });

const rows = lines
  .map((entry) => {
    // The log scan names its project in its name ("log-scan:embedded").
    const [name, project] = entry.project ? [entry.name, entry.project] : String(entry.name).split(":");
    return { name, project: project ?? "", ...entry };
  })
  .sort((a, b) => a.name.localeCompare(b.name) || a.project.localeCompare(b.project));
const cell = (value) => (value === undefined ? "–" : String(value));
const sum = (key) => rows.reduce((total, row) => total + (row[key] ?? 0), 0);
const table = [
  ["Test", "Database", "Kill points survived", "Requests tried", "5xx", "Leaks found"],
  ...rows.map((row) => [row.name, row.project, cell(row.killPoints), cell(row.requests), cell(row.serverErrors), cell(row.leaks)]),
  ["Total", "", String(sum("killPoints")), String(sum("requests")), String(sum("serverErrors")), String(sum("leaks"))],
];
const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
const format = (row) => row.map((value, column) => (column < 2 ? value.padEnd(widths[column]) : value.padStart(widths[column]))).join("  ");
console.log(`\nReliability summary\n${format(table[0])}\n${widths.map((width) => "-".repeat(width)).join("  ")}`);
for (const row of table.slice(1, -1)) console.log(format(row));
console.log(`${widths.map((width) => "-".repeat(width)).join("  ")}\n${format(table[table.length - 1])}`);
if (rows.length === 0) console.log("(no test reported numbers)");

process.exit(run.status ?? 1);
