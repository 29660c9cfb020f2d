import { defineConfig } from "vitest/config";

// Three projects: pure unit tests once; the database-backed suites on embedded PostgreSQL, and
// again on a PostgreSQL server when TEST_DATABASE_URL is set (PGlite serialises transactions and
// hides races, so the server is the judge of concurrency).
const databaseSuites = ["test/api/**/*.test.ts", "test/process/**/*.test.ts"];
const databaseProject = (name: string, kind: "embedded" | "postgres") => ({
  test: {
    name,
    include: databaseSuites,
    env: { TEST_DB_KIND: kind },
    // One database per worker, shared by its test files: tests isolate themselves by the rows they create.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // The log scan (test/setup/test-logs.ts) runs after every database suite.
    globalSetup: ["test/setup/test-logs.ts", ...(kind === "postgres" ? ["test/setup/postgres-database.ts"] : [])],
  },
});

export default defineConfig({
  test: {
    pool: "forks",
    maxWorkers: 2,
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 60_000 } },
      databaseProject("embedded", "embedded"),
      ...(process.env.TEST_DATABASE_URL ? [databaseProject("postgres", "postgres")] : []),
    ],
  },
});
