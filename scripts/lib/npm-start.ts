// How `npm start` runs the server — `node scripts/build-server.mjs && node [flags] <bundle>` in
// package.json — for the benchmark and the process tests, so both run exactly what users run.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * The build step, Node's flags and the entry of `npm start`.
 *
 * @example
 * npmStartCommand(); // { build: "scripts/build-server.mjs", flags: ["--max-old-space-size=128", "--max-semi-space-size=4"], entry: "dist/server/server.mjs" }
 */
export function npmStartCommand(): { build: string; flags: string[]; entry: string } {
  const start = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start;
  const match = /^node (\S+) && node ((?:--\S+ )*)(\S+)$/.exec(start);
  if (!match) throw new Error(`package.json "start" is not "node <build> && node [flags] <server>": ${start}`);
  return { build: match[1]!, flags: match[2]!.trim().split(" ").filter(Boolean), entry: match[3]! };
}

let built: Promise<void> | null = null;

/**
 * Runs the build step of `npm start` once per process (the build replaces the bundle atomically,
 * so processes building at the same time do not see half a file).
 *
 * @example
 * await buildServerOnce();
 */
export function buildServerOnce(): Promise<void> {
  built ??= new Promise<void>((resolve, reject) => {
    const { build } = npmStartCommand();
    const child = spawn(process.execPath, [build], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${build} failed (exit ${code})`))));
  });
  return built;
}
