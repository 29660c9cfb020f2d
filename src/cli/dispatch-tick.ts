// `npm run dispatch:tick`: runs one dispatch tick against the configured database and prints what changed.
import { createServices } from "../services";
import { silentLogger } from "../lib/logger";
import { exitWithError, loadConfigOrExit, nodeDeps, openMigratedDatabase } from "../node/runtime";

const config = loadConfigOrExit();
const db = await openMigratedDatabase(config).catch(exitWithError);
// Ctrl-C or a stop from a scheduler: the booking in hand is finished, the rest left to the next tick.
const stop = new AbortController();
process.once("SIGINT", () => stop.abort());
process.once("SIGTERM", () => stop.abort());
try {
  const result = await createServices(nodeDeps(config, db, silentLogger)).dispatch.tick({ signal: stop.signal });
  console.log(JSON.stringify(result));
  await db.close();
} catch (error) {
  await db.close();
  exitWithError(error);
}
