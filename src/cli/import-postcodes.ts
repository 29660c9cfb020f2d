// `npm run import:postcodes -- DE.txt`: loads German postcode coordinates (GeoNames postal code
// file, https://download.geonames.org/export/zip/DE.zip) so candidates are ranked by distance
// and interpreters' maximum travel distance is respected.
import { createPostcodeService } from "../features/postcodes/postcodes.service";
import { ApiError, type FieldProblem } from "../lib/api-error";
import { exitWithError, loadConfigOrExit, readFileOrExit, openMigratedDatabase } from "../node/runtime";

const file = process.argv[2];
if (!file) {
  console.error("Usage: npm run import:postcodes -- <DE.txt>   (GeoNames postal code file)");
  process.exit(2);
}
const text = await readFileOrExit(file);
const config = loadConfigOrExit();
const db = await openMigratedDatabase(config).catch(exitWithError);
try {
  const result = await createPostcodeService(db).importGeonames(text);
  console.log(`Loaded the coordinates of ${result.postcodes} postcodes.`);
  await db.close();
} catch (error) {
  await db.close();
  if (error instanceof ApiError) {
    console.error(`Nothing was imported. ${error.message}`);
    for (const problem of ((error.details as FieldProblem[] | null) ?? []).slice(0, 10)) console.error(`  line ${problem.row}: ${problem.message}`);
    process.exit(1);
  }
  exitWithError(error);
}
