import { TZDate } from "@date-fns/tz";
import { remembered } from "../lib/remembered";
import { format } from "date-fns";

/** All pools are German: local times (availability, SMS texts, reports) are Europe/Berlin. */
export const POOL_TIME_ZONE = "Europe/Berlin";

const WEEKDAY_SHORT = ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"];

export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  /** 1 = Monday … 7 = Sunday (ISO) */
  weekday: number;
  /** Minutes after local midnight (wall clock) */
  minute: number;
  year: number;
  month: number;
  day: number;
}

/**
 * The wall-clock reading of an instant in the pool's time zone.
 *
 * @example
 * toLocal(new Date("2026-11-24T08:30:00Z")); // { date: "2026-11-24", weekday: 2, minute: 570, … }
 */
export function toLocal(instant: Date, timeZone = POOL_TIME_ZONE): LocalTime {
  // Wall clock = UTC + the zone's offset at that instant. Asking the time-zone database is the
  // costly part (ranking and export files do it for every row), and the offset is the same all
  // day on all but two days a year: remembered per UTC day, asked afresh only on change days.
  const time = instant.getTime();
  const local = new Date(time + offsetMinutesAt(time, timeZone) * 60_000);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  const day = local.getUTCDate();
  return {
    date: `${year}-${pad(month)}-${pad(day)}`,
    weekday: local.getUTCDay() === 0 ? 7 : local.getUTCDay(),
    minute: local.getUTCHours() * 60 + local.getUTCMinutes(),
    year,
    month,
    day,
  };
}

const DAY_MS = 86_400_000;
const REMEMBERED_DAYS = 20_000;
/**
 * Per zone, per UTC day (a number: no key string to build and hash on every call, and toLocal
 * is called for every candidate and every export row): the offset in minutes, or null on a day
 * the offset changes.
 */
const offsetsByZone = new Map<string, (day: number, compute: () => number | null) => number | null>();
const dailyOffsetsOf = (timeZone: string) => {
  let offsets = offsetsByZone.get(timeZone);
  if (!offsets) offsetsByZone.set(timeZone, (offsets = remembered<number | null, number>(REMEMBERED_DAYS)));
  return offsets;
};

const zoneOffsetMinutes = (time: number, timeZone: string) => -new TZDate(time, timeZone).getTimezoneOffset();

/** Minutes the zone's wall clock is ahead of UTC at `time` (Berlin: 60 in winter, 120 in summer). */
function offsetMinutesAt(time: number, timeZone: string): number {
  const day = Math.floor(time / DAY_MS);
  const offset = dailyOffsetsOf(timeZone)(day, () => {
    const atStart = zoneOffsetMinutes(day * DAY_MS, timeZone);
    return atStart === zoneOffsetMinutes((day + 1) * DAY_MS - 1, timeZone) ? atStart : null;
  });
  return offset ?? zoneOffsetMinutes(time, timeZone);
}

/** The instant of a local wall-clock time (a time skipped by the spring change lands after it). */
export function fromLocal(date: string, minute: number, timeZone = POOL_TIME_ZONE): Date {
  // Remembered like the offsets above: matching asks for the same month starts on every request.
  const time = localInstants(`${timeZone}|${date}|${minute}`, () => {
    const [year, month, day] = date.split("-").map(Number) as [number, number, number];
    return new TZDate(year, month - 1, day, Math.floor(minute / 60), minute % 60, timeZone).getTime();
  });
  // A new Date each time: callers may change theirs.
  return new Date(time);
}

const localInstants = remembered<number>(REMEMBERED_DAYS);

/** The local date `days` after `date` (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const utc = new Date(`${date}T00:00:00Z`);
  utc.setUTCDate(utc.getUTCDate() + days);
  return utc.toISOString().slice(0, 10);
}

/** ISO weekday (1 = Monday) of a calendar date. */
export function weekdayOf(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

export function pad(value: number): string {
  return String(value).padStart(2, "0");
}

/** "09:30" for 570; 1440 is "24:00". */
export function formatMinute(minute: number): string {
  return `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
}

/** Parses "09:30" (or "24:00") into minutes after midnight; null when malformed. */
export function parseClockTime(text: string): number | null {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!match) return null;
  const minute = Number(match[1]) * 60 + Number(match[2]);
  return minute <= 1440 ? minute : null;
}

export function weekdayShort(weekday: number): string {
  return WEEKDAY_SHORT[weekday % 7]!;
}

/** "24.11.2026" */
export function formatGermanDate(date: string): string {
  const [year, month, day] = date.split("-");
  return `${day}.${month}.${year}`;
}

/**
 * A job's time in plain German, as SMS texts and reasons show it.
 *
 * @example
 * formatLocalRange(new Date("2026-11-25T08:30:00Z"), new Date("2026-11-25T09:30:00Z")); // "Mi 25.11. 09:30–10:30"
 */
export function formatLocalRange(startsAt: Date, endsAt: Date): string {
  const start = toLocal(startsAt);
  const end = toLocal(endsAt);
  const endText = end.date === start.date ? formatMinute(end.minute) : `${pad(end.day)}.${pad(end.month)}. ${formatMinute(end.minute)}`;
  return `${weekdayShort(start.weekday)} ${pad(start.day)}.${pad(start.month)}. ${formatMinute(start.minute)}–${endText}`;
}

/**
 * An instant formatted as the pool's wall clock shows it (date-fns pattern), for file formats
 * that want local time without an offset (DATEV's "erzeugt am", SEPA's creation time).
 *
 * @example
 * formatLocal(new Date("2026-11-24T08:30:00.123Z"), "yyyyMMddHHmmssSSS"); // "20261124093000123"
 */
export function formatLocal(instant: Date, pattern: string, timeZone = POOL_TIME_ZONE): string {
  return format(new TZDate(instant.getTime(), timeZone), pattern);
}
