import { describe, expect, it } from "vitest";
import { bookingCode } from "../../../src/domain/booking-code";
import {
  ACTIVE_STATUSES,
  ASSIGNMENT_STATUSES,
  BOOKING_STATUSES,
  allowedTransitions,
  canTransition,
  isLateCancellation,
  type BookingStatus,
} from "../../../src/domain/booking-lifecycle";
import { toLocal } from "../../../src/domain/pool-time";
import { MAX_OCCURRENCES, weeklyOccurrences, type OccurrencesResult } from "../../../src/domain/recurrence";
import { cryptoRandom, sequentialRandom, type RandomSource } from "../../../src/lib/random";

function starts(result: OccurrencesResult): string[] {
  if (!result.ok) throw new Error(`expected occurrences, got: ${result.message}`);
  return result.starts.map((start) => start.toISOString());
}

function localReadings(result: OccurrencesResult): string[] {
  if (!result.ok) throw new Error(result.message);
  return result.starts.map((start) => {
    const local = toLocal(start);
    return `${local.date} ${local.weekday} ${local.minute}`;
  });
}

describe("weeklyOccurrences", () => {
  it("gives Mon/Wed/Mon/Wed at the same time for weekdays [1, 3] and count 4", () => {
    // Monday 23.11.2026 09:00 local (winter)
    const result = weeklyOccurrences(new Date("2026-11-23T08:00:00Z"), { weekdays: [1, 3], count: 4 });
    expect(starts(result)).toEqual(["2026-11-23T08:00:00.000Z", "2026-11-25T08:00:00.000Z", "2026-11-30T08:00:00.000Z", "2026-12-02T08:00:00.000Z"]);
  });

  it("keeps 09:00 local across the 25 October 2026 change (the UTC hour moves by one)", () => {
    // Monday 19.10.2026 09:00 CEST = 07:00 UTC
    const result = weeklyOccurrences(new Date("2026-10-19T07:00:00Z"), { weekdays: [1, 3], count: 4 });
    expect(starts(result)).toEqual(["2026-10-19T07:00:00.000Z", "2026-10-21T07:00:00.000Z", "2026-10-26T08:00:00.000Z", "2026-10-28T08:00:00.000Z"]);
    expect(localReadings(result)).toEqual(["2026-10-19 1 540", "2026-10-21 3 540", "2026-10-26 1 540", "2026-10-28 3 540"]);
  });

  it("keeps 09:00 local across the 29 March 2026 change", () => {
    // Wednesday 25.03.2026 09:00 CET = 08:00 UTC
    const result = weeklyOccurrences(new Date("2026-03-25T08:00:00Z"), { weekdays: [1, 3], count: 3 });
    expect(starts(result)).toEqual(["2026-03-25T08:00:00.000Z", "2026-03-30T07:00:00.000Z", "2026-04-01T07:00:00.000Z"]);
  });

  it("uses the local weekday and time, not the UTC ones", () => {
    // Monday 23.11.2026 00:30 local is Sunday 22.11. 23:30 UTC.
    const result = weeklyOccurrences(new Date("2026-11-22T23:30:00Z"), { weekdays: [1], count: 2 });
    expect(starts(result)).toEqual(["2026-11-22T23:30:00.000Z", "2026-11-29T23:30:00.000Z"]);
    expect(localReadings(result)).toEqual(["2026-11-23 1 30", "2026-11-30 1 30"]);
  });

  it("includes the until date", () => {
    const first = new Date("2026-11-23T08:00:00Z");
    expect(starts(weeklyOccurrences(first, { weekdays: [1, 3], until: "2026-12-02" }))).toEqual([
      "2026-11-23T08:00:00.000Z",
      "2026-11-25T08:00:00.000Z",
      "2026-11-30T08:00:00.000Z",
      "2026-12-02T08:00:00.000Z",
    ]);
    expect(starts(weeklyOccurrences(first, { weekdays: [1, 3], until: "2026-12-01" }))).toHaveLength(3);
    expect(starts(weeklyOccurrences(first, { weekdays: [1], until: "2026-11-23" }))).toEqual(["2026-11-23T08:00:00.000Z"]);
  });

  it("starts at the next listed weekday when the first start's weekday is not listed", () => {
    // Tuesday 24.11.2026 09:00
    const result = weeklyOccurrences(new Date("2026-11-24T08:00:00Z"), { weekdays: [1, 3], count: 3 });
    expect(starts(result)).toEqual(["2026-11-25T08:00:00.000Z", "2026-11-30T08:00:00.000Z", "2026-12-02T08:00:00.000Z"]);
    // Sunday → next Friday
    expect(starts(weeklyOccurrences(new Date("2026-11-29T08:00:00Z"), { weekdays: [5], count: 1 }))).toEqual(["2026-12-04T08:00:00.000Z"]);
  });

  it("allows exactly 52 occurrences", () => {
    const first = new Date("2026-11-23T08:00:00Z");
    expect(MAX_OCCURRENCES).toBe(52);
    expect(starts(weeklyOccurrences(first, { weekdays: [1], count: 52 }))).toHaveLength(52);
    // 52 Mondays: 23.11.2026 + 51 weeks = 15.11.2027
    const untilLast = starts(weeklyOccurrences(first, { weekdays: [1], until: "2027-11-15" }));
    expect(untilLast).toHaveLength(52);
    expect(untilLast.at(-1)).toBe("2027-11-15T08:00:00.000Z");
    expect(starts(weeklyOccurrences(first, { weekdays: [1, 2, 3, 4, 5, 6, 7], count: 52 }))).toHaveLength(52);
  });

  it("refuses more than 52 occurrences", () => {
    const first = new Date("2026-11-23T08:00:00Z");
    const tooMany = { ok: false, message: "A series has at most 52 occurrences" };
    expect(weeklyOccurrences(first, { weekdays: [1], until: "2030-01-01" })).toEqual(tooMany);
    expect(weeklyOccurrences(first, { weekdays: [1], until: "2027-11-22" })).toEqual(tooMany); // 53 Mondays
    expect(weeklyOccurrences(first, { weekdays: [1], count: 53 })).toEqual(tooMany);
    expect(weeklyOccurrences(first, { weekdays: [1, 2, 3, 4, 5, 6, 7], until: "2027-01-31" })).toEqual(tooMany);
    expect(weeklyOccurrences(first, { weekdays: [1, 3] })).toEqual(tooMany); // neither until nor count
    // first start on a Tuesday, Mondays only: still 53 within the search window
    expect(weeklyOccurrences(new Date("2026-11-24T08:00:00Z"), { weekdays: [1], until: "2030-01-01" })).toEqual(tooMany);
  });

  it("refuses a rule that yields no occurrence", () => {
    const first = new Date("2026-11-23T08:00:00Z"); // Monday
    const none = { ok: false, message: "The rule yields no occurrence" };
    expect(weeklyOccurrences(first, { weekdays: [], count: 3 })).toEqual(none);
    expect(weeklyOccurrences(first, { weekdays: [1], until: "2026-11-22" })).toEqual(none);
    expect(weeklyOccurrences(first, { weekdays: [3], until: "2026-11-24" })).toEqual(none);
    expect(weeklyOccurrences(first, { weekdays: [1], count: 0 })).toEqual(none);
  });
});

