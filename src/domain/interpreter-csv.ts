import { parse } from "csv-parse/sync";

/** One data line of an interpreter CSV, mapped to the fields of the API (only columns the file has). */
export interface CsvRecord {
  /** Line in the file (the header is line 1), as a spreadsheet shows it. */
  line: number;
  values: Record<string, unknown>;
}

export interface CsvProblem {
  row: number;
  field: string;
  message: string;
}

const COLUMN_ALIASES: Record<string, string> = {
  name: "name", "vorname nachname": "name",
  phone: "phone", telefon: "phone", mobil: "phone", handy: "phone", handynummer: "phone",
  email: "email", "e-mail": "email",
  languages: "languages", sprachen: "languages",
  gender: "gender", geschlecht: "gender",
  qualification: "qualification", qualifikation: "qualification",
  trainings: "trainings", schulungen: "trainings",
  modes: "modes", einsatzarten: "modes",
  homepostcode: "homePostcode", plz: "homePostcode",
  maxtravelkm: "maxTravelKm", "max km": "maxTravelKm",
  maxassignmentspermonth: "maxAssignmentsPerMonth", "max einsätze pro monat": "maxAssignmentsPerMonth",
  iban: "iban",
  smsconsent: "smsConsent", "sms-einwilligung": "smsConsent",
  active: "active", aktiv: "active",
};
const REQUIRED_COLUMNS = ["name", "phone", "languages"];

const LEVEL_ALIASES: Record<string, string> = {
  native: "native", muttersprache: "native", ms: "native",
  fluent: "fluent", "fließend": "fluent", fliessend: "fluent",
  basic: "basic", grundkenntnisse: "basic",
};
const MODE_ALIASES: Record<string, string> = {
  onsite: "onsite", "vor ort": "onsite", "präsenz": "onsite",
  phone: "phone", telefon: "phone", video: "video",
};
const GENDER_ALIASES: Record<string, string> = {
  female: "female", weiblich: "female", w: "female", f: "female",
  male: "male", "männlich": "male", m: "male",
  diverse: "diverse", divers: "diverse", d: "diverse",
};
const QUALIFICATION_ALIASES: Record<string, string> = {
  volunteer: "volunteer", ehrenamtlich: "volunteer",
  trained: "trained", geschult: "trained",
  certified: "certified", zertifiziert: "certified",
};
const TRUE_WORDS = new Set(["true", "1", "ja", "yes", "x", "j", "y"]);
const FALSE_WORDS = new Set(["false", "0", "nein", "no", "n"]);

const LIST_SEPARATOR = /\s*[|,;]\s*/;
// "ar", "ar:native", "ar (levantinisch): Muttersprache", "ar(levantinisch) native"
const LANGUAGE_ENTRY = /^([a-z]{2,3})\s*(?:\(([^)]*)\))?\s*(?::?\s*(.+))?$/i;
// "Titel (2026-03-14)" or "Titel (14.03.2026)"
const TRAINING_ENTRY = /^(.+?)\s*\((\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})\)$/;

type CellParser = (cell: string, report: (message: string) => void) => unknown;

const byAlias = (aliases: Record<string, string>, what: string): CellParser => (cell, report) => {
  const value = aliases[cell.toLowerCase()];
  if (!value) report(`Unknown ${what} '${cell}' (allowed: ${[...new Set(Object.values(aliases))].join(", ")})`);
  return value ?? cell;
};

