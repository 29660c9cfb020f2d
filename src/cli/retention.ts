// `npm run retention [-- --dry-run]`: removes personal data older than RETENTION_MONTHS (contact
// details, notes, case references and free text of past bookings, SMS texts) and the records of
// reads of phone numbers and IBANs older than READ_AUDIT_RETENTION_DAYS now; with --dry-run only
// shows what would go. The dispatch tick runs the same job once a day by itself.
import { parseArgs } from "node:util";
import type { RetentionResult } from "../features/privacy/retention.service";
import { formatGermanDate, formatMinute, toLocal } from "../domain/pool-time";
import { silentLogger } from "../lib/logger";
import { exitWithError, loadConfigOrExit, nodeDeps, openMigratedDatabase } from "../node/runtime";
import { createServices } from "../services";

let dryRun = false;
try {
  dryRun = parseArgs({ options: { "dry-run": { type: "boolean", default: false } } }).values["dry-run"] ?? false;
} catch (error) {
  console.error(`${(error as Error).message}\nUsage: npm run retention [-- --dry-run]`);
  process.exit(2);
}

const localTime = (instant: string) => {
  const local = toLocal(new Date(instant));
  return `${formatGermanDate(local.date)} ${formatMinute(local.minute)}`;
};

function report(result: RetentionResult, months: number, days: number): string {
  return [
    `Retention: personal data from before ${localTime(result.cutoff)} (Europe/Berlin, RETENTION_MONTHS=${months}).`,
    result.dryRun ? "Dry run, nothing was changed. Would remove:" : "Removed:",
    `  bookings (contact name and phone, notes, case reference, free text): ${result.bookings}`,
    `  booking history entries (reasons, SMS sender numbers): ${result.bookingEvents}`,
    `  SMS texts: ${result.smsMessages}`,
    `  records of reads of phone numbers and IBANs from before ${localTime(result.readAuditCutoff)} (READ_AUDIT_RETENTION_DAYS=${days}): ${result.readAuditEntries}`,
    "Allowances and export batches are kept.",
  ].join("\n");
}

const config = loadConfigOrExit();
const db = await openMigratedDatabase(config).catch(exitWithError);
try {
  // The service as the dispatch tick has it (the same settings).
  const result = await createServices(nodeDeps(config, db, silentLogger)).retention.run({ dryRun });
  console.log(report(result, config.RETENTION_MONTHS, config.READ_AUDIT_RETENTION_DAYS));
  await db.close();
} catch (error) {
  await db.close();
  exitWithError(error);
}
