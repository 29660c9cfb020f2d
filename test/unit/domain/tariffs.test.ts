import { describe, expect, it } from "vitest";
import { fromLocal, toLocal } from "../../../src/domain/pool-time";
import {
  calculateAllowance,
  formatEuro,
  lateCancellationApplies,
  minutesBetween,
  selectTariff,
  type AllowanceJob,
  type LateCancellationPay,
  type Tariff,
  type TariffContext,
  type TariffModel,
} from "../../../src/domain/tariffs";

function tariff(id: string, model: TariffModel, overrides: Partial<Tariff> = {}): Tariff {
  return {
    id,
    validFrom: "2026-01-01",
    scope: {},
    model,
    travelCentsPerKm: null,
    lateCancellation: { hours: 24, pay: { kind: "none" } },
    ...overrides,
  };
}

/** Düren: 20 € per assignment. */
const DUEREN = tariff("dueren", { kind: "flat", amountCents: 2000 });
/** Rhein-Erft: 25 € for the first hour, then 5 € per started half hour. */
const RHEIN_ERFT = tariff("rhein-erft", { kind: "block", firstBlockMinutes: 60, firstBlockCents: 2500, incrementMinutes: 30, incrementCents: 500 });
/** Heinsberg: 25 € up to 2 h, then 10 € per started hour. */
const HEINSBERG = tariff("heinsberg", { kind: "block", firstBlockMinutes: 120, firstBlockCents: 2500, incrementMinutes: 60, incrementCents: 1000 });
/** Breisgau-Hochschwarzwald: 15 €/h per started quarter hour, plus 0,30 €/km. */
const BREISGAU = tariff("breisgau", { kind: "hourly", centsPerHour: 1500, roundingMinutes: 15 }, { travelCentsPerKm: 30 });

const done = (minutes: number, travelKm: number | null = null): AllowanceJob => ({ outcome: "done", minutes, travelKm });
const amount = (t: Tariff, job: AllowanceJob) => calculateAllowance(t, job).amountCents;
const withPay = (t: Tariff, pay: LateCancellationPay): Tariff => ({ ...t, lateCancellation: { hours: 24, pay } });

describe("calculateAllowance: flat (Düren)", () => {
  it("pays 2000 cents per assignment, whatever its length", () => {
    for (const minutes of [1, 30, 60, 61, 240]) expect(amount(DUEREN, done(minutes))).toBe(2000);
    expect(calculateAllowance(DUEREN, done(95))).toEqual({
      amountCents: 2000,
      lines: [{ kind: "base", description: "Pauschale", quantity: 1, unitCents: 2000, amountCents: 2000 }],
    });
  });
});

describe("calculateAllowance: first block + started increments", () => {
  it("Rhein-Erft: 25 € for the first hour, then 5 € per started half hour", () => {
    const table = [59, 60, 61, 90, 91, 120, 121].map((minutes) => [minutes, amount(RHEIN_ERFT, done(minutes))]);
    expect(table).toEqual([
      [59, 2500],
      [60, 2500],
      [61, 3000],
      [90, 3000],
      [91, 3500],
      [120, 3500],
      [121, 4000],
    ]);
  });

  it("Rhein-Erft: the breakdown shows the first hour and the started half hours", () => {
    expect(calculateAllowance(RHEIN_ERFT, done(91))).toEqual({
      amountCents: 3500,
      lines: [
        { kind: "base", description: "erste 60 Min.", quantity: 1, unitCents: 2500, amountCents: 2500 },
        { kind: "increment", description: "2 × 30 Min. angefangen", quantity: 2, unitCents: 500, amountCents: 1000 },
      ],
    });
    expect(calculateAllowance(RHEIN_ERFT, done(60)).lines).toEqual([
      { kind: "base", description: "erste 60 Min.", quantity: 1, unitCents: 2500, amountCents: 2500 },
    ]);
  });

  it("Heinsberg: 25 € up to 2 h, then 10 € per started hour", () => {
    const table = [119, 120, 121, 180, 181].map((minutes) => [minutes, amount(HEINSBERG, done(minutes))]);
    expect(table).toEqual([
      [119, 2500],
      [120, 2500],
      [121, 3500],
      [180, 3500],
      [181, 4500],
    ]);
    expect(calculateAllowance(HEINSBERG, done(181)).lines).toEqual([
      { kind: "base", description: "erste 120 Min.", quantity: 1, unitCents: 2500, amountCents: 2500 },
      { kind: "increment", description: "2 × 60 Min. angefangen", quantity: 2, unitCents: 1000, amountCents: 2000 },
    ]);
  });

  it("stops paying increments after capAfterMinutes", () => {
    const capped = tariff("capped", { ...(HEINSBERG.model as Extract<TariffModel, { kind: "block" }>), capAfterMinutes: 180 });
    expect(amount(capped, done(180))).toBe(3500);
    expect(amount(capped, done(181))).toBe(3500);
    expect(amount(capped, done(600))).toBe(3500);
    expect(calculateAllowance(capped, done(600)).lines[1]).toEqual({
      kind: "increment",
      description: "1 × 60 Min. angefangen (höchstens bis 180 Min.)",
      quantity: 1,
      unitCents: 1000,
      amountCents: 1000,
    });
    expect(amount(capped, done(179))).toBe(3500);
    expect(amount(capped, done(100))).toBe(2500);
  });
});

