// `node --import tsx scripts/bench/profile-summary.ts <file.cpuprofile> [--top=25]`: where a
// server's CPU time went, from a V8 profile written by `npm run bench -- --profile`. Prints self
// time by package (our src/, Prisma, pg, PGlite, Hono, zod, Node itself …), the functions with
// the most self time, and the functions of src/ with the most total time (callees included).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The package a script belongs to: `src/…` for ours, the npm package name, or `node`/`(vm)`. @example packageOf("file:///r/node_modules/@prisma/client/x.js"); // "@prisma/client" */
export function packageOf(url: string): string {
  if (!url) return "(vm)";
  if (url.startsWith("node:")) return "node";
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + 13).split("/");
    return scope?.startsWith("@") ? `${scope}/${name}` : (scope ?? url);
  }
  const src = url.indexOf("/src/");
  if (src >= 0) return url.includes("/src/generated/") ? "src/generated (Prisma client)" : "src/";
  // The server as `npm start` runs it: our code (with the generated Prisma client) in one bundle.
  if (url.endsWith("/dist/server/server.mjs")) return "src/";
  return url;
}

function main() {
  const file = process.argv[2];
  if (!file) throw new Error("usage: profile-summary.ts <file.cpuprofile> [--top=25]");
  const top = Number(process.argv.find((arg) => arg.startsWith("--top="))?.slice(6) ?? 25);
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Self time per node from the samples and their time deltas (µs).
  const self = new Map<number, number>();
  profile.samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const total = [...self.values()].reduce((sum, value) => sum + value, 0);
  const idle = [...self.entries()].filter(([id]) => ["(idle)", "(program)"].includes(byId.get(id)!.callFrame.functionName)).reduce((sum, [, value]) => sum + value, 0);

  const add = (map: Map<string, number>, key: string, value: number) => map.set(key, (map.get(key) ?? 0) + value);
  const packages = new Map<string, number>();
  const functions = new Map<string, number>();
  const ours = new Map<string, number>();
  for (const [id, micros] of self) {
    const frame = byId.get(id)!.callFrame;
    const where = `${frame.functionName || "(anonymous)"} ${frame.url.replace(/^.*\/(node_modules|src)\//, "$1/")}:${frame.lineNumber + 1}`;
    add(packages, ["(idle)", "(program)", "(garbage collector)"].includes(frame.functionName) ? frame.functionName : packageOf(frame.url), micros);
    add(functions, where, micros);
    // Total time of our own functions: every src/ frame on the stack gets the sample once.
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const callFrame = byId.get(node)!.callFrame;
      if (packageOf(callFrame.url) !== "src/") continue;
      const name = `${callFrame.functionName || "(anonymous)"} ${callFrame.url.replace(/^.*\/(src|dist\/server)\//, "$1/")}:${callFrame.lineNumber + 1}`;
      if (!seen.has(name)) add(ours, name, micros);
      seen.add(name);
    }
  }
  const busy = total - idle;
  const line = (name: string, micros: number) => `${(micros / 1000).toFixed(0).padStart(8)} ms ${((micros / busy) * 100).toFixed(1).padStart(5)} %  ${name}`;
  const print = (title: string, map: Map<string, number>, count: number) => {
    console.log(`\n${title}`);
    for (const [name, micros] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, count)) console.log(line(name, micros));
  };
  console.log(`${file}\n${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (percentages are of busy time)`);
  print("Self time by package", packages, 15);
  print("Self time by function", functions, top);
  print("Total time of src/ functions (callees included)", ours, top);
}

// Run as a script, not when another script borrows `packageOf`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
