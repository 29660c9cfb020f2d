import { addDays, fromLocal, POOL_TIME_ZONE } from "./pool-time";

/** Reports cover at most this many years, so one request cannot scan the whole history at once. */
export const MAX_REPORT_YEARS = 5;

export interface ReportPeriod {
  /** First local date, inclusive (YYYY-MM-DD). */
  from: string;
  /** Last local date, inclusive (YYYY-MM-DD). */
  to: string;
  timeZone: string;
  /** The instant local `from` begins. */
  start: Date;
  /** The instant after local `to` ends (exclusive), so a booking at 23:59 on `to` is inside. */
  end: Date;
  /** Every local month the period touches, "YYYY-MM", in order. */
  months: string[];
}

/**
 * The first local date that is too late as the end of a report starting on `from` (five years on).
 *
 * @example
 * firstDateBeyondLimit("2026-01-01"); // "2031-01-01": to = "2030-12-31" is the longest period
 */
export function firstDateBeyondLimit(from: string): string {
  const date = new Date(`${from}T00:00:00Z`);
  date.setUTCFullYear(date.getUTCFullYear() + MAX_REPORT_YEARS);
  return date.toISOString().slice(0, 10);
}

/**
 * What is wrong with a pair of local dates as a report period, or null. Both dates must already
 * be valid YYYY-MM-DD strings.
 *
 * @example
 * periodProblem("2026-12-31", "2026-01-01"); // "to lies before from"
 * periodProblem("2026-01-01", "2026-12-31"); // null
 */
export function periodProblem(from: string, to: string): string | null {
  if (to < from) return "to lies before from";
  if (to >= firstDateBeyondLimit(from)) return `A report covers at most ${MAX_REPORT_YEARS} years`;
  return null;
}

/**
 * The instants and months of a period of local dates (both inclusive) in the pool's time zone.
 * Local midnight always exists in Europe/Berlin (the clocks change at 02:00/03:00), so the bounds
 * are exact on both sides of a daylight-saving change.
 *
 * @example
 * const period = reportPeriod("2026-03-01", "2026-10-31");
 * period.start; // 2026-02-28T23:00:00.000Z (CET)
 * period.end;   // 2026-10-31T23:00:00.000Z (CET again, after the October change)
 * period.months; // ["2026-03", "2026-04", …, "2026-10"]
 */
export function reportPeriod(from: string, to: string): ReportPeriod {
  return { from, to, timeZone: POOL_TIME_ZONE, start: fromLocal(from, 0), end: fromLocal(addDays(to, 1), 0), months: monthsBetween(from, to) };
}

/**
 * The months ("YYYY-MM") from the month of `from` to the month of `to`, inclusive.
 *
 * @example
 * monthsBetween("2026-11-15", "2027-01-02"); // ["2026-11", "2026-12", "2027-01"]
 */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let year = Number(from.slice(0, 4));
  let month = Number(from.slice(5, 7));
  const last = to.slice(0, 7);
  for (;;) {
    const label = `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
    if (label > last) return months;
    months.push(label);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}