describe("calculateAllowance: hourly (Breisgau) and travel", () => {
  it("pays per started quarter hour at 15 €/h", () => {
    const table = [0, 1, 15, 16, 45, 46, 60, 61].map((minutes) => [minutes, amount(BREISGAU, done(minutes))]);
    expect(table).toEqual([
      [0, 0],
      [1, 375],
      [15, 375],
      [16, 750],
      [45, 1125],
      [46, 1500],
      [60, 1500],
      [61, 1875],
    ]);
  });

  it("50 min + 12 km: 4 started quarter hours (1500) + 12 × 0,30 € (360)", () => {
    expect(calculateAllowance(BREISGAU, done(50, 12))).toEqual({
      amountCents: 1860,
      lines: [
        { kind: "base", description: "4 × 15 Min. angefangen (15,00 €/Std.)", quantity: 4, unitCents: 375, amountCents: 1500 },
        { kind: "travel", description: "12 km × 0,30 €", quantity: 12, unitCents: 30, amountCents: 360 },
      ],
    });
  });

  it("50 min pays exactly 1250 only with a rounding unit that divides 50 (10 min), + 360 for 12 km", () => {
    const tenMinutes = { ...BREISGAU, model: { kind: "hourly", centsPerHour: 1500, roundingMinutes: 10 } } satisfies Tariff;
    const result = calculateAllowance(tenMinutes, done(50, 12));
    expect(result.lines.map((line) => line.amountCents)).toEqual([1250, 360]);
    expect(result.amountCents).toBe(1610);
  });

  it("pays per started hour with a 60-minute rounding unit", () => {
    const perHour = { ...BREISGAU, model: { kind: "hourly", centsPerHour: 1500, roundingMinutes: 60 } } satisfies Tariff;
    expect([1, 60, 61, 120, 121].map((minutes) => amount(perHour, done(minutes)))).toEqual([1500, 1500, 3000, 3000, 4500]);
  });

  it("rounds fractions of a cent half-up", () => {
    const odd = (centsPerHour: number, roundingMinutes: number) => tariff("odd", { kind: "hourly", centsPerHour, roundingMinutes });
    expect(amount(odd(90, 1), done(1))).toBe(2); // 1.5 → 2
    expect(amount(odd(89, 1), done(1))).toBe(1); // 1.483… → 1
    expect(amount(odd(1550, 15), done(15))).toBe(388); // 387.5 → 388
    expect(amount(odd(1550, 15), done(30))).toBe(775);
  });

  it("pays travel as round(km × rate), with German number formatting", () => {
    expect(calculateAllowance(BREISGAU, done(60, 12.5)).lines[1]).toEqual({
      kind: "travel",
      description: "12,5 km × 0,30 €",
      quantity: 12.5,
      unitCents: 30,
      amountCents: 375,
    });
    const perKm100 = { ...BREISGAU, travelCentsPerKm: 100 };
    expect(calculateAllowance(perKm100, done(60, 1.005)).lines[1]?.amountCents).toBe(101); // 100.4999… in binary, 100.5 in truth
    expect(calculateAllowance(BREISGAU, done(60, 0.01)).lines[1]?.amountCents).toBe(0);
  });

  it("pays no travel without km, without a rate, or for 0 km", () => {
    expect(calculateAllowance(BREISGAU, done(60, null)).lines.map((line) => line.kind)).toEqual(["base"]);
    expect(calculateAllowance(BREISGAU, done(60, 0)).lines.map((line) => line.kind)).toEqual(["base"]);
    expect(calculateAllowance(DUEREN, done(60, 40))).toEqual({
      amountCents: 2000,
      lines: [{ kind: "base", description: "Pauschale", quantity: 1, unitCents: 2000, amountCents: 2000 }],
    });
  });

  it("formats euro amounts the German way", () => {
    expect([5, 30, 1500, 123450, 100000000].map(formatEuro)).toEqual(["0,05 €", "0,30 €", "15,00 €", "1.234,50 €", "1.000.000,00 €"]);
  });
});

