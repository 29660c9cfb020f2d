import { describe, expect, it } from "vitest";
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
});
