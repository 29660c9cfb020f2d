import { describe, expect, it } from "vitest";
import { allocationsOf, type AllocationNode } from "../../scripts/bench/alloc-summary";
import { cpuTicksOfStat, stealOfStat } from "../../scripts/bench/cpu";
import { cpuRatio, cpuShare, table, withDerived, type DatabaseReport } from "../../scripts/bench/report";
import { formatTable, growth, percentile, perSecond, ratio, show, summarise } from "../../scripts/bench/stats";

describe("benchmark statistics", () => {
  it("takes percentiles by nearest rank, whatever the order of the values", () => {
    const values = [9, 1, 8, 2, 7, 3, 6, 4, 5, 10];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 90)).toBe(9);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([42], 99)).toBe(42);
    expect(percentile([], 50)).toBeNull();
  });

  it("puts one slow request in a hundred into p99 but not p50", () => {
    const values = [...Array.from({ length: 99 }, () => 2), 500];
    expect(summarise(values)).toEqual({ count: 100, p50: 2, p99: 2, mean: 6.98, max: 500 });
    expect(summarise([...values, 600]).p99).toBe(500);
    expect(summarise([])).toEqual({ count: 0, p50: null, p99: null, mean: null, max: null });
  });

  it("gives our throughput as a share of the floor's", () => {
    expect(ratio(150, 600)).toBe(0.25);
    expect(ratio(2, 3)).toBe(0.667);
    expect(ratio(100, 0)).toBeNull();
    expect(ratio(null, 10)).toBeNull();
  });

  it("gives the growth from the small to the large case", () => {
    expect(growth(2, 5)).toBe(2.5);
    expect(growth(3, 1)).toBe(0.33);
    expect(growth(0, 5)).toBeNull();
    expect(growth(2, undefined)).toBeNull();
  });

  it("counts events per second over milliseconds", () => {
    expect(perSecond(500, 2000)).toBe(250);
    expect(perSecond(1, 3000)).toBe(0.3);
    expect(perSecond(5, 0)).toBeNull();
  });

  it("pads table columns to their widest cell", () => {
    expect(formatTable(["scenario", "p50"], [["P2", "3.25 ms"], ["P1 floor", "1 ms"]])).toBe(
      ["scenario  p50", "--------  -------", "P2        3.25 ms", "P1 floor  1 ms"].join("\n"),
    );
    expect(show(null)).toBe("–");
    expect(show(1.256, 2)).toBe("1.26");
  });

  it("reads a process's CPU ticks from /proc/<pid>/stat, whatever its name holds", () => {
    const tail = "S 1 42 42 0 -1 4194560 100 0 0 0 250 30 7 9 20 0 11 0 12345";
    expect(cpuTicksOfStat(`42 (node) ${tail}`)).toBe(280);
    // A name with spaces and parentheses must not shift the fields.
    expect(cpuTicksOfStat(`42 (a (b) c) ${tail}`)).toBe(280);
    expect(cpuTicksOfStat(`7 (postgres) S 1 7 7 0 -1 4194304 3 0 0 0 1000 500 0 0 20 0 1 0 99`)).toBe(1500);
  });

  it("reads the VM's steal from the all-cores line of /proc/stat", () => {
    expect(stealOfStat("cpu  100 0 50 800 10 0 5 35 0 0\ncpu0 50 0 25 400 5 0 2 18 0 0\n")).toEqual({ steal: 35, total: 1000 });
    // Guest time (9th and 10th fields) is part of user time already: not counted twice.
    expect(stealOfStat("cpu  100 0 50 800 10 0 5 35 40 0\n")).toEqual({ steal: 35, total: 1000 });
    expect(stealOfStat("intr 1 2 3\n")).toBeNull();
    expect(stealOfStat("cpu  1 2 3\n")).toBeNull();
  });

  it("gives the floor's CPU per pipeline as a share of ours, when both were metered alike", () => {
    const ours = { server: 5000, database: 5000, loadGenerator: 1000 };
    const floor = { server: 1000, database: 3000, loadGenerator: 400 };
    expect(cpuRatio(ours, 1000, floor, 1000)).toBe(0.4);
    // Per pipeline: the floor ran twice as many for the same CPU.
    expect(cpuRatio(ours, 1000, floor, 2000)).toBe(0.2);
    expect(cpuRatio({ server: 3000, database: null, loadGenerator: 300 }, 100, { server: 660, database: null, loadGenerator: 66 }, 100)).toBe(0.22);
    expect(cpuRatio(ours, 1000, { ...floor, database: null }, 1000)).toBeNull();
    expect(cpuRatio(undefined, 1000, floor, 1000)).toBeNull();
    expect(cpuRatio(ours, 0, floor, 1000)).toBeNull();
    expect(cpuRatio({ ...ours, server: null }, 1000, floor, 1000)).toBeNull();
  });

  it("gives P4's replies per second as a share of the floor's, and shows both", () => {
    const replies = (repliesPerSecond: number) =>
      ({ replies: 3000, repliesPerSecond, answers: {}, http: { latencyMs: { p50: 30, p99: 70 }, non2xx: 0 } }) as unknown as NonNullable<DatabaseReport["sms"]>;
    const report = withDerived({ database: "PostgreSQL", seedSeconds: 1, sms: replies(230), smsFloor: replies(460) });
    expect(report.smsRatioToFloor).toBe(0.5);
    expect(table(report)).toMatch(/P4 SMS replies \(floor\)\s+460\.0 replies\/s[^\n]*\n.*P4 ratio to floor\s+0\.500/s);
    expect(withDerived({ database: "PostgreSQL", seedSeconds: 1, sms: replies(230) }).smsRatioToFloor).toBeUndefined();
  });

  it("sums an allocation profile's bytes by package and by function, largest first", () => {
    const node = (functionName: string, url: string, selfSize: number, children: AllocationNode[] = []): AllocationNode => ({ callFrame: { functionName, url, lineNumber: 9 }, selfSize, children });
    const head = node("(root)", "", 0, [
      node("parseRow", "file:///r/node_modules/pg/lib/result.js", 300, [node("parseRow", "file:///r/node_modules/pg/lib/result.js", 200)]),
      node("rankedPool", "file:///r/dist/server/server.mjs", 400, [node("", "", 100)]),
    ]);
    const { total, byPackage, byFunction } = allocationsOf(head);
    expect(total).toBe(1000);
    expect(byPackage).toEqual([["pg", 500], ["src/", 400], ["(vm)", 100]]);
    expect(byFunction).toEqual([
      ["parseRow node_modules/pg/lib/result.js:10", 500],
      ["rankedPool dist/server/server.mjs:10", 400],
      ["(anonymous) (native)", 100],
    ]);
  });

  it("gives the CPU time per pipeline or reply by party", () => {
    expect(cpuShare({ server: 5000, database: 2500, loadGenerator: 1000 }, 1000)).toBe("server 5.00 ms, database 2.50 ms, load generator 1.00 ms");
    expect(cpuShare({ server: 900, database: null, loadGenerator: 30 }, 300)).toBe("server 3.00 ms, database (in the server), load generator 0.10 ms");
    expect(cpuShare({ server: null, database: 10, loadGenerator: 10 }, 0)).toBe("server –, database –, load generator –");
    expect(cpuShare({ server: 900, database: 600, loadGenerator: 30, stolenPercent: 12.3 }, 300)).toBe("server 3.00 ms, database 2.00 ms, load generator 0.10 ms; VM steal 12.3 %");
    expect(cpuShare({ server: 900, database: 600, loadGenerator: 30, stolenPercent: null }, 300)).toBe("server 3.00 ms, database 2.00 ms, load generator 0.10 ms");
  });
});