describe("calculateAllowance: outcomes", () => {
  it("pays a client no-show as done for the booked minutes, travel included", () => {
    for (const t of [DUEREN, RHEIN_ERFT, HEINSBERG, BREISGAU]) {
      for (const minutes of [45, 91, 181]) {
        const noShow = calculateAllowance(t, { outcome: "client_no_show", minutes, travelKm: 12 });
        expect(noShow).toEqual(calculateAllowance(t, done(minutes, 12)));
      }
    }
    expect(amount(BREISGAU, { outcome: "client_no_show", minutes: 90, travelKm: 12 })).toBe(2250 + 360);
  });

  it("pays nothing for an interpreter no-show, not even travel", () => {
    for (const t of [DUEREN, RHEIN_ERFT, HEINSBERG, BREISGAU, withPay(RHEIN_ERFT, { kind: "amount", amountCents: 1500 })]) {
      expect(calculateAllowance(t, { outcome: "interpreter_no_show", minutes: 90, travelKm: 12 })).toEqual({ amountCents: 0, lines: [] });
    }
  });
});

describe("late cancellation", () => {
  const start = new Date("2026-11-25T09:00:00Z");

  it("applies at 23 h 59 min before the start, not at 24 h 01 min", () => {
    expect(lateCancellationApplies(start, new Date("2026-11-24T09:01:00Z"), 24)).toBe(true);
    expect(lateCancellationApplies(start, new Date("2026-11-24T08:59:00Z"), 24)).toBe(false);
    expect(lateCancellationApplies(start, new Date("2026-11-24T09:00:00Z"), 24)).toBe(false); // exactly 24 h is in time
    expect(lateCancellationApplies(start, new Date("2026-11-25T09:30:00Z"), 24)).toBe(true); // after the start
    expect(lateCancellationApplies(start, new Date("2026-11-23T09:01:00Z"), 48)).toBe(true); // the tariff's own hours
    expect(lateCancellationApplies(start, new Date("2026-11-23T08:59:00Z"), 48)).toBe(false);
  });

  const late = (minutes: number, travelKm: number | null = null): AllowanceJob => ({ outcome: "late_cancellation", minutes, travelKm });

  it("pay none: nothing", () => {
    expect(calculateAllowance(withPay(RHEIN_ERFT, { kind: "none" }), late(90))).toEqual({ amountCents: 0, lines: [] });
  });

  it("pay amount: that amount, as one line", () => {
    expect(calculateAllowance(withPay(RHEIN_ERFT, { kind: "amount", amountCents: 1500 }), late(180))).toEqual({
      amountCents: 1500,
      lines: [{ kind: "late_cancellation", description: "Ausfallpauschale (kurzfristige Absage)", quantity: 1, unitCents: 1500, amountCents: 1500 }],
    });
  });

  it("pay base: the model amount for the booked minutes", () => {
    expect(calculateAllowance(withPay(RHEIN_ERFT, { kind: "base" }), late(90))).toEqual({
      amountCents: 3000,
      lines: [
        { kind: "late_cancellation", description: "kurzfristige Absage: erste 60 Min.", quantity: 1, unitCents: 2500, amountCents: 2500 },
        { kind: "late_cancellation", description: "kurzfristige Absage: 1 × 30 Min. angefangen", quantity: 1, unitCents: 500, amountCents: 500 },
      ],
    });
    expect(amount(withPay(DUEREN, { kind: "base" }), late(90))).toBe(2000);
  });

  it("pay base with minutes: the model amount for those minutes (Ennepe-Ruhr: 1 hour)", () => {
    const ennepeRuhr = withPay(tariff("ennepe-ruhr", { kind: "hourly", centsPerHour: 1500, roundingMinutes: 60 }), { kind: "base", minutes: 60 });
    expect(amount(ennepeRuhr, late(180))).toBe(1500);
    expect(amount(ennepeRuhr, late(30))).toBe(1500);
    expect(amount(withPay(HEINSBERG, { kind: "base", minutes: 181 }), late(60))).toBe(4500);
  });

  it("adds travel only when travel km are given", () => {
    const breisgauBase = withPay(BREISGAU, { kind: "base", minutes: 120 });
    expect(calculateAllowance(breisgauBase, late(90)).lines.map((line) => line.kind)).toEqual(["late_cancellation"]);
    expect(amount(breisgauBase, late(90))).toBe(3000);
    const withTravel = calculateAllowance(breisgauBase, late(90, 12));
    expect(withTravel.amountCents).toBe(3000 + 360);
    expect(withTravel.lines[1]).toEqual({ kind: "travel", description: "12 km × 0,30 €", quantity: 12, unitCents: 30, amountCents: 360 });
    expect(calculateAllowance(withPay(BREISGAU, { kind: "none" }), late(90, 12))).toEqual({
      amountCents: 360,
      lines: [{ kind: "travel", description: "12 km × 0,30 €", quantity: 12, unitCents: 30, amountCents: 360 }],
    });
    expect(amount(withPay(BREISGAU, { kind: "amount", amountCents: 1000 }), late(90, 10))).toBe(1300);
  });
});

