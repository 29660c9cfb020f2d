// `npm run dispatch:tick`: runs one dispatch tick against the configured database and prints what changed.
import { createServices } from "../services";
import { silentLogger } from "../lib/logger";
import { exitWithError, loadConfigOrExit, nodeDeps, openMigratedDatabase } from "../node/runtime";

const config = loadConfigOrExit();
const db = await openMigratedDatabase(config).catch(exitWithError);
try {
  const result = await createServices(nodeDeps(config, db, silentLogger)).dispatch.tick();
  console.log(JSON.stringify(result));
  await db.close();
} catch (error) {
  await db.close();
  exitWithError(error);
}
