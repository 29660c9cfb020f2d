#!/usr/bin/env node
// Dependency check for CI: `npm audit --omit=dev`, failing on high or critical advisories.
//
// Some networks (this project's build machines among them) reach the registry's GET endpoints but
// not the advisory service (`POST …/security/advisories/bulk` answers 405). Then no advisory data
// exists on the machine at all, and we say so loudly instead of pretending the audit passed. As
// the best check still possible we read every production package's registry entry and fail when
// an installed version is deprecated (npm's way of flagging versions with known problems).
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
const REGISTRY = (process.env.npm_config_registry || "https://registry.npmjs.org/").replace(/\/?$/, "/");
const FAIL_LEVELS = new Set(["high", "critical"]);

async function npmJson(args) {
  try {
    const { stdout } = await run("npm", args, { maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(stdout);
  } catch (error) {
    // npm exits non-zero when it finds vulnerabilities, and still prints the JSON report.
    if (error.stdout) {
      try {
        return JSON.parse(error.stdout);
      } catch {}
    }
    return { error: { summary: String(error.stderr || error.message).split("\n").find((line) => line.trim()) } };
  }
}

function auditFindings(report) {
  const vulnerabilities = Object.values(report.vulnerabilities ?? {});
  return vulnerabilities.filter((entry) => FAIL_LEVELS.has(entry.severity)).map((entry) => `${entry.name} (${entry.severity})`);
}

function productionPackages(tree) {
  const seen = new Map();
  const walk = (dependencies) => {
    for (const [name, node] of Object.entries(dependencies ?? {})) {
      if (!node.version || seen.has(`${name}@${node.version}`)) continue;
      seen.set(`${name}@${node.version}`, { name, version: node.version });
      walk(node.dependencies);
    }
  };
  walk(tree.dependencies);
  return [...seen.values()];
}

async function deprecatedVersions(packages) {
  const found = [];
  const unreachable = [];
  const queue = [...packages];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const url = REGISTRY + next.name.replace("/", "%2f");
      try {
        const response = await fetch(url, { headers: { accept: "application/vnd.npm.install-v1+json" } });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const packument = await response.json();
        const message = packument.versions?.[next.version]?.deprecated;
        if (message) found.push(`${next.name}@${next.version}: ${message}`);
      } catch (error) {
        unreachable.push(`${next.name} (${error.message})`);
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return { found, unreachable };
}

const report = await npmJson(["audit", "--omit=dev", "--json"]);
// A report has `metadata`; when the advisory service fails npm prints the HTTP error instead.
const auditFailure = report.metadata ? null : (report.message ?? report.error?.summary ?? "no report");
if (!auditFailure) {
  const findings = auditFindings(report);
  const counts = report.metadata?.vulnerabilities ?? {};
  console.log(`npm audit --omit=dev: ${JSON.stringify(counts)}`);
  if (findings.length > 0) {
    console.error(`High or critical vulnerabilities in production dependencies:\n  ${findings.join("\n  ")}`);
    process.exit(1);
  }
  process.exit(0);
}

console.warn(
  `WARNING: npm audit could not reach the advisory service (${auditFailure}).\n` +
    "No vulnerability data is available on this network; checking the registry for deprecated versions instead.",
);
const packages = productionPackages(await npmJson(["ls", "--omit=dev", "--all", "--json"]));
const { found, unreachable } = await deprecatedVersions(packages);
console.log(`Checked ${packages.length} production packages: ${found.length} deprecated, ${unreachable.length} unreachable.`);
if (unreachable.length > 0) console.warn(`  could not read: ${unreachable.slice(0, 10).join(", ")}${unreachable.length > 10 ? " …" : ""}`);
if (found.length > 0) {
  console.error(`Deprecated production dependencies:\n  ${found.join("\n  ")}`);
  process.exit(1);
}
