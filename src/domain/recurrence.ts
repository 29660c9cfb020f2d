import { addDays, fromLocal, toLocal, weekdayOf } from "./pool-time";

export const MAX_OCCURRENCES = 52;

export interface WeeklyRule {
  /** ISO weekdays, 1 = Monday. */
  weekdays: number[];
  /** Last local date (inclusive), or … */
  until?: string;
  /** … the number of occurrences. */
  count?: number;
}

export type OccurrencesResult = { ok: true; starts: Date[] } | { ok: false; message: string };

/**
 * The start times of a weekly series: every listed weekday from the first start's local date on,
 * at the same local wall-clock time (so 09:00 stays 09:00 across daylight-saving changes).
 *
 * @example
 * weeklyOccurrences(new Date("2026-11-23T08:00:00Z"), { weekdays: [1, 3], count: 3 });
 * // Mon 23.11., Wed 25.11., Mon 30.11., each 09:00 local
 */
export function weeklyOccurrences(firstStart: Date, rule: WeeklyRule): OccurrencesResult {
  const local = toLocal(firstStart);
  const weekdays = new Set(rule.weekdays);
  const starts: Date[] = [];
  const limit = rule.count ?? MAX_OCCURRENCES + 1;
  // 53 weeks are enough to find 52 occurrences of any weekday set.
  for (let offset = 0; offset < 7 * (MAX_OCCURRENCES + 1) && starts.length < limit; offset++) {
    const date = addDays(local.date, offset);
    if (rule.until && date > rule.until) break;
    if (weekdays.has(weekdayOf(date))) starts.push(fromLocal(date, local.minute));
  }
  if (starts.length === 0) return { ok: false, message: "The rule yields no occurrence" };
  if (starts.length > MAX_OCCURRENCES) return { ok: false, message: `A series has at most ${MAX_OCCURRENCES} occurrences` };
  return { ok: true, starts };
}
