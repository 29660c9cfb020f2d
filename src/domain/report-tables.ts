import { germanAmount, semicolonLines } from "./finance-formats";
import { formatGermanDate } from "./pool-time";

/** Requests and how they ended, for the whole period or one language, kind, municipality or month. */
export interface FillFigures {
  requested: number;
  assigned: number;
  completed: number;
  unfilled: number;
  pending: number;
  /** assigned ÷ requested, 4 decimals; null when nothing was requested. */
  fillRate: number | null;
}

export type CancelledByParty = "requester" | "coordinator" | "interpreter";

/** The committee report of a period (see the OpenAPI description of GET /v1/reports/summary). */
export interface ReportSummary {
  period: { from: string; to: string; timeZone: string; start: string; end: string };
  totals: FillFigures & { bookings: number; withdrawn: number };
  byLanguage: (FillFigures & { language: string; languageName: string })[];
  byOrganisationKind: (FillFigures & { organisationKind: string })[];
  byMunicipality: (FillFigures & { municipality: string })[];
  byMonth: (FillFigures & { month: string })[];
  unfilledByLanguage: { language: string; languageName: string; unfilled: number; requested: number }[];
  cancellations: { total: number; late: number; notLate: number; byWhom: { cancelledBy: CancelledByParty; total: number; late: number; notLate: number }[] };
  outcomes: { completed: number; done: number; clientNoShow: number; interpreterNoShow: number };
  timeToConfirmation: { assignments: number; medianMinutes: number | null };
  allowances: { count: number; amountCents: number; byStatus: { status: string; count: number; amountCents: number }[] };
  fairness: {
    interpreters: number;
    withoutAssignment: number;
    assignments: number;
    minAssignments: number | null;
    medianAssignments: number | null;
    maxAssignments: number | null;
  };
}

export interface ReportTable {
  title: string;
  header: string[];
  rows: (string | number | null)[][];
}

/**
 * A share as a fraction with 4 decimals; null when there is nothing to divide by.
 *
 * @example
 * fillRate(10, 13); // 0.7692
 * fillRate(0, 0);   // null
 */
export function fillRate(assigned: number, requested: number): number | null {
  return requested === 0 ? null : Math.round((assigned / requested) * 10_000) / 10_000;
}

/**
 * A fraction for German Excel: decimal comma, always 4 places; empty when null.
 *
 * @example
 * germanFraction(0.7692); // "0,7692"
 * germanFraction(1);      // "1,0000"
 */
export function germanFraction(value: number | null): string {
  return value === null ? "" : value.toFixed(4).replace(".", ",");
}

/**
 * A count or median for German Excel: decimal comma, at most one place; empty when null.
 *
 * @example
 * germanNumber(2.5); // "2,5"
 * germanNumber(75);  // "75"
 */
export function germanNumber(value: number | null): string {
  return value === null ? "" : String(Math.round(value * 10) / 10).replace(".", ",");
}

export const ORGANISATION_KIND_DE: Record<string, string> = {
  authority: "Behörde",
  school: "Schule",
  kindergarten: "Kita",
  clinic: "Klinik/Praxis",
  counselling: "Beratungsstelle",
  other: "Sonstige",
};

export const CANCELLED_BY_DE: Record<CancelledByParty, string> = {
  requester: "Anfragende Stelle",
  coordinator: "Poolkoordination",
  interpreter: "Dolmetscher/in (Rückgabe)",
};

export const ALLOWANCE_STATUS_DE: Record<string, string> = {
  pending: "zu prüfen",
  approved: "freigegeben",
  exported: "exportiert",
  paid: "ausgezahlt",
  rejected: "abgelehnt",
};

const FILL_HEADER = ["Angefragt", "Besetzt", "Abgeschlossen", "Unbesetzt", "Offen", "Besetzungsquote"];
const fillCells = (row: FillFigures) => [row.requested, row.assigned, row.completed, row.unfilled, row.pending, germanFraction(row.fillRate)];

/**
 * The report as titled tables with German headers and German number formats, as the CSV file
 * shows them (one table per figure group).
 *
 * @example
 * reportTables(summary)[1]; // { title: "Übersicht", header: ["Kennzahl", "Wert"], rows: [["Buchungen im Zeitraum", 14], …] }
 */
