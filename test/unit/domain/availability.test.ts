import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  absenceDuring,
  coveringSlots,
  describeAbsence,
  describeSlot,
  localDayPieces,
  mergedSlots,
  type AbsencePeriod,
  type WeeklySlot,
} from "../../../src/domain/availability";

const utc = (iso: string) => new Date(iso);
const slot = (weekday: number, from: string, to: string): WeeklySlot => ({ weekday, fromMinute: minutes(from), toMinute: minutes(to) });

function minutes(clock: string): number {
  const [h, m] = clock.split(":").map(Number) as [number, number];
  return h * 60 + m;
}

const MON = 1;
const TUE = 2;
const WED = 3;
const SAT = 6;
const SUN = 7;

describe("localDayPieces", () => {
  it("keeps a same-day job as one piece in local wall-clock minutes", () => {
    expect(localDayPieces(utc("2026-11-24T08:30:00Z"), utc("2026-11-24T09:30:00Z"))).toEqual([
      { date: "2026-11-24", weekday: TUE, fromMinute: 570, toMinute: 630 },
    ]);
    expect(localDayPieces(utc("2026-07-14T07:30:00Z"), utc("2026-07-14T08:30:00Z"))).toEqual([
      { date: "2026-07-14", weekday: TUE, fromMinute: 570, toMinute: 630 },
    ]);
  });

  it("splits a job across local midnight into two pieces", () => {
    expect(localDayPieces(utc("2026-11-24T22:00:00Z"), utc("2026-11-25T00:30:00Z"))).toEqual([
      { date: "2026-11-24", weekday: TUE, fromMinute: 1380, toMinute: 1440 },
      { date: "2026-11-25", weekday: WED, fromMinute: 0, toMinute: 90 },
    ]);
  });

  it("splits at local midnight, not at UTC midnight", () => {
    expect(localDayPieces(utc("2026-11-24T22:30:00Z"), utc("2026-11-24T23:30:00Z"))).toEqual([
      { date: "2026-11-24", weekday: TUE, fromMinute: 1410, toMinute: 1440 },
      { date: "2026-11-25", weekday: WED, fromMinute: 0, toMinute: 30 },
    ]);
    expect(localDayPieces(utc("2026-11-24T23:30:00Z"), utc("2026-11-25T00:30:00Z"))).toEqual([
      { date: "2026-11-25", weekday: WED, fromMinute: 30, toMinute: 90 },
    ]);
  });

  it("adds no empty piece for a job ending exactly at local midnight", () => {
    expect(localDayPieces(utc("2026-11-24T22:00:00Z"), utc("2026-11-24T23:00:00Z"))).toEqual([
      { date: "2026-11-24", weekday: TUE, fromMinute: 1380, toMinute: 1440 },
    ]);
  });

  it("gives whole days in the middle of a multi-day job", () => {
    expect(localDayPieces(utc("2026-11-23T21:00:00Z"), utc("2026-11-25T01:00:00Z"))).toEqual([
      { date: "2026-11-23", weekday: MON, fromMinute: 1320, toMinute: 1440 },
      { date: "2026-11-24", weekday: TUE, fromMinute: 0, toMinute: 1440 },
      { date: "2026-11-25", weekday: WED, fromMinute: 0, toMinute: 120 },
    ]);
  });

  it("handles 29 March 2026 (the night loses an hour)", () => {
    // 01:30 CET – 03:30 CEST: one real hour, wall clock 90–210.
    expect(localDayPieces(utc("2026-03-29T00:30:00Z"), utc("2026-03-29T01:30:00Z"))).toEqual([
      { date: "2026-03-29", weekday: SUN, fromMinute: 90, toMinute: 210 },
    ]);
    // Saturday 23:00 – Sunday 04:00 local.
    expect(localDayPieces(utc("2026-03-28T22:00:00Z"), utc("2026-03-29T02:00:00Z"))).toEqual([
      { date: "2026-03-28", weekday: SAT, fromMinute: 1380, toMinute: 1440 },
      { date: "2026-03-29", weekday: SUN, fromMinute: 0, toMinute: 240 },
    ]);
    // The whole (23-hour) Sunday, ending at Monday's midnight.
    expect(localDayPieces(utc("2026-03-28T23:00:00Z"), utc("2026-03-29T22:00:00Z"))).toEqual([
      { date: "2026-03-29", weekday: SUN, fromMinute: 0, toMinute: 1440 },
    ]);
  });

  it("handles 25 October 2026 (the night gains an hour)", () => {
    // 01:00 CEST – 04:00 CET: four real hours, wall clock 60–240.
    expect(localDayPieces(utc("2026-10-24T23:00:00Z"), utc("2026-10-25T03:00:00Z"))).toEqual([
      { date: "2026-10-25", weekday: SUN, fromMinute: 60, toMinute: 240 },
    ]);
    // The whole (25-hour) Sunday, ending at Monday's midnight.
    expect(localDayPieces(utc("2026-10-24T22:00:00Z"), utc("2026-10-25T23:00:00Z"))).toEqual([
      { date: "2026-10-25", weekday: SUN, fromMinute: 0, toMinute: 1440 },
    ]);
    // Saturday 23:00 CEST – Sunday 02:30 CET.
    expect(localDayPieces(utc("2026-10-24T21:00:00Z"), utc("2026-10-25T01:30:00Z"))).toEqual([
      { date: "2026-10-24", weekday: SAT, fromMinute: 1380, toMinute: 1440 },
      { date: "2026-10-25", weekday: SUN, fromMinute: 0, toMinute: 150 },
    ]);
  });

  it("never returns an empty or backwards piece inside the repeated autumn hour", () => {
    // 02:30 CEST – 02:15 CET: the wall clock runs backwards; the piece keeps the real 45 minutes.
    const pieces = localDayPieces(utc("2026-10-25T00:30:00Z"), utc("2026-10-25T01:15:00Z"));
    expect(pieces).toEqual([{ date: "2026-10-25", weekday: SUN, fromMinute: 150, toMinute: 195 }]);
  });
});