const PARSERS: Record<string, CellParser> = {
  languages: (cell, report) =>
    cell.split(LIST_SEPARATOR).filter(Boolean).map((entry) => {
      const match = LANGUAGE_ENTRY.exec(entry);
      if (!match) {
        report(`Cannot read language '${entry}'; write e.g. ar (levantinisch): native`);
        return { code: entry, level: "fluent" };
      }
      const level = match[3] ? LEVEL_ALIASES[match[3].trim().toLowerCase()] : "fluent";
      if (!level) report(`Unknown level '${match[3]}' (native, fluent, basic)`);
      return { code: match[1], dialect: match[2]?.trim() || null, level: level ?? match[3] };
    }),
  modes: (cell, report) => cell.split(LIST_SEPARATOR).filter(Boolean).map((mode) => byAlias(MODE_ALIASES, "mode")(mode, report)),
  gender: byAlias(GENDER_ALIASES, "gender"),
  qualification: byAlias(QUALIFICATION_ALIASES, "qualification"),
  trainings: (cell, report) =>
    cell.split("|").map((entry) => entry.trim()).filter(Boolean).map((entry) => {
      const match = TRAINING_ENTRY.exec(entry);
      if (!match) report(`Cannot read training '${entry}'; write e.g. Grundkurs (2026-03-14)`);
      return { title: match?.[1] ?? entry, date: match ? isoDate(match[2]!) : "" };
    }),
  maxTravelKm: integer,
  maxAssignmentsPerMonth: integer,
  smsConsent: boolean,
  active: boolean,
};

// Empty cells: clear the optional fields, leave the others to their defaults (or to "required").
const EMPTY_MEANS_NULL = new Set(["email", "gender", "homePostcode", "maxTravelKm", "maxAssignmentsPerMonth", "iban"]);

function integer(cell: string): unknown {
  return /^\d+$/.test(cell) ? Number(cell) : cell;
}

function boolean(cell: string, report: (message: string) => void): unknown {
  const word = cell.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  report(`'${cell}' is neither ja nor nein`);
  return cell;
}

function isoDate(date: string): string {
  const german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(date);
  return german ? `${german[3]}-${german[2]!.padStart(2, "0")}-${german[1]!.padStart(2, "0")}` : date;
}

/** German Excel writes `;`, most other tools `,`: the header line tells which. */
function sniffDelimiter(text: string): string {
  const header = text.split(/\r?\n/, 1)[0] ?? "";
  return (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ";" : ",";
}

/**
 * Reads an interpreter CSV (`;` or `,`, optional BOM, header names in English or German) into
 * records with the API's field names, and every problem with its line and field.
 *
 * @example
 * parseInterpreterCsv("name;phone;languages\nAmina Haddad;0151 23456789;ar (levantinisch): native");
 * // { records: [{ line: 2, values: { name: "Amina Haddad", phone: "0151 23456789", languages: [...] } }], problems: [] }
 */
export function parseInterpreterCsv(text: string): { records: CsvRecord[]; problems: CsvProblem[] } {
  const problems: CsvProblem[] = [];
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { bom: true, delimiter: sniffDelimiter(text.replace(/^\uFEFF/, "")), info: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as unknown as typeof rows;
  } catch (error) {
    return { records: [], problems: [{ row: 1, field: "(file)", message: `Not a readable CSV file: ${(error as Error).message}` }] };
  }
  const [header, ...data] = rows;
  if (!header) return { records: [], problems: [{ row: 1, field: "(file)", message: "The file is empty" }] };

  const fields = header.record.map((column) => COLUMN_ALIASES[column.toLowerCase().replace(/[_\s]+/g, " ").trim()] ?? COLUMN_ALIASES[column.toLowerCase().replace(/[_\s-]+/g, "")]);
  header.record.forEach((column, index) => {
    if (!fields[index]) problems.push({ row: 1, field: column, message: `Unknown column '${column}'` });
  });
  for (const required of REQUIRED_COLUMNS) {
    if (!fields.includes(required)) problems.push({ row: 1, field: required, message: `The column '${required}' is missing` });
  }
  if (problems.length > 0) return { records: [], problems };
  if (data.length === 0) return { records: [], problems: [{ row: 1, field: "(file)", message: "The file has no data rows" }] };

  const records = data.map(({ record, info }) => {
    const values: Record<string, unknown> = {};
    fields.forEach((field, index) => {
      if (!field) return;
      const cell = record[index] ?? "";
      if (cell === "") {
        if (EMPTY_MEANS_NULL.has(field)) values[field] = null;
        return;
      }
      const parser = PARSERS[field];
      values[field] = parser ? parser(cell, (message) => problems.push({ row: info.lines, field, message })) : cell;
    });
    if (record.length > fields.length) {
      problems.push({ row: info.lines, field: "(row)", message: `The row has ${record.length} cells, the header ${fields.length}` });
    }
    return { line: info.lines, values };
  });
  return { records, problems };
}
