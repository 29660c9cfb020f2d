// `node --import tsx scripts/bench/alloc-summary.ts <file.heapprofile> [--units=N] [--top=30]`: where
// a server allocated memory, garbage included, from a profile written by `npm run bench --
// --alloc-profile` (scripts/bench/alloc-sampler.mjs). Prints the bytes by package and by function
// (self), per unit of work when `--units` gives how many (e.g. the pipelines of the run).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { formatTable } from "./stats";
import { packageOf } from "./profile-summary";

export interface AllocationNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: AllocationNode[];
}

/** A script's path from its package on: `node_modules/pg/lib/result.js`, `dist/server/server.mjs`, `src/…`. */
function shortUrl(url: string): string {
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) return url.slice(modules);
  const own = url.search(/\/(dist|src)\//);
  return own >= 0 ? url.slice(own + 1) : url;
}

/**
 * Bytes allocated per package and per function (self), largest first.
 *
 * @example
 * allocationsOf(profile.head).byFunction[0]; // ["parseRow pg:63", 3145728]
 */
export function allocationsOf(head: AllocationNode): { total: number; byPackage: [string, number][]; byFunction: [string, number][] } {
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  const stack: AllocationNode[] = [head];
  while (stack.length > 0) {
    const node = stack.pop()!;
    stack.push(...node.children);
    if (node.selfSize === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const pkg = packageOf(url);
    const name = `${functionName || "(anonymous)"} ${url ? `${shortUrl(url)}:${lineNumber + 1}` : "(native)"}`;
    total += node.selfSize;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + node.selfSize);
    byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return { total, byPackage: sorted(byPackage), byFunction: sorted(byFunction) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) throw new Error("usage: alloc-summary.ts <file.heapprofile> [--units=N] [--top=30]");
  const option = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1];
  const units = Number(option("units") ?? 0);
  const top = Number(option("top") ?? 30);
  const { total, byPackage, byFunction } = allocationsOf((JSON.parse(readFileSync(file, "utf8")) as { head: AllocationNode }).head);
  const row = ([name, bytes]: [string, number]) => [`${((bytes / total) * 100).toFixed(1)} %`, units > 0 ? `${(bytes / units / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`, name];
  console.log(`${file}\n${(total / 1024 ** 2).toFixed(1)} MiB sampled${units > 0 ? `, ${(total / units / 1024).toFixed(1)} KiB per unit (${units})` : ""}\n`);
  console.log(formatTable(["share", units > 0 ? "per unit" : "bytes", "package"], byPackage.slice(0, 15).map(row)));
  console.log(`\n${formatTable(["share", units > 0 ? "per unit" : "bytes", "function (self)"], byFunction.slice(0, top).map(row))}`);
}
