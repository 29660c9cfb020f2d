// `npm run import:interpreters -- file.csv [--dry-run]`: imports a CSV of interpreters, all rows or none.
import { parseArgs } from "node:util";
import { createInterpreterImportService } from "../features/interpreters/interpreter-import.service";
import { ApiError, type FieldProblem } from "../lib/api-error";
import { silentLogger } from "../lib/logger";
import { exitWithError, loadConfigOrExit, readFileOrExit, nodeDeps, openMigratedDatabase } from "../node/runtime";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { "dry-run": { type: "boolean", default: false } },
});
const file = positionals[0];
if (!file) {
  console.error("Usage: npm run import:interpreters -- <file.csv> [--dry-run]");
  process.exit(2);
}

const text = await readFileOrExit(file);
const config = loadConfigOrExit();
const db = await openMigratedDatabase(config).catch(exitWithError);
const importer = createInterpreterImportService(nodeDeps(config, db, silentLogger));

let lastShown = 0;
const showProgress = (done: number, total: number) => {
  const percent = Math.floor((done / total) * 100);
  if (percent >= lastShown + 10 || done === total) {
    lastShown = percent;
    process.stderr.write(`  imported ${done}/${total} rows (${percent} %)\n`);
  }
};

try {
  process.stderr.write(`Checking ${file} …\n`);
  const result = await importer.importCsv(text, { dryRun: values["dry-run"], onProgress: showProgress });
  const verb = values["dry-run"] ? "Would create" : "Created";
  console.log(`${verb} ${result.created} and ${values["dry-run"] ? "update" : "updated"} ${result.updated} interpreter(s).`);
  await db.close();
} catch (error) {
  await db.close();
  if (error instanceof ApiError) {
    console.error(`Nothing was imported. ${error.message}`);
    for (const problem of (error.details as FieldProblem[] | null) ?? []) {
      console.error(`  row ${problem.row}, ${problem.path.join(".")}: ${problem.message}`);
    }
    process.exit(1);
  }
  exitWithError(error);
}
