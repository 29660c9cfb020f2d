// Global setup of the "postgres" project: one fresh, migrated database for the run, dropped after.
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../src/db/open-database";
import { createScratchDatabase, dropScratchDatabase } from "../helpers/postgres-admin";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const baseUrl = process.env.TEST_DATABASE_URL;
  if (!baseUrl) throw new Error("TEST_DATABASE_URL is not set");
  const url = await createScratchDatabase(baseUrl, "suite");
  const db = await openDatabase({ databaseUrl: url, dataDir: "unused", poolSize: 2 });
  await db.withStartupLock(() => db.migrate());
  await db.close();
  project.provide("postgresUrl", url);
  return async () => {
    await dropScratchDatabase(url);
  };
}