describe("mergedSlots", () => {
  it("joins touching and overlapping slots of the weekday", () => {
    expect(mergedSlots([slot(TUE, "09:00", "12:00"), slot(TUE, "12:00", "17:00")], TUE)).toEqual([slot(TUE, "09:00", "17:00")]);
    expect(mergedSlots([slot(TUE, "09:00", "13:00"), slot(TUE, "11:00", "15:00")], TUE)).toEqual([slot(TUE, "09:00", "15:00")]);
    expect(mergedSlots([slot(TUE, "09:00", "17:00"), slot(TUE, "10:00", "11:00")], TUE)).toEqual([slot(TUE, "09:00", "17:00")]);
  });

  it("keeps slots with a gap apart, sorts them and ignores other weekdays", () => {
    const slots = [slot(TUE, "18:00", "20:00"), slot(MON, "08:00", "22:00"), slot(TUE, "09:00", "12:00"), slot(TUE, "12:00", "13:00"), slot(TUE, "13:30", "17:00")];
    expect(mergedSlots(slots, TUE)).toEqual([slot(TUE, "09:00", "13:00"), slot(TUE, "13:30", "17:00"), slot(TUE, "18:00", "20:00")]);
    expect(mergedSlots(slots, MON)).toEqual([slot(MON, "08:00", "22:00")]);
    expect(mergedSlots(slots, WED)).toEqual([]);
  });

  it("does not change the slots it is given", () => {
    const slots = [slot(TUE, "09:00", "12:00"), slot(TUE, "12:00", "17:00")];
    mergedSlots(slots, TUE);
    expect(slots).toEqual([slot(TUE, "09:00", "12:00"), slot(TUE, "12:00", "17:00")]);
  });
});

