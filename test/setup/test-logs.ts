// Global setup of the database projects: a log folder for the run (test/helpers/test-logs.ts),
// and at the end the scan of everything in it — every log line of the in-process apps and the
// server processes, and every error body — for API keys, tokens, phone numbers and IBANs.
import { appendFileSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { scanLogFolder } from "../helpers/log-scan";

declare module "vitest" {
  export interface ProvidedContext {
    testLogDir: string;
  }
}

const ROOT = path.resolve(import.meta.dirname, "../..");

export default function setup(project: TestProject) {
  const dir = path.join(ROOT, ".test-logs", `${project.name}-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  project.provide("testLogDir", dir);
  return () => {
    const result = scanLogFolder(dir);
    const summary = `log scan (${project.name}): ${result.files} files, ${result.lines} lines, ${result.requestLines} request lines, ${result.findings.length} leaks`;
    console.log(summary);
    if (process.env.RELIABILITY_SUMMARY_FILE) {
      appendFileSync(process.env.RELIABILITY_SUMMARY_FILE, `${JSON.stringify({ name: `log-scan:${project.name}`, lines: result.lines, leaks: result.findings.length })}\n`);
    }
    if (result.findings.length > 0) {
      // An error thrown here is printed but does not fail the run; the exit code does.
      process.exitCode = 1;
      const shown = result.findings.slice(0, 20).map((finding) => `  ${finding.kind} in ${finding.file}: …${finding.excerpt}…`);
      throw new Error(`Secrets or personal data in the suite's logs or error bodies (kept in ${dir}):\n${shown.join("\n")}`);
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