describe("booking state machine", () => {
  // from → the statuses it may move to (the whole table, written out)
  const expected: Record<BookingStatus, BookingStatus[]> = {
    open: ["offered", "assigned", "unfilled", "cancelled"],
    offered: ["open", "assigned", "unfilled", "cancelled"],
    assigned: ["open", "completed", "cancelled"],
    completed: [],
    unfilled: [],
    cancelled: [],
  };

  const pairs = BOOKING_STATUSES.flatMap((from) => BOOKING_STATUSES.map((to) => ({ from, to, allowed: expected[from].includes(to) })));

  it("covers all six statuses", () => {
    expect([...BOOKING_STATUSES].sort()).toEqual(Object.keys(expected).sort());
    expect(pairs).toHaveLength(36);
  });

  it.each(pairs)("canTransition($from, $to) is $allowed", ({ from, to, allowed }) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it("lists the allowed transitions per status", () => {
    for (const status of BOOKING_STATUSES) expect([...allowedTransitions(status)].sort()).toEqual([...expected[status]].sort());
  });

  it("never stays in place and never leaves a final status", () => {
    for (const status of BOOKING_STATUSES) expect(canTransition(status, status)).toBe(false);
    for (const status of ["completed", "unfilled", "cancelled"] as const) expect(allowedTransitions(status)).toEqual([]);
  });

  it("names the active and assignment statuses", () => {
    expect([...ACTIVE_STATUSES].sort()).toEqual(["assigned", "offered", "open"]);
    expect([...ASSIGNMENT_STATUSES].sort()).toEqual(["assigned", "completed"]);
    // every active status can be cancelled, no other can
    for (const status of BOOKING_STATUSES) expect(canTransition(status, "cancelled")).toBe(ACTIVE_STATUSES.includes(status));
  });
});

describe("isLateCancellation", () => {
  const startsAt = new Date("2026-11-25T09:00:00Z");
  const before = (minutes: number) => new Date(startsAt.getTime() - minutes * 60_000);

  it("is late 23 h 59 min before the start", () => {
    expect(isLateCancellation(startsAt, before(23 * 60 + 59), 24)).toBe(true);
    expect(isLateCancellation(startsAt, new Date("2026-11-24T09:01:00Z"), 24)).toBe(true);
  });

  it("is in time 24 h 01 min (or exactly 24 h) before the start", () => {
    expect(isLateCancellation(startsAt, before(24 * 60 + 1), 24)).toBe(false);
    expect(isLateCancellation(startsAt, before(24 * 60), 24)).toBe(false);
    expect(isLateCancellation(startsAt, before(7 * 24 * 60), 24)).toBe(false);
  });

  it("is late at and after the start", () => {
    expect(isLateCancellation(startsAt, startsAt, 24)).toBe(true);
    expect(isLateCancellation(startsAt, before(-30), 24)).toBe(true);
    expect(isLateCancellation(startsAt, before(-3 * 24 * 60), 24)).toBe(true);
  });

  it("uses the given number of hours", () => {
    expect(isLateCancellation(startsAt, before(47 * 60), 48)).toBe(true);
    expect(isLateCancellation(startsAt, before(49 * 60), 48)).toBe(false);
    expect(isLateCancellation(startsAt, before(1), 0)).toBe(false);
  });
});

describe("bookingCode", () => {
  const fixed = (...bytes: number[]): RandomSource => ({ bytes: (length) => Uint8Array.from({ length }, (_, i) => bytes[i] ?? 0) });

  it("has 4 digits for attempts 0–1, 5 for 2–3 and 6 from 4 on", () => {
    const random = sequentialRandom(7);
    for (let attempt = 0; attempt <= 1; attempt++) expect(bookingCode(random, attempt)).toMatch(/^[1-9]\d{3}$/);
    for (let attempt = 2; attempt <= 3; attempt++) expect(bookingCode(random, attempt)).toMatch(/^[1-9]\d{4}$/);
    for (const attempt of [4, 5, 10, 25, 100]) expect(bookingCode(random, attempt)).toMatch(/^[1-9]\d{5}$/);
  });

  it("is deterministic with sequentialRandom", () => {
    const codes = (seed: number) => {
      const random = sequentialRandom(seed);
      return [0, 0, 2, 4].map((attempt) => bookingCode(random, attempt));
    };
    // bytes 01 02 03 04 → 16909060 → 1000 + 16909060 mod 9000
    expect(codes(1)).toEqual(["8060", "6096", "13132", "425168"]);
    expect(codes(1)).toEqual(codes(1));
    expect(codes(2)).not.toEqual(codes(1));
  });

  it("stays inside the range of its length, also for the extreme bytes", () => {
    expect([0, 2, 4].map((attempt) => bookingCode(fixed(0, 0, 0, 0), attempt))).toEqual(["1000", "10000", "100000"]);
    expect(bookingCode(fixed(0, 0, 0x23, 0x27), 0)).toBe("9999"); // 8999
    expect(bookingCode(fixed(0, 0x01, 0x5f, 0x8f), 2)).toBe("99999"); // 89999
    expect(bookingCode(fixed(0, 0x0d, 0xbb, 0x9f), 4)).toBe("999999"); // 899999
    // a set top bit must not make the number negative
    expect(bookingCode(fixed(0x80, 0, 0, 0), 0)).toBe(String(1000 + (2 ** 31 % 9000)));
    expect(bookingCode(fixed(0xff, 0xff, 0xff, 0xff), 0)).toBe(String(1000 + ((2 ** 32 - 1) % 9000)));
  });

  it("is always numeric", () => {
    const sequential = sequentialRandom(200);
    for (let i = 0; i < 500; i++) {
      const attempt = i % 6;
      const length = attempt < 2 ? 4 : attempt < 4 ? 5 : 6;
      for (const code of [bookingCode(cryptoRandom, attempt), bookingCode(sequential, attempt)]) {
        expect(code).toMatch(/^\d+$/);
        expect(code).toHaveLength(length);
        expect(code[0]).not.toBe("0");
      }
    }
  });
});