describe("selectTariff", () => {
  const context = (startsAt: Date, overrides: Partial<TariffContext> = {}): TariffContext => ({
    startsAt,
    organisationId: "org-7",
    organisationKind: "school",
    ...overrides,
  });
  const id = (tariffs: Tariff[], ctx: TariffContext) => selectTariff(tariffs, ctx)?.id ?? null;

  it("switches tariffs in the middle of a month by the job's LOCAL start date", () => {
    const old = { ...RHEIN_ERFT, id: "old", validFrom: "2026-01-01" };
    const current = { ...DUEREN, id: "new", validFrom: "2026-11-15" };
    const tariffs = [current, old];

    const fifteenthHalfPastMidnight = fromLocal("2026-11-15", 30);
    expect(fifteenthHalfPastMidnight.toISOString()).toBe("2026-11-14T23:30:00.000Z"); // still the 14th in UTC
    expect(id(tariffs, context(fifteenthHalfPastMidnight))).toBe("new");
    expect(id(tariffs, context(fromLocal("2026-11-14", 23 * 60 + 59)))).toBe("old");
    expect(id(tariffs, context(fromLocal("2026-11-14", 10 * 60)))).toBe("old");
    expect(id(tariffs, context(fromLocal("2026-12-01", 10 * 60)))).toBe("new");
    expect(id(tariffs, context(fromLocal("2026-01-01", 0)))).toBe("old");
    expect(id(tariffs, context(fromLocal("2025-12-31", 23 * 60 + 59)))).toBeNull();

    // The amounts follow: 90 minutes on the 14th under the block tariff, on the 15th flat.
    expect(amount(selectTariff(tariffs, context(fromLocal("2026-11-14", 600)))!, done(90))).toBe(3000);
    expect(amount(selectTariff(tariffs, context(fifteenthHalfPastMidnight))!, done(90))).toBe(2000);
  });

  it("prefers the organisation over its kind over the default, even when older", () => {
    const byDefault = { ...DUEREN, id: "default", validFrom: "2026-11-01" };
    const byKind = { ...DUEREN, id: "kind-school", validFrom: "2026-06-01", scope: { organisationKind: "school" } };
    const byOrganisation = { ...DUEREN, id: "org-7", validFrom: "2025-01-01", scope: { organisationId: "org-7" } };
    const otherOrganisation = { ...DUEREN, id: "org-9", validFrom: "2026-01-01", scope: { organisationId: "org-9" } };
    const tariffs = [byDefault, byKind, byOrganisation, otherOrganisation];
    const december = fromLocal("2026-12-01", 600);

    expect(id(tariffs, context(december))).toBe("org-7");
    expect(id(tariffs, context(december, { organisationId: "org-8" }))).toBe("kind-school");
    expect(id(tariffs, context(december, { organisationId: "org-8", organisationKind: "clinic" }))).toBe("default");
    expect(id(tariffs, context(december, { organisationId: "org-9", organisationKind: "clinic" }))).toBe("org-9");
    // Before the kind tariff starts, org-8's school falls back to the default — which is not yet valid either.
    expect(id(tariffs, context(fromLocal("2026-05-31", 600), { organisationId: "org-8" }))).toBeNull();
  });

  it("ignores a more specific tariff that is not yet valid", () => {
    const byKind = { ...DUEREN, id: "kind-school", scope: { organisationKind: "school" } };
    const futureOrganisation = { ...DUEREN, id: "org-7-2027", validFrom: "2027-01-01", scope: { organisationId: "org-7" } };
    expect(id([futureOrganisation, byKind], context(fromLocal("2026-12-31", 1439)))).toBe("kind-school");
    expect(id([futureOrganisation, byKind], context(fromLocal("2027-01-01", 0)))).toBe("org-7-2027");
  });

  it("takes the latest validFrom within one scope, whatever the input order", () => {
    const tariffs = [
      { ...DUEREN, id: "org-a", validFrom: "2026-01-01", scope: { organisationId: "org-7" } },
      { ...DUEREN, id: "org-b", validFrom: "2026-06-01", scope: { organisationId: "org-7" } },
      { ...DUEREN, id: "org-c", validFrom: "2026-03-01", scope: { organisationId: "org-7" } },
      { ...DUEREN, id: "default-new", validFrom: "2026-07-01" },
    ];
    const orders = [tariffs, [...tariffs].reverse(), [tariffs[2]!, tariffs[0]!, tariffs[3]!, tariffs[1]!]];
    for (const order of orders) {
      expect(id(order, context(fromLocal("2026-02-15", 600)))).toBe("org-a");
      expect(id(order, context(fromLocal("2026-04-15", 600)))).toBe("org-c");
      expect(id(order, context(fromLocal("2026-07-15", 600)))).toBe("org-b");
    }
  });

  it("breaks exact ties by id, so the result never depends on the order", () => {
    const a = { ...DUEREN, id: "a" };
    const b = { ...RHEIN_ERFT, id: "b" };
    expect(id([a, b], context(fromLocal("2026-07-15", 600)))).toBe("a");
    expect(id([b, a], context(fromLocal("2026-07-15", 600)))).toBe("a");
  });

  it("rates a scope naming both organisation and kind above the organisation alone, and requires both to match", () => {
    const orgOnly = { ...DUEREN, id: "org-only", scope: { organisationId: "org-7" } };
    const orgAndKind = { ...DUEREN, id: "org-and-kind", scope: { organisationId: "org-7", organisationKind: "school" } };
    expect(id([orgOnly, orgAndKind], context(fromLocal("2026-07-15", 600)))).toBe("org-and-kind");
    expect(id([orgOnly, orgAndKind], context(fromLocal("2026-07-15", 600), { organisationKind: "clinic" }))).toBe("org-only");
  });

  it("returns null without tariffs and rejects a malformed validFrom", () => {
    expect(selectTariff([], context(new Date("2026-07-15T08:00:00Z")))).toBeNull();
    expect(() => selectTariff([{ ...DUEREN, validFrom: "15.11.2026" }], context(new Date("2026-07-15T08:00:00Z")))).toThrow(RangeError);
  });
});

