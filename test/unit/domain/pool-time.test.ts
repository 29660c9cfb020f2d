import { describe, expect, it } from "vitest";
import {
  addDays,
  formatGermanDate,
  formatLocalRange,
  formatMinute,
  fromLocal,
  parseClockTime,
  toLocal,
  weekdayOf,
  weekdayShort,
} from "../../../src/domain/pool-time";

const utc = (iso: string) => new Date(iso);

describe("toLocal", () => {
  it("reads winter instants as UTC+1 and summer instants as UTC+2", () => {
    expect(toLocal(utc("2026-11-24T08:30:00Z"))).toEqual({ date: "2026-11-24", weekday: 2, minute: 570, year: 2026, month: 11, day: 24 });
    expect(toLocal(utc("2026-07-14T07:30:00Z"))).toEqual({ date: "2026-07-14", weekday: 2, minute: 570, year: 2026, month: 7, day: 14 });
  });

  it("uses the local date, not the UTC date, near midnight", () => {
    // 23:30 UTC on a Monday is already Tuesday 00:30 in Berlin (winter) …
    expect(toLocal(utc("2026-11-23T23:30:00Z"))).toMatchObject({ date: "2026-11-24", weekday: 2, minute: 30 });
    // … and 22:30 UTC on 30 June is 1 July 00:30 (summer).
    expect(toLocal(utc("2026-06-30T22:30:00Z"))).toMatchObject({ date: "2026-07-01", weekday: 3, minute: 30, month: 7, day: 1 });
    // New Year: the local year changes before the UTC one.
    expect(toLocal(utc("2026-12-31T23:15:00Z"))).toMatchObject({ date: "2027-01-01", year: 2027, month: 1, day: 1, weekday: 5, minute: 15 });
  });

  it("jumps from 01:59 to 03:00 on 29 March 2026 (spring change)", () => {
    expect(toLocal(utc("2026-03-29T00:59:00Z"))).toMatchObject({ date: "2026-03-29", weekday: 7, minute: 1 * 60 + 59 });
    expect(toLocal(utc("2026-03-29T01:00:00Z"))).toMatchObject({ date: "2026-03-29", weekday: 7, minute: 3 * 60 });
    expect(toLocal(utc("2026-03-28T08:00:00Z")).minute).toBe(9 * 60); // Saturday, still UTC+1
    expect(toLocal(utc("2026-03-30T07:00:00Z")).minute).toBe(9 * 60); // Monday, now UTC+2
  });

  it("runs 02:00–03:00 twice on 25 October 2026 (autumn change)", () => {
    expect(toLocal(utc("2026-10-25T00:30:00Z"))).toMatchObject({ date: "2026-10-25", weekday: 7, minute: 150 }); // 02:30 CEST
    expect(toLocal(utc("2026-10-25T00:59:00Z")).minute).toBe(179); // 02:59 CEST
    expect(toLocal(utc("2026-10-25T01:00:00Z")).minute).toBe(120); // 02:00 CET again
    expect(toLocal(utc("2026-10-25T01:30:00Z")).minute).toBe(150); // 02:30 CET
    expect(toLocal(utc("2026-10-25T02:00:00Z")).minute).toBe(180); // 03:00 CET
    expect(toLocal(utc("2026-10-24T07:00:00Z")).minute).toBe(9 * 60); // Saturday, still UTC+2
    expect(toLocal(utc("2026-10-26T08:00:00Z")).minute).toBe(9 * 60); // Monday, now UTC+1
  });
});

