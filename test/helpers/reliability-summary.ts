import { appendFileSync } from "node:fs";

/** The numbers `npm run test:reliability` prints; a test reports those that apply to it. */
export interface ReliabilityNumbers {
  killPoints?: number;
  requests?: number;
  serverErrors?: number;
  leaks?: number;
}

/**
 * Appends one JSON line with a test's numbers to the file named by RELIABILITY_SUMMARY_FILE
 * (set by scripts/test-reliability.mjs); does nothing when it is not set.
 *
 * @example
 * recordReliability("hostile input", { requests: 10_000, serverErrors: 0 });
 */
export function recordReliability(name: string, numbers: ReliabilityNumbers): void {
  const file = process.env.RELIABILITY_SUMMARY_FILE;
  if (!file) return;
  const project = process.env.TEST_DB_KIND ?? "unit";
  appendFileSync(file, JSON.stringify({ name, project, ...numbers }) + "\n");
}
