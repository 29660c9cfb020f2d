// The scan behind "no secret in any log line or error body": deliberately its own, broader
// patterns rather than the service's redactor, so a gap in the redactor cannot hide itself.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { TWILIO_TEST_TOKEN } from "./twilio";

export interface LeakFinding {
  file: string;
  kind: string;
  excerpt: string;
}

export interface ScanResult {
  files: number;
  lines: number;
  requestLines: number;
  findings: LeakFinding[];
}

const PATTERNS: [string, RegExp][] = [
  // Keys are `dp_` and 43 base64url characters (names like dp_test_… of scratch databases are not).
  ["api key", /dp_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/],
  ["IBAN", /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,}/],
  ["phone number", /(?:\+|\b00)[1-9]\d(?:[ ()/-]?\d){6,}/],
  ["phone number", /(?<![\w.:-])01[5-7]\d(?:[ /-]?\d){6,}/],
];

// Example numbers the API's own validation messages print, on purpose.
const DOCUMENTED_EXAMPLES = ["0151 23456789"];

// `npm start` prints the first coordinator key once, on purpose, outside the JSON log.
const INTENDED_OUTPUT = /^\s*(BOOTSTRAP_COORDINATOR_KEY=|$)/;
// Ids and request ids are UUIDs: their digit groups are no phone numbers.
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Looks for known secrets (verbatim) and for anything shaped like a key, phone number or IBAN.
 *
 * @example
 * scanText("app.jsonl", '{"msg":"sent to +4915112345678"}', []); // one "phone number" finding
 */
export function scanText(file: string, text: string, secrets: readonly string[]): LeakFinding[] {
  const findings: LeakFinding[] = [];
  for (const rawLine of text.split("\n")) {
    if (INTENDED_OUTPUT.test(rawLine)) continue;
    const line = DOCUMENTED_EXAMPLES.reduce((result, example) => result.split(example).join("(example)"), rawLine).replace(UUID, "(uuid)");
    for (const secret of secrets) {
      if (line.includes(secret)) findings.push({ file, kind: "known secret", excerpt: excerpt(line, line.indexOf(secret)) });
    }
    // One finding per line is enough to point at it (an IBAN also looks like a phone number).
    for (const [kind, pattern] of PATTERNS) {
      const match = pattern.exec(line);
      if (match) {
        findings.push({ file, kind, excerpt: excerpt(line, match.index) });
        break;
      }
    }
  }
  return findings;
}

function excerpt(line: string, at: number): string {
  return line.slice(Math.max(0, at - 60), at + 60);
}

/** Scans every file of a run's log folder (see test/helpers/test-logs.ts). */
export function scanLogFolder(dir: string): ScanResult {
  const names = readdirSync(dir);
  const secrets = new Set([TWILIO_TEST_TOKEN]);
  for (const name of names.filter((file) => file.startsWith("secrets.txt"))) {
    for (const secret of readFileSync(path.join(dir, name), "utf8").split("\n")) if (secret.length >= 8) secrets.add(secret);
  }
  const result: ScanResult = { files: 0, lines: 0, requestLines: 0, findings: [] };
  for (const name of names.filter((file) => !file.startsWith("secrets.txt"))) {
    const text = readFileSync(path.join(dir, name), "utf8");
    result.files += 1;
    result.lines += text.split("\n").length - 1;
    result.requestLines += text.match(/"msg":"request"/g)?.length ?? 0;
    result.findings.push(...scanText(name, text, [...secrets]));
  }
  return result;
}