export function reportTables(summary: ReportSummary): ReportTable[] {
  const { totals, cancellations, outcomes, allowances, fairness } = summary;
  return [
    {
      title: "Bericht Dolmetscherpool",
      header: ["Von", "Bis", "Zeitzone"],
      rows: [[formatGermanDate(summary.period.from), formatGermanDate(summary.period.to), summary.period.timeZone]],
    },
    {
      title: "Übersicht",
      header: ["Kennzahl", "Wert"],
      rows: [
        ["Buchungen im Zeitraum", totals.bookings],
        ["Vor der Besetzung zurückgezogen", totals.withdrawn],
        ["Angefragt", totals.requested],
        ["Besetzt", totals.assigned],
        ["Abgeschlossen", totals.completed],
        ["Unbesetzt", totals.unfilled],
        ["Offen", totals.pending],
        ["Besetzungsquote", germanFraction(totals.fillRate)],
      ],
    },
    { title: "Nach Sprache", header: ["Sprache", "Code", ...FILL_HEADER], rows: summary.byLanguage.map((row) => [row.languageName, row.language, ...fillCells(row)]) },
    {
      title: "Nach Organisationsart",
      header: ["Organisationsart", ...FILL_HEADER],
      rows: summary.byOrganisationKind.map((row) => [ORGANISATION_KIND_DE[row.organisationKind] ?? row.organisationKind, ...fillCells(row)]),
    },
    { title: "Nach Gemeinde", header: ["Gemeinde", ...FILL_HEADER], rows: summary.byMunicipality.map((row) => [row.municipality, ...fillCells(row)]) },
    { title: "Nach Monat", header: ["Monat", ...FILL_HEADER], rows: summary.byMonth.map((row) => [row.month, ...fillCells(row)]) },
    {
      title: "Unbesetzte Anfragen nach Sprache",
      header: ["Sprache", "Code", "Unbesetzt", "Angefragt"],
      rows: summary.unfilledByLanguage.map((row) => [row.languageName, row.language, row.unfilled, row.requested]),
    },
    {
      title: "Absagen",
      header: ["Abgesagt von", "Gesamt", "Kurzfristig", "Rechtzeitig"],
      rows: [
        ...cancellations.byWhom.map((row) => [CANCELLED_BY_DE[row.cancelledBy], row.total, row.late, row.notLate]),
        ["Summe", cancellations.total, cancellations.late, cancellations.notLate],
      ],
    },
    {
      title: "Einsatzergebnisse",
      header: ["Ergebnis", "Anzahl"],
      rows: [
        ["Durchgeführt", outcomes.done],
        ["Klient/in nicht erschienen", outcomes.clientNoShow],
        ["Dolmetscher/in nicht erschienen", outcomes.interpreterNoShow],
        ["Abgeschlossen gesamt", outcomes.completed],
      ],
    },
    {
      title: "Zeit von der Anfrage bis zur Besetzung",
      header: ["Besetzte Anfragen", "Median (Minuten)"],
      rows: [[summary.timeToConfirmation.assignments, germanNumber(summary.timeToConfirmation.medianMinutes)]],
    },
    {
      title: "Aufwandsentschädigungen",
      header: ["Status", "Anzahl", "Summe (EUR)"],
      rows: [
        ...allowances.byStatus.map((row) => [ALLOWANCE_STATUS_DE[row.status] ?? row.status, row.count, germanAmount(row.amountCents)]),
        ["Gesamt (ohne abgelehnte)", allowances.count, germanAmount(allowances.amountCents)],
      ],
    },
    {
      title: "Einsätze je Dolmetscher/in",
      header: ["Aktive Dolmetscher/innen", "Ohne Einsatz", "Einsätze gesamt", "Minimum", "Median", "Maximum"],
      rows: [
        [
          fairness.interpreters,
          fairness.withoutAssignment,
          fairness.assignments,
          germanNumber(fairness.minAssignments),
          germanNumber(fairness.medianAssignments),
          germanNumber(fairness.maxAssignments),
        ],
      ],
    },
  ];
}

/**
 * The report as one CSV file for German Excel: UTF-8 with BOM, semicolons, CRLF, decimal comma;
 * each table is a title row, a header row, its rows and an empty row.
 *
 * @example
 * reportCsv(summary).startsWith("\uFEFFBericht Dolmetscherpool\r\nVon;Bis;Zeitzone\r\n"); // true
 */
export function reportCsv(summary: ReportSummary): string {
  const lines = reportTables(summary).flatMap((table) => [[table.title], table.header, ...table.rows, []]);
  return `\uFEFF${semicolonLines(lines)}`;
}
