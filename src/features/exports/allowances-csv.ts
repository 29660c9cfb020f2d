import type { Config } from "../../config/config";
import type { Database } from "../../db/database";
import { csvCell, germanAmount, germanDates, semicolonLines } from "../../domain/finance-formats";
import { yearlyCapCents } from "../allowances/allowances.service";
import { BATCH_COLUMN as COLUMN, BATCH_PAGE, batchPages, organisationsById, serviceMsOf, yearStarts } from "./batch-rows";

export const OUTCOME_DE: Record<string, string> = {
  done: "durchgeführt",
  client_no_show: "Klient/in nicht erschienen",
  interpreter_no_show: "Dolmetscher/in nicht erschienen",
  late_cancellation: "kurzfristig abgesagt",
};

const HEADER = ["Dolmetscher/in", "IBAN", "Einsatz-Nr.", "Datum", "Organisation", "Kostenstelle", "Ergebnis", "Betrag (EUR)", "Über Jahresgrenze"];

/**
 * `allowances.csv`: one line per allowance in service order, with the running year total
 * against the cap. A file of a million lines is written as text line by line, with the cells
 * that repeat (person, organisation, outcome, date) escaped once: `semicolonLines` per row cost
 * more than reading the rows. The bytes are the same as `semicolonLines` writes.
 *
 * @example
 * for await (const text of allowancesCsv(db, config, batch.id)) response.write(text);
 */
export async function* allowancesCsv(db: Database, config: Config, batchId: string, pageSize = BATCH_PAGE): AsyncGenerator<string> {
  // Started first: the first page is read while the year totals are summed.
  const pages = batchPages(db, batchId, pageSize);
  const first = pages.next();
  first.catch(() => {});
  // However the file ends (written out, broken off, failed), the page reader is closed: on a
  // PostgreSQL server it holds a connection with a cursor (`Database.textCursor`).
  try {
    // Per interpreter: the name and IBAN cells, and the running total per year (what came before
    // this batch, then this batch in service order).
    const people = new Map<string, { cells: string; running: Map<number, number> }>();
    for (const start of await yearStarts(db, batchId)) {
      let person = people.get(start.interpreterId);
      if (!person) people.set(start.interpreterId, (person = { cells: `${csvCell(start.name)};${csvCell(start.iban ?? "")};`, running: new Map() }));
      person.running.set(start.year, start.beforeCents);
    }
    const places = new Map<string, string>();
    const outcomes = new Map(Object.entries(OUTCOME_DE).map(([outcome, text]) => [outcome, `${csvCell(text)};`]));
    const caps = new Map<number, number | null>();
    const dateOf = germanDates();
    // The first page before the first line: the route makes the first chunk before answering, so
    // a database that cannot serve the file (no cursor connection in time) is a 503, not a file
    // broken off after its header.
    let page = await first;
    yield semicolonLines([HEADER]);
    for (; !page.done; page = await pages.next()) {
      const rows = page.value;
      const unknown = [...new Set(rows.map((row) => row[COLUMN.organisationId]!).filter((id) => !places.has(id)))];
      for (const id of unknown) places.set(id, ";;;");
      for (const [id, place] of await organisationsById(db, unknown)) places.set(id, `;${csvCell(place.name)};${csvCell(place.costCentre)};`);
      let text = "";
      // Raw rows (see BATCH_COLUMN), read in place: no object per row.
      for (const row of rows) {
        const interpreterId = row[COLUMN.interpreterId]!;
        const year = Number(row[COLUMN.year]);
        const amountCents = Number(row[COLUMN.amountCents]);
        let person = people.get(interpreterId);
        if (!person) people.set(interpreterId, (person = { cells: ";;", running: new Map() }));
        const after = (person.running.get(year) ?? 0) + amountCents;
        person.running.set(year, after);
        let cap = caps.get(year);
        if (cap === undefined) caps.set(year, (cap = yearlyCapCents(config.ALLOWANCE_YEARLY_CAPS, year)));
        const outcome = outcomes.get(row[COLUMN.outcome]!) ?? `${csvCell(row[COLUMN.outcome]!)};`;
        text += `${person.cells}${csvCell(row[COLUMN.code]!)};${dateOf(serviceMsOf(row))}${places.get(row[COLUMN.organisationId]!)}${outcome}${germanAmount(amountCents)};${cap !== null && after > cap ? "ja" : "nein"}\r\n`;
      }
      yield text;
    }
  } finally {
    await pages.return(undefined);
  }
}
