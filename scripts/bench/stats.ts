// Pure helpers of the benchmark report: percentiles, ratios, growth, a text table.

/**
 * The p-th percentile (0–100) of some numbers, by the nearest-rank method; null when empty.
 *
 * @example
 * percentile([5, 1, 3, 2, 4], 50); // 3
 * percentile([1, 2, 3, 4], 99);    // 4
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((Math.min(Math.max(p, 0), 100) / 100) * sorted.length);
  return sorted[Math.max(rank, 1) - 1]!;
}

export interface LatencySummary {
  count: number;
  p50: number | null;
  p99: number | null;
  mean: number | null;
  max: number | null;
}

/**
 * Count, p50, p99, mean and max of latencies (milliseconds), rounded to 0.01 ms.
 *
 * @example
 * summarise([2, 4, 6]); // { count: 3, p50: 4, p99: 6, mean: 4, max: 6 }
 */
export function summarise(values: readonly number[]): LatencySummary {
  const round = (value: number | null) => (value === null ? null : Math.round(value * 100) / 100);
  const mean = values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    count: values.length,
    p50: round(percentile(values, 50)),
    p99: round(percentile(values, 99)),
    mean: round(mean),
    max: round(values.length === 0 ? null : Math.max(...values)),
  };
}

/**
 * `ours / reference` rounded to 0.001 (e.g. our throughput as a share of the floor's); null
 * when either is missing or the reference is not positive.
 *
 * @example
 * ratio(150, 600); // 0.25
 */
export function ratio(ours: number | null | undefined, reference: number | null | undefined): number | null {
  if (ours == null || reference == null || !(reference > 0)) return null;
  return Math.round((ours / reference) * 1000) / 1000;
}

/**
 * How many times longer the large case takes than the small one (`large / small`), e.g. the
 * candidate ranking's p50 at 10× the pool; null when a value is missing.
 *
 * @example
 * growth(2, 5); // 2.5
 */
export function growth(small: number | null | undefined, large: number | null | undefined): number | null {
  if (small == null || large == null || !(small > 0)) return null;
  return Math.round((large / small) * 100) / 100;
}

/** Events per second over an interval, rounded to 0.1. @example perSecond(500, 2000); // 250 */
export function perSecond(count: number, milliseconds: number): number | null {
  return milliseconds > 0 ? Math.round((count / milliseconds) * 10_000) / 10 : null;
}

/**
 * A plain text table with a header line, columns padded to their widest cell.
 *
 * @example
 * formatTable(["a", "b"], [["1", "22"]]); // "a  b\n-  --\n1  22"
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

/** A number for the table: fixed decimals, or "–" when missing. @example show(1.234, 1); // "1.2" */
export function show(value: number | null | undefined, decimals = 1): string {
  return value == null ? "–" : value.toFixed(decimals);
}