describe("durations across daylight-saving changes", () => {
  const hourly = tariff("hourly-60", { kind: "hourly", centsPerHour: 1500, roundingMinutes: 60 });

  it("01:30–03:30 local on 29.03.2026 (spring forward) lasts 60 real minutes and pays 1 hour", () => {
    const start = fromLocal("2026-03-29", 90);
    const end = fromLocal("2026-03-29", 210);
    expect([start.toISOString(), end.toISOString()]).toEqual(["2026-03-29T00:30:00.000Z", "2026-03-29T01:30:00.000Z"]);
    expect([toLocal(start).minute, toLocal(end).minute]).toEqual([90, 210]);
    expect(minutesBetween(start, end)).toBe(60);
    expect(amount(hourly, done(minutesBetween(start, end)))).toBe(1500);
    expect(amount(BREISGAU, done(minutesBetween(start, end)))).toBe(1500);
  });

  it("01:30–03:30 local on 25.10.2026 (fall back) lasts 180 real minutes and pays 3 hours", () => {
    const start = fromLocal("2026-10-25", 90);
    const end = fromLocal("2026-10-25", 210);
    expect([start.toISOString(), end.toISOString()]).toEqual(["2026-10-24T23:30:00.000Z", "2026-10-25T02:30:00.000Z"]);
    expect(minutesBetween(start, end)).toBe(180);
    expect(amount(hourly, done(minutesBetween(start, end)))).toBe(4500);
    expect(amount(RHEIN_ERFT, done(minutesBetween(start, end)))).toBe(2500 + 4 * 500);
  });

  it("counts a started minute and rejects an end before the start", () => {
    const start = new Date("2026-11-24T08:00:00Z");
    expect(minutesBetween(start, new Date("2026-11-24T08:00:00Z"))).toBe(0);
    expect(minutesBetween(start, new Date("2026-11-24T09:00:30Z"))).toBe(61);
    expect(() => minutesBetween(start, new Date("2026-11-24T07:59:00Z"))).toThrow(RangeError);
  });
});

