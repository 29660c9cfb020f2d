import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { firstDateBeyondLimit, monthsBetween, periodProblem, reportPeriod } from "../../../src/domain/report-period";
import { fillRate, germanFraction, germanNumber, reportCsv, reportTables, type ReportSummary } from "../../../src/domain/report-tables";

const zero = { requested: 0, assigned: 0, completed: 0, unfilled: 0, pending: 0, fillRate: null };

const SUMMARY: ReportSummary = {
  period: { from: "2026-01-01", to: "2026-01-31", timeZone: "Europe/Berlin", start: "2025-12-31T23:00:00.000Z", end: "2026-01-31T23:00:00.000Z" },
  totals: { bookings: 4, withdrawn: 1, requested: 3, assigned: 2, completed: 1, unfilled: 1, pending: 0, fillRate: 0.6667 },
  byLanguage: [{ language: "uk", languageName: "Ukrainisch", requested: 3, assigned: 2, completed: 1, unfilled: 1, pending: 0, fillRate: 0.6667 }],
  byOrganisationKind: [{ organisationKind: "counselling", ...zero }],
  byMunicipality: [{ municipality: "Kreuzau; Ortsteil \"Drove\"", requested: 3, assigned: 2, completed: 1, unfilled: 1, pending: 0, fillRate: 0.6667 }],
  byMonth: [{ month: "2026-01", requested: 3, assigned: 2, completed: 1, unfilled: 1, pending: 0, fillRate: 0.6667 }],
  unfilledByLanguage: [{ language: "uk", languageName: "Ukrainisch", unfilled: 1, requested: 3 }],
  cancellations: { total: 1, late: 0, notLate: 1, byWhom: [{ cancelledBy: "requester", total: 1, late: 0, notLate: 1 }] },
  outcomes: { completed: 1, done: 1, clientNoShow: 0, interpreterNoShow: 0 },
  timeToConfirmation: { assignments: 2, medianMinutes: 37.5 },
  allowances: { count: 1, amountCents: 123_456, byStatus: [{ status: "paid", count: 1, amountCents: 123_456 }] },
  fairness: { interpreters: 3, withoutAssignment: 1, assignments: 2, minAssignments: 0, medianAssignments: 1, maxAssignments: 1 },
};

describe("report period", () => {
  it("turns local dates into instants on both sides of the daylight-saving changes", () => {
    const summer = reportPeriod("2026-03-29", "2026-10-25");
    expect(summer.start.toISOString()).toBe("2026-03-28T23:00:00.000Z"); // CET midnight before the spring change
    expect(summer.end.toISOString()).toBe("2026-10-25T23:00:00.000Z"); // CET again after the autumn change
    expect(reportPeriod("2026-04-01", "2026-04-30").start.toISOString()).toBe("2026-03-31T22:00:00.000Z"); // CEST
    expect(summer.months).toEqual(["2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]);
  });

  it("lists months across a year end and limits periods to five years", () => {
    expect(monthsBetween("2026-12-31", "2027-01-01")).toEqual(["2026-12", "2027-01"]);
    expect(firstDateBeyondLimit("2024-02-29")).toBe("2029-03-01");
    expect(periodProblem("2026-01-01", "2030-12-31")).toBeNull();
    expect(periodProblem("2026-01-01", "2031-01-01")).toMatch(/5 years/);
    expect(periodProblem("2026-01-02", "2026-01-01")).toMatch(/before/);
  });
});

describe("report tables", () => {
  it("formats fractions, medians and rates the German way", () => {
    expect(fillRate(2, 3)).toBe(0.6667);
    expect(fillRate(0, 0)).toBeNull();
    expect(germanFraction(1)).toBe("1,0000");
    expect(germanFraction(null)).toBe("");
    expect(germanNumber(37.5)).toBe("37,5");
    expect(germanNumber(4)).toBe("4");
  });

  it("writes one section per table: title, header, rows, an empty row; BOM, semicolons, CRLF", () => {
    const csv = reportCsv(SUMMARY);
    expect(csv.startsWith("\uFEFFBericht Dolmetscherpool\r\nVon;Bis;Zeitzone\r\n01.01.2026;31.01.2026;Europe/Berlin\r\n\r\nÜbersicht\r\n")).toBe(true);
    expect(csv.endsWith("\r\n\r\n")).toBe(true);
    const rows: string[][] = parse(csv, { delimiter: ";", bom: true, relax_column_count: true });
    const tables = reportTables(SUMMARY);
    expect(rows.length).toBe(tables.reduce((sum, table) => sum + table.rows.length + 3, 0));
    expect(rows).toContainEqual(["Kreuzau; Ortsteil \"Drove\"", "3", "2", "1", "1", "0", "0,6667"]);
    expect(rows).toContainEqual(["Beratungsstelle", "0", "0", "0", "0", "0", ""]);
    expect(rows).toContainEqual(["ausgezahlt", "1", "1234,56"]);
    expect(rows).toContainEqual(["2", "37,5"]);
  });
});