describe("fromLocal", () => {
  it("turns local wall-clock times into instants with the offset valid on that day", () => {
    expect(fromLocal("2026-11-24", 570).toISOString()).toBe("2026-11-24T08:30:00.000Z");
    expect(fromLocal("2026-07-14", 570).toISOString()).toBe("2026-07-14T07:30:00.000Z");
    expect(fromLocal("2026-11-24", 0).toISOString()).toBe("2026-11-23T23:00:00.000Z");
  });

  it("switches offset on 29 March 2026 and puts a skipped time after the gap", () => {
    expect(fromLocal("2026-03-28", 540).toISOString()).toBe("2026-03-28T08:00:00.000Z");
    expect(fromLocal("2026-03-29", 60).toISOString()).toBe("2026-03-29T00:00:00.000Z"); // 01:00 CET
    expect(fromLocal("2026-03-29", 180).toISOString()).toBe("2026-03-29T01:00:00.000Z"); // 03:00 CEST
    expect(fromLocal("2026-03-30", 540).toISOString()).toBe("2026-03-30T07:00:00.000Z");
    // 02:30 does not exist that night: it lands after the change (03:30 CEST).
    const skipped = fromLocal("2026-03-29", 150);
    expect(skipped.toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(skipped.getTime()).toBeGreaterThan(fromLocal("2026-03-29", 119).getTime());
    expect(toLocal(skipped).minute).toBe(3 * 60 + 30);
  });

  it("switches offset on 25 October 2026 and keeps the repeated hour on the same wall clock", () => {
    expect(fromLocal("2026-10-24", 540).toISOString()).toBe("2026-10-24T07:00:00.000Z");
    expect(fromLocal("2026-10-25", 60).toISOString()).toBe("2026-10-24T23:00:00.000Z"); // 01:00 CEST
    expect(fromLocal("2026-10-25", 180).toISOString()).toBe("2026-10-25T02:00:00.000Z"); // 03:00 CET
    expect(fromLocal("2026-10-26", 540).toISOString()).toBe("2026-10-26T08:00:00.000Z");
    // 02:30 happens twice; whichever instant is chosen, it reads 02:30 on 25 October.
    expect(toLocal(fromLocal("2026-10-25", 150))).toMatchObject({ date: "2026-10-25", minute: 150 });
  });

  it("round-trips every quarter hour of both change days (except the skipped spring hour)", () => {
    for (const date of ["2026-03-29", "2026-10-25"]) {
      for (let minute = 0; minute < 1440; minute += 15) {
        if (date === "2026-03-29" && minute >= 120 && minute < 180) continue;
        expect(toLocal(fromLocal(date, minute)), `${date} ${minute}`).toMatchObject({ date, minute });
      }
    }
  });
});

describe("addDays and weekdayOf", () => {
  it("does calendar arithmetic across the change days, months, years and leap days", () => {
    expect(addDays("2026-03-28", 1)).toBe("2026-03-29");
    expect(addDays("2026-03-28", 2)).toBe("2026-03-30");
    expect(addDays("2026-10-24", 2)).toBe("2026-10-26");
    expect(addDays("2026-11-30", 1)).toBe("2026-12-01");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-11-24", 0)).toBe("2026-11-24");
    expect(addDays("2026-11-24", 364)).toBe("2027-11-23");
  });

  it("gives ISO weekdays (Monday 1 … Sunday 7)", () => {
    expect(weekdayOf("2026-03-29")).toBe(7);
    expect(weekdayOf("2026-03-30")).toBe(1);
    expect(weekdayOf("2026-10-25")).toBe(7);
    expect(weekdayOf("2026-10-27")).toBe(2);
    expect(weekdayOf("2026-11-24")).toBe(2);
    expect(weekdayOf("2026-11-28")).toBe(6);
    expect(weekdayShort(weekdayOf("2026-11-29"))).toBe("So");
    expect([1, 2, 3, 4, 5, 6, 7].map(weekdayShort)).toEqual(["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"]);
  });
});

describe("parseClockTime and formatMinute", () => {
  it("accepts HH:MM from 00:00 to 24:00", () => {
    expect(parseClockTime("09:00")).toBe(540);
    expect(parseClockTime("00:00")).toBe(0);
    expect(parseClockTime("23:59")).toBe(1439);
    expect(parseClockTime("24:00")).toBe(1440);
    expect(parseClockTime("17:45")).toBe(1065);
  });

  it.each(["24:01", "24:30", "25:00", "9:00", "09:0", "09:60", "ab", "", " 09:00", "09:00 ", "09.00"])("rejects %j", (text) => {
    expect(parseClockTime(text)).toBeNull();
  });

  it("formats minutes back, 1440 as 24:00", () => {
    expect(formatMinute(0)).toBe("00:00");
    expect(formatMinute(570)).toBe("09:30");
    expect(formatMinute(1440)).toBe("24:00");
    expect(formatGermanDate("2026-12-01")).toBe("01.12.2026");
  });
});

describe("formatLocalRange", () => {
  it("shows a same-day job with weekday, date and local times", () => {
    expect(formatLocalRange(utc("2026-11-25T08:30:00Z"), utc("2026-11-25T09:30:00Z"))).toBe("Mi 25.11. 09:30–10:30");
    expect(formatLocalRange(utc("2026-07-14T07:30:00Z"), utc("2026-07-14T08:30:00Z"))).toBe("Di 14.07. 09:30–10:30");
  });

  it("adds the end date when the job runs past local midnight", () => {
    expect(formatLocalRange(utc("2026-11-24T22:00:00Z"), utc("2026-11-25T00:30:00Z"))).toBe("Di 24.11. 23:00–25.11. 01:30");
    expect(formatLocalRange(utc("2026-11-30T22:00:00Z"), utc("2026-12-01T00:30:00Z"))).toBe("Mo 30.11. 23:00–01.12. 01:30");
  });

  it("treats a job that crosses midnight only in UTC as a same-day job", () => {
    // 23:30–00:30 UTC in winter is 00:30–01:30 local on the same day.
    expect(formatLocalRange(utc("2026-11-24T23:30:00Z"), utc("2026-11-25T00:30:00Z"))).toBe("Mi 25.11. 00:30–01:30");
  });

  it("shows the local times on the change days", () => {
    expect(formatLocalRange(utc("2026-03-29T00:30:00Z"), utc("2026-03-29T01:30:00Z"))).toBe("So 29.03. 01:30–03:30");
    expect(formatLocalRange(utc("2026-10-25T00:00:00Z"), utc("2026-10-25T02:00:00Z"))).toBe("So 25.10. 02:00–03:00");
  });
});

describe("toLocal against the platform's time-zone data", () => {
  // toLocal remembers offsets per day; this reads every quarter-hour-ish instant of the change
  // days and a spread of ordinary ones back through Intl, in zones with odd offsets too.
  const reference = (instant: Date, timeZone: string) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
        .formatToParts(instant)
        .map((part) => [part.type, part.value]),
    );
    return { date: `${parts.year}-${parts.month}-${parts.day}`, minute: Number(parts.hour) * 60 + Number(parts.minute) };
  };

  it.each(["Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns"])("agrees in %s, across daylight-saving changes", (timeZone) => {
    const instants: number[] = [];
    for (const day of ["2026-03-28", "2026-03-29", "2026-10-24", "2026-10-25", "2026-04-05", "2026-10-04", "2026-03-08", "2026-11-01"]) {
      for (let minute = 0; minute < 2 * 24 * 60; minute += 7) instants.push(Date.parse(`${day}T00:00:00Z`) - 12 * 3600_000 + minute * 60_000);
    }
    for (let step = 0; step < 2000; step += 1) instants.push(Date.parse("2024-01-01T00:00:00Z") + step * 37 * 3600_000 + step * 61_000);
    for (const time of instants) {
      const local = toLocal(new Date(time), timeZone);
      expect({ date: local.date, minute: local.minute }, new Date(time).toISOString()).toEqual(reference(new Date(time), timeZone));
    }
  });
});