describe("breakdown invariants", () => {
  const tariffs: Tariff[] = [
    DUEREN,
    RHEIN_ERFT,
    HEINSBERG,
    BREISGAU,
    withPay(BREISGAU, { kind: "base" }),
    withPay(HEINSBERG, { kind: "base", minutes: 120 }),
    withPay({ ...RHEIN_ERFT, travelCentsPerKm: 35 }, { kind: "amount", amountCents: 1250 }),
    tariff("odd", { kind: "hourly", centsPerHour: 1550, roundingMinutes: 15 }, { travelCentsPerKm: 30 }),
  ];
  const outcomes = ["done", "client_no_show", "interpreter_no_show", "late_cancellation"] as const;

  it("lines always sum to amountCents, in whole non-negative cents", () => {
    let checked = 0;
    for (const t of tariffs) {
      for (const outcome of outcomes) {
        for (let minutes = 0; minutes <= 300; minutes += 7) {
          for (const travelKm of [null, 0, 3.7, 12, 48.25]) {
            const { amountCents, lines } = calculateAllowance(t, { outcome, minutes, travelKm });
            expect(lines.reduce((sum, line) => sum + line.amountCents, 0)).toBe(amountCents);
            for (const line of lines) expect(Number.isInteger(line.amountCents) && line.amountCents >= 0).toBe(true);
            expect(Number.isInteger(amountCents)).toBe(true);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(tariffs.length * outcomes.length * 43 * 5);
  });

  it("describes every line in plain German", () => {
    const descriptions = [
      ...calculateAllowance(DUEREN, done(60)).lines,
      ...calculateAllowance({ ...RHEIN_ERFT, travelCentsPerKm: 30 }, done(91, 12)).lines,
      ...calculateAllowance(BREISGAU, done(50, 12.5)).lines,
      ...calculateAllowance(withPay(RHEIN_ERFT, { kind: "amount", amountCents: 1500 }), { outcome: "late_cancellation", minutes: 60, travelKm: null }).lines,
    ].map((line) => `${line.kind}: ${line.description}`);
    expect(descriptions).toEqual([
      "base: Pauschale",
      "base: erste 60 Min.",
      "increment: 2 × 30 Min. angefangen",
      "travel: 12 km × 0,30 €",
      "base: 4 × 15 Min. angefangen (15,00 €/Std.)",
      "travel: 12,5 km × 0,30 €",
      "late_cancellation: Ausfallpauschale (kurzfristige Absage)",
    ]);
  });
});

describe("invalid input", () => {
  it("rejects negative or non-finite minutes and km", () => {
    expect(() => calculateAllowance(RHEIN_ERFT, done(-1))).toThrow(RangeError);
    expect(() => calculateAllowance(RHEIN_ERFT, done(Number.NaN))).toThrow(RangeError);
    expect(() => calculateAllowance(BREISGAU, done(60, -5))).toThrow(RangeError);
  });

  it("rejects tariffs that would divide by zero or pay fractions of a cent", () => {
    expect(() => calculateAllowance(tariff("x", { kind: "block", firstBlockMinutes: 60, firstBlockCents: 2500, incrementMinutes: 0, incrementCents: 500 }), done(90))).toThrow(
      RangeError,
    );
    expect(() => calculateAllowance(tariff("x", { kind: "hourly", centsPerHour: 1500, roundingMinutes: 0 }), done(90))).toThrow(RangeError);
    expect(() => calculateAllowance(tariff("x", { kind: "flat", amountCents: 20.5 }), done(90))).toThrow(RangeError);
    expect(() => calculateAllowance({ ...BREISGAU, travelCentsPerKm: 0.3 }, done(90, 12))).toThrow(RangeError);
    expect(() => calculateAllowance(withPay(DUEREN, { kind: "amount", amountCents: -100 }), { outcome: "late_cancellation", minutes: 60, travelKm: null })).toThrow(
      RangeError,
    );
  });
});
