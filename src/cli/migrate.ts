// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database in DATA_DIR.
import { describeDatabase, exitWithError, loadConfigOrExit } from "../node/runtime";
import { openDatabase } from "../db/open-database";

const config = loadConfigOrExit();
try {
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
  try {
    const result = await db.withStartupLock(() => db.migrate());
    console.log(`Database: ${describeDatabase(config)}`);
    console.log(result.applied.length ? `Applied: ${result.applied.join(", ")}` : "Already up to date.");
    for (const name of result.modified) console.warn(`Warning: ${name} was changed after it was applied.`);
  } finally {
    await db.close();
  }
} catch (error) {
  exitWithError(error);
}
