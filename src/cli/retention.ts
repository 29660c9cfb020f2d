// `npm run retention [-- --dry-run]`: removes personal data older than RETENTION_MONTHS (contact
// details, notes, case references and free text of past bookings, SMS texts) now; with --dry-run
// only shows what would go. The dispatch tick runs the same job once a day by itself.
import { parseArgs } from "node:util";
import { createRetentionService, type RetentionResult } from "../features/privacy/retention.service";
import { formatGermanDate, formatMinute, toLocal } from "../domain/pool-time";
import { silentLogger } from "../lib/logger";
import { exitWithError, loadConfigOrExit, nodeDeps, openMigratedDatabase } from "../node/runtime";

let dryRun = false;
try {
  dryRun = parseArgs({ options: { "dry-run": { type: "boolean", default: false } } }).values["dry-run"] ?? false;
} catch (error) {
  console.error(`${(error as Error).message}\nUsage: npm run retention [-- --dry-run]`);
  process.exit(2);
}

function report(result: RetentionResult, months: number): string {
  const cutoff = toLocal(new Date(result.cutoff));
  return [
    `Retention: personal data from before ${formatGermanDate(cutoff.date)} ${formatMinute(cutoff.minute)} (Europe/Berlin, RETENTION_MONTHS=${months}).`,
    result.dryRun ? "Dry run, nothing was changed. Would remove:" : "Removed:",
    `  bookings (contact name and phone, notes, case reference, free text): ${result.bookings}`,
    `  booking history entries (reasons, SMS sender numbers): ${result.bookingEvents}`,
    `  SMS texts: ${result.smsMessages}`,
    "Allowances and export batches are kept.",
  ].join("\n");
}

const config = loadConfigOrExit();
const db = await openMigratedDatabase(config).catch(exitWithError);
try {
  const deps = nodeDeps(config, db, silentLogger);
  const result = await createRetentionService({ ...deps, retentionMonths: config.RETENTION_MONTHS }).run({ dryRun });
  console.log(report(result, config.RETENTION_MONTHS));
  await db.close();
} catch (error) {
  await db.close();
  exitWithError(error);
}
