import { TZDate } from "@date-fns/tz";
import { ICalCalendar, ICalEventStatus } from "ical-generator";
import type { CalendarEvent } from "./calendar-events";
import { POOL_TIME_ZONE } from "./pool-time";

/**
 * The VTIMEZONE of Europe/Berlin (EU rules since 1996), as @touch4it/ical-timezones ships it in
 * `zones/Europe/Berlin.ics`. That package reads its zone files with node:fs, which the Workers
 * build does not have, so the one zone the pool needs is kept here; a unit test checks it against
 * the package's file.
 */
export const BERLIN_VTIMEZONE = [
  "BEGIN:VTIMEZONE",
  "TZID:Europe/Berlin",
  "TZURL:http://tzurl.org/zoneinfo-outlook/Europe/Berlin",
  "X-LIC-LOCATION:Europe/Berlin",
  "BEGIN:DAYLIGHT",
  "TZOFFSETFROM:+0100",
  "TZOFFSETTO:+0200",
  "TZNAME:CEST",
  "DTSTART:19700329T020000",
  "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
  "END:DAYLIGHT",
  "BEGIN:STANDARD",
  "TZOFFSETFROM:+0200",
  "TZOFFSETTO:+0100",
  "TZNAME:CET",
  "DTSTART:19701025T030000",
  "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
  "END:STANDARD",
  "END:VTIMEZONE",
].join("\r\n");

export interface CalendarOptions {
  /** The calendar's name in the phone's list. */
  name: string;
  /** How often clients should fetch the feed again (REFRESH-INTERVAL / X-PUBLISHED-TTL). */
  refreshMinutes?: number;
}

/**
 * Writes events as an iCalendar file (RFC 5545): start and end with `TZID=Europe/Berlin` and the
 * zone's VTIMEZONE, DTSTAMP and LAST-MODIFIED in UTC. Without a METHOD, DTSTAMP is the event's last
 * revision (RFC 5545, 3.8.7.2), so the same data always gives the same file (and ETag).
 *
 * @example
 * renderCalendar([calendarEventOf(job)], { name: "Dolmetscheinsätze" });
 * // "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n…DTSTART;TZID=Europe/Berlin:20261208T093000\r\n…"
 */
export function renderCalendar(events: CalendarEvent[], options: CalendarOptions): string {
  // No calendar-wide zone name: ical-generator would then write DTSTAMP in local time without "Z".
  const calendar = new ICalCalendar({
    name: options.name,
    prodId: { company: "Dolmetscherpool", product: "Einsatzkalender", language: "DE" },
    timezone: { name: null, generator: (zone) => (zone === POOL_TIME_ZONE ? BERLIN_VTIMEZONE : null) },
    ttl: (options.refreshMinutes ?? 60) * 60,
  });
  calendar.x("X-WR-TIMEZONE", POOL_TIME_ZONE);
  for (const event of events) {
    calendar.createEvent({
      id: event.uid,
      // TZDate carries the zone, so the wall-clock time is Berlin's whatever the process's TZ is.
      start: new TZDate(event.start.getTime(), POOL_TIME_ZONE),
      end: new TZDate(event.end.getTime(), POOL_TIME_ZONE),
      timezone: POOL_TIME_ZONE,
      stamp: event.lastModified,
      lastModified: event.lastModified,
      sequence: event.sequence,
      summary: event.summary,
      description: event.description,
      location: event.location,
      status: event.status === "CANCELLED" ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}