describe("coveringSlots", () => {
  const tuesdayMorning = [slot(TUE, "09:00", "12:00")];

  it("covers a 09:30–10:30 job with a Tuesday 09:00–12:00 slot in winter (UTC+1)", () => {
    expect(coveringSlots(tuesdayMorning, utc("2026-11-24T08:30:00Z"), utc("2026-11-24T09:30:00Z"))).toEqual(tuesdayMorning);
    // the whole window, to the minute
    expect(coveringSlots(tuesdayMorning, utc("2026-11-24T08:00:00Z"), utc("2026-11-24T11:00:00Z"))).toEqual(tuesdayMorning);
  });

  it("covers a 09:30–10:30 job with the same slot in summer (UTC+2)", () => {
    expect(coveringSlots(tuesdayMorning, utc("2026-07-14T07:30:00Z"), utc("2026-07-14T08:30:00Z"))).toEqual(tuesdayMorning);
    expect(coveringSlots(tuesdayMorning, utc("2026-07-14T07:00:00Z"), utc("2026-07-14T10:00:00Z"))).toEqual(tuesdayMorning);
    // the winter instants would be 10:30–11:30 and 10:00–13:00 local in summer
    expect(coveringSlots(tuesdayMorning, utc("2026-07-14T08:00:00Z"), utc("2026-07-14T11:00:00Z"))).toBeNull();
  });

  describe.each([
    { week: "after 29 March 2026 (now UTC+2)", monday: "2026-03-30", tuesday: "2026-03-31", wednesday: "2026-04-01", offset: "+02:00" },
    { week: "after 25 October 2026 (now UTC+1)", monday: "2026-10-26", tuesday: "2026-10-27", wednesday: "2026-10-28", offset: "+01:00" },
  ])("in the week $week", ({ monday, tuesday, wednesday, offset }) => {
    const slots = [slot(MON, "09:00", "12:00"), slot(TUE, "09:00", "12:00")];
    const local = (date: string, clock: string) => new Date(`${date}T${clock}:00${offset}`);

    it("covers 09:30–10:30 on Monday and Tuesday", () => {
      expect(coveringSlots(slots, local(monday, "09:30"), local(monday, "10:30"))).toEqual([slot(MON, "09:00", "12:00")]);
      expect(coveringSlots(slots, local(tuesday, "09:30"), local(tuesday, "10:30"))).toEqual([slot(TUE, "09:00", "12:00")]);
    });

    it("covers exactly 09:00–12:00 but not a minute more on either side", () => {
      expect(coveringSlots(slots, local(monday, "09:00"), local(monday, "12:00"))).not.toBeNull();
      expect(coveringSlots(slots, local(tuesday, "09:00"), local(tuesday, "12:00"))).not.toBeNull();
      expect(coveringSlots(slots, local(monday, "08:59"), local(monday, "12:00"))).toBeNull();
      expect(coveringSlots(slots, local(tuesday, "09:00"), local(tuesday, "12:01"))).toBeNull();
    });

    it("does not use Monday's slot for a Wednesday job", () => {
      expect(coveringSlots(slots, local(wednesday, "09:30"), local(wednesday, "10:30"))).toBeNull();
    });
  });

  it("answers as the weekday's merged windows do, for any slots and any job up to two days long", () => {
    // The reference is the rule as written: per local day of the job, a merged window that covers it.
    const reference = (slots: WeeklySlot[], startsAt: Date, endsAt: Date) => {
      const covering: WeeklySlot[] = [];
      for (const piece of localDayPieces(startsAt, endsAt)) {
        const window = mergedSlots(slots, piece.weekday).find((s) => s.fromMinute <= piece.fromMinute && piece.toMinute <= s.toMinute);
        if (!window) return null;
        covering.push(window);
      }
      return covering;
    };
    const slotArbitrary = fc
      .record({ weekday: fc.integer({ min: 1, max: 7 }), from: fc.integer({ min: 0, max: 1439 }), length: fc.integer({ min: 1, max: 720 }) })
      .map(({ weekday, from, length }) => ({ weekday, fromMinute: from, toMinute: Math.min(1440, from + length) }));
    fc.assert(
      fc.property(
        fc.array(slotArbitrary, { maxLength: 6 }),
        // Quarter hours across 2026, both clock changes included.
        fc.integer({ min: 0, max: 365 * 96 }),
        fc.integer({ min: 1, max: 2 * 96 }),
        (slots, start, quarters) => {
          const startsAt = new Date(Date.UTC(2026, 0, 1) + start * 900_000);
          const endsAt = new Date(startsAt.getTime() + quarters * 900_000);
          expect(coveringSlots(slots, startsAt, endsAt)).toEqual(reference(slots, startsAt, endsAt));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("does not cover 11:30–12:30 with a 09:00–12:00 slot", () => {
    expect(coveringSlots(tuesdayMorning, utc("2026-11-24T10:30:00Z"), utc("2026-11-24T11:30:00Z"))).toBeNull();
  });

  it("does not cover a job on a weekday without slots", () => {
    expect(coveringSlots(tuesdayMorning, utc("2026-11-25T08:30:00Z"), utc("2026-11-25T09:30:00Z"))).toBeNull();
    expect(coveringSlots([], utc("2026-11-24T08:30:00Z"), utc("2026-11-24T09:30:00Z"))).toBeNull();
  });

  it("covers 11:00–13:00 with two adjacent slots 09–12 and 12–17", () => {
    const slots = [slot(TUE, "12:00", "17:00"), slot(TUE, "09:00", "12:00")];
    expect(coveringSlots(slots, utc("2026-11-24T10:00:00Z"), utc("2026-11-24T12:00:00Z"))).toEqual([slot(TUE, "09:00", "17:00")]);
    // … but not with a gap between them
    const gap = [slot(TUE, "09:00", "12:00"), slot(TUE, "12:15", "17:00")];
    expect(coveringSlots(gap, utc("2026-11-24T10:00:00Z"), utc("2026-11-24T12:00:00Z"))).toBeNull();
  });

  describe("a job Tuesday 23:00 – Wednesday 01:00 local", () => {
    const startsAt = utc("2026-11-24T22:00:00Z");
    const endsAt = utc("2026-11-25T00:00:00Z");

    it("is covered by a Tuesday slot to 24:00 and a Wednesday slot from 00:00", () => {
      const slots = [slot(TUE, "18:00", "24:00"), slot(WED, "00:00", "06:00")];
      expect(coveringSlots(slots, startsAt, endsAt)).toEqual([slot(TUE, "18:00", "24:00"), slot(WED, "00:00", "06:00")]);
      expect(coveringSlots([slot(TUE, "23:00", "24:00"), slot(WED, "00:00", "01:00")], startsAt, endsAt)).not.toBeNull();
    });

    it("is not covered when the Wednesday or the Tuesday part is missing", () => {
      expect(coveringSlots([slot(TUE, "18:00", "24:00")], startsAt, endsAt)).toBeNull();
      expect(coveringSlots([slot(WED, "00:00", "06:00")], startsAt, endsAt)).toBeNull();
      expect(coveringSlots([slot(TUE, "18:00", "23:59"), slot(WED, "00:00", "06:00")], startsAt, endsAt)).toBeNull();
      expect(coveringSlots([slot(TUE, "18:00", "24:00"), slot(WED, "00:30", "06:00")], startsAt, endsAt)).toBeNull();
    });
  });
});

describe("absenceDuring", () => {
  const holiday: AbsencePeriod = { fromDate: "2026-12-01", toDate: "2026-12-05", note: "Urlaub" };
  const job = (date: string, from: string, to: string) => [new Date(`${date}T${from}:00+01:00`), new Date(`${date}T${to}:00+01:00`)] as const;

  it("includes the first and the last day of the absence", () => {
    expect(absenceDuring([holiday], ...job("2026-12-01", "09:00", "10:00"))).toBe(holiday);
    expect(absenceDuring([holiday], ...job("2026-12-03", "09:00", "10:00"))).toBe(holiday);
    expect(absenceDuring([holiday], ...job("2026-12-05", "09:00", "10:00"))).toBe(holiday);
  });

  it("excludes the day before and the day after", () => {
    expect(absenceDuring([holiday], ...job("2026-11-30", "09:00", "10:00"))).toBeNull();
    expect(absenceDuring([holiday], ...job("2026-12-06", "09:00", "10:00"))).toBeNull();
    expect(absenceDuring([], ...job("2026-12-03", "09:00", "10:00"))).toBeNull();
  });

  it("uses local dates: 00:30 local on the day after is 23:30 UTC on the last day", () => {
    expect(absenceDuring([holiday], utc("2026-12-05T23:30:00Z"), utc("2026-12-06T00:30:00Z"))).toBeNull();
    expect(absenceDuring([holiday], utc("2026-11-30T23:30:00Z"), utc("2026-12-01T00:30:00Z"))).toBe(holiday);
  });

  it("catches a midnight-crossing job that touches an absence day", () => {
    // Mon 30.11. 23:00 – Tue 01.12. 01:00 local: the second part is on the first absence day.
    expect(absenceDuring([holiday], utc("2026-11-30T22:00:00Z"), utc("2026-12-01T00:00:00Z"))).toBe(holiday);
    // Sat 05.12. 23:00 – Sun 06.12. 01:00 local: starts on the last absence day.
    expect(absenceDuring([holiday], utc("2026-12-05T22:00:00Z"), utc("2026-12-06T00:00:00Z"))).toBe(holiday);
    // Ending exactly at midnight does not touch the next day.
    expect(absenceDuring([holiday], utc("2026-11-30T22:00:00Z"), utc("2026-11-30T23:00:00Z"))).toBeNull();
  });

  it("returns the absence that applies among several", () => {
    const sick: AbsencePeriod = { fromDate: "2026-11-10", toDate: "2026-11-10", note: null };
    expect(absenceDuring([sick, holiday], ...job("2026-12-02", "09:00", "10:00"))).toBe(holiday);
    expect(absenceDuring([holiday, sick], ...job("2026-11-10", "09:00", "10:00"))).toBe(sick);
  });
});

describe("describeSlot and describeAbsence", () => {
  it("describes slots as weekday and local times", () => {
    expect(describeSlot(slot(TUE, "09:00", "12:00"))).toBe("Di 09:00–12:00");
    expect(describeSlot(slot(SUN, "00:00", "24:00"))).toBe("So 00:00–24:00");
    expect(describeSlot(slot(MON, "07:05", "08:10"))).toBe("Mo 07:05–08:10");
  });

  it("describes absences as German dates with the note in brackets", () => {
    expect(describeAbsence({ fromDate: "2026-12-01", toDate: "2026-12-05", note: "Urlaub" })).toBe("01.12.2026–05.12.2026 (Urlaub)");
    expect(describeAbsence({ fromDate: "2026-12-01", toDate: "2026-12-05" })).toBe("01.12.2026–05.12.2026");
    expect(describeAbsence({ fromDate: "2026-12-01", toDate: "2026-12-01", note: null })).toBe("01.12.2026");
    expect(describeAbsence({ fromDate: "2026-12-31", toDate: "2027-01-02", note: "krank" })).toBe("31.12.2026–02.01.2027 (krank)");
  });
});
