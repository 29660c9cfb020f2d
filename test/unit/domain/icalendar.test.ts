import { getVtimezoneComponent } from "@touch4it/ical-timezones";
import { describe, expect, it } from "vitest";
import { calendarEventOf, type CalendarJob } from "../../../src/domain/calendar-events";
import { BERLIN_VTIMEZONE, renderCalendar } from "../../../src/domain/icalendar";

const job: CalendarJob = {
  bookingId: "0193aaaa-0000-7000-8000-000000000001",
  code: "4711",
  language: "ar",
  dialect: "levantinisch",
  startsAt: new Date("2026-10-25T00:30:00Z"),
  endsAt: new Date("2026-10-25T02:30:00Z"),
  mode: "onsite",
  organisationName: "Jobcenter Düren",
  street: "Bismarckstr. 10",
  postcode: "52351",
  city: "Düren",
  room: null,
  setting: "Beratung",
  topic: "authority",
  sensitive: false,
  contactName: null,
  contactPhone: null,
  status: "assigned",
  assignedToThem: true,
  revision: 4,
  updatedAt: new Date("2026-10-01T12:00:00Z"),
};

describe("iCalendar output", () => {
  it("keeps the same Europe/Berlin VTIMEZONE that @touch4it/ical-timezones ships (read from its file here, never at run time)", () => {
    const fromPackage = getVtimezoneComponent("Europe/Berlin")!.replace(/\r?\n/g, "\r\n").trim();
    expect(BERLIN_VTIMEZONE).toBe(fromPackage);
  });

  it("writes wall-clock times with TZID across the autumn change, and DTSTAMP/LAST-MODIFIED in UTC", () => {
    const text = renderCalendar([calendarEventOf(job)], { name: "Dolmetscheinsätze" });
    // 00:30Z is 02:30 summer time; 02:30Z is 03:30 winter time, two hours later on the same night.
    expect(text).toContain("DTSTART;TZID=Europe/Berlin:20261025T023000\r\n");
    expect(text).toContain("DTEND;TZID=Europe/Berlin:20261025T033000\r\n");
    expect(text).toContain("DTSTAMP:20261001T120000Z\r\n");
    expect(text).toContain("LAST-MODIFIED:20261001T120000Z\r\n");
    expect(text).toContain("SEQUENCE:4\r\n");
    expect(text).toContain("SUMMARY:Dolmetschen Arabisch (levantinisch) – Jobcenter Düren\r\n");
  });

  it("shows a job no longer theirs as cancelled, without place or details", () => {
    const event = calendarEventOf({ ...job, status: "assigned", assignedToThem: false });
    expect(event).toMatchObject({ status: "CANCELLED", location: null, summary: "Abgesagt: Dolmetschen Arabisch (levantinisch)" });
    expect(event.description).not.toContain("Jobcenter");
    expect(calendarEventOf({ ...job, status: "cancelled" }).description).toContain("abgesagt");
  });
});
