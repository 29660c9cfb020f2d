// Collects what the suite's apps and servers write to their logs, and the error bodies they
// answer with, into one folder per run, so that test/setup/test-logs.ts can scan it for secrets
// at the end. Without that folder (a file run outside the database projects) nothing is kept.
import { appendFileSync } from "node:fs";
import path from "node:path";
import { inject } from "vitest";
import { parseConfig } from "../../src/config/config";
import { createLogger } from "../../src/node/runtime";
import { silentLogger, type Logger } from "../../src/lib/logger";

function logDir(): string | undefined {
  try {
    return inject("testLogDir") || undefined;
  } catch {
    return undefined;
  }
}

function append(file: string, text: string): void {
  const dir = logDir();
  if (dir) appendFileSync(path.join(dir, `${file}-${process.pid}`), text);
}

let shared: Logger | undefined;
/** The logger of in-process test apps: every line at debug level into the run's log folder. */
export function testLogger(): Logger {
  const dir = logDir();
  if (!dir) return silentLogger;
  shared ??= createLogger(parseConfig({ NODE_ENV: "test", LOG_LEVEL: "debug" }), path.join(dir, `app-${process.pid}.jsonl`));
  return shared;
}

/** Remembers a secret the suite used (an API key), so the scan can look for it verbatim. */
export function recordSecret(secret: string): void {
  append("secrets.txt", `${secret}\n`);
}

/** Keeps an error response body for the scan: error bodies must not echo secrets either. */
export function recordErrorBody(status: number, body: string): void {
  if (status >= 400) append("error-bodies.jsonl", `${JSON.stringify({ status, body })}\n`);
}

/** Keeps everything a server process printed (its JSON log lines). */
export function recordServerOutput(output: string): void {
  append("servers.log", output.endsWith("\n") ? output : `${output}\n`);
}
