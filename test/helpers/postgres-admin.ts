import pg from "pg";

/** Creates an empty database on the server of `baseUrl` and returns its URL. Only for tests. */
export async function createScratchDatabase(baseUrl: string, label: string): Promise<string> {
  const name = `dp_test_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by `createScratchDatabase` (never any other). */
export async function dropScratchDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.slice(1);
  if (!name.startsWith("dp_test_")) throw new Error(`Refusing to drop ${name}: not a test database`);
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
