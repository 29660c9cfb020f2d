import type { Config } from "../../config/config";
import type { Database } from "../../db/database";
import { csvCell, germanAmount, germanDates, semicolonLines } from "../../domain/finance-formats";
import { yearlyCapCents } from "../allowances/allowances.service";
import { BATCH_PAGE, batchRows, organisationsById, yearStarts } from "./batch-rows";

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
  const pages = batchRows(db, batchId, pageSize);
  const first = pages.next();
  first.catch(() => {});
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
  yield semicolonLines([HEADER]);
  for (let page = await first; !page.done; page = await pages.next()) {
    const rows = page.value;
    const unknown = [...new Set(rows.map((row) => row.organisationId).filter((id) => !places.has(id)))];
    for (const id of unknown) places.set(id, ";;;");
    for (const [id, place] of await organisationsById(db, unknown)) places.set(id, `;${csvCell(place.name)};${csvCell(place.costCentre)};`);
    let text = "";
    for (const row of rows) {
      let person = people.get(row.interpreterId);
      if (!person) people.set(row.interpreterId, (person = { cells: ";;", running: new Map() }));
      const after = (person.running.get(row.year) ?? 0) + row.amountCents;
      person.running.set(row.year, after);
      let cap = caps.get(row.year);
      if (cap === undefined) caps.set(row.year, (cap = yearlyCapCents(config.ALLOWANCE_YEARLY_CAPS, row.year)));
      const outcome = outcomes.get(row.outcome) ?? `${csvCell(row.outcome)};`;
      text += `${person.cells}${csvCell(row.code)};${dateOf(row.serviceMs)}${places.get(row.organisationId)}${outcome}${germanAmount(row.amountCents)};${cap !== null && after > cap ? "ja" : "nein"}\r\n`;
    }
    yield text;
  }
}
