import { stringify } from "csv-stringify/sync";
import { escapeXml } from "../lib/encoding";
import { formatLocal, toLocal } from "./pool-time";

/**
 * Cents as German Excel reads them: decimal comma, no thousands separator.
 *
 * @example
 * germanAmount(123456); // "1234,56"
 */
export function germanAmount(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, "0")}`;
}

/** Cents as SEPA XML wants them: decimal point, two places. */
export function sepaAmount(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

/** Semicolon-separated lines (CRLF), quoted where needed: what German Excel and DATEV read. */
export function semicolonLines(rows: (string | number | null)[][]): string {
  return stringify(rows.map((row) => row.map((cell) => (cell === null ? "" : String(cell)))), { delimiter: ";", record_delimiter: "\r\n" });
}

/**
 * One cell as `semicolonLines` writes it, for files built line by line (a million rows through
 * the CSV library cost seconds): quoted when it holds a semicolon, a quote or a CRLF
 * (csv-stringify's rules with our options: a lone CR or LF is left as it is), quotes doubled.
 *
 * @example
 * csvCell('KST "Süd"; 1'); // '"KST ""Süd""; 1"'
 */
export function csvCell(value: string): string {
  if (value.includes('"')) return `"${value.replaceAll('"', '""')}"`;
  return value.includes(";") || value.includes("\r\n") ? `"${value}"` : value;
}

const QUARTER_HOUR_MS = 900_000;

/**
 * `germanDate` for long runs of instants (export rows), remembered per UTC quarter hour: the
 * pool's zone is a whole number of hours off UTC and changes it on the hour, so neither its
 * midnight nor its offset falls inside a quarter hour, and the date is the same for all of it.
 *
 * @example
 * const dateOf = germanDates();
 * dateOf(Date.parse("2026-11-24T08:00:00Z")); // "24.11.2026"
 */
export function germanDates(): (epochMs: number) => string {
  const remembered = new Map<number, string>();
  return (epochMs) => {
    const slot = Math.floor(epochMs / QUARTER_HOUR_MS);
    let text = remembered.get(slot);
    if (text === undefined) {
      if (remembered.size >= 10_000) remembered.clear();
      text = germanDate(new Date(slot * QUARTER_HOUR_MS));
      remembered.set(slot, text);
    }
    return text;
  };
}

/** "24.11.2026" in the pool's time zone. */
export function germanDate(instant: Date): string {
  const local = toLocal(instant);
  return `${String(local.day).padStart(2, "0")}.${String(local.month).padStart(2, "0")}.${local.year}`;
}

export interface DatevHeader {
  consultantNumber: number;
  clientNumber: number;
  createdAt: Date;
  /** First and last service date of the batch. */
  from: Date;
  to: Date;
  description: string;
}

const compactDate = (instant: Date) => toLocal(instant).date.replace(/-/g, "");

/**
 * The EXTF header line of a DATEV "Buchungsstapel" (format category 21, version 13) and its
 * column line; the rows follow with `datevRow`.
 */
export function datevHeader(header: DatevHeader): string {
  // "Erzeugt am": local time, as DATEV shows it to the bookkeeper.
  const created = formatLocal(header.createdAt, "yyyyMMddHHmmssSSS");
  const fiscalYearStart = `${toLocal(header.from).year}0101`;
  // DATEV reads the header's text fields in double quotes only ("EXTF";700;21;"Buchungsstapel";…).
  const text = (value: string) => `"${value.replace(/"/g, '""')}"`;
  const line = [
    text("EXTF"), 700, 21, text("Buchungsstapel"), 13, created, "", "", "", "", header.consultantNumber, header.clientNumber,
    fiscalYearStart, 4, compactDate(header.from), compactDate(header.to), text(header.description.slice(0, 30)), "", 1, 0, 0, text("EUR"),
  ];
  return `${line.join(";")}\r\n${semicolonLines([[...DATEV_COLUMNS]])}`;
}

export const DATEV_COLUMNS = [
  "Umsatz (ohne Soll/Haben-Kz)",
  "Soll/Haben-Kennzeichen",
  "WKZ Umsatz",
  "Kurs",
  "Basis-Umsatz",
  "WKZ Basis-Umsatz",
  "Konto",
  "Gegenkonto (ohne BU-Schlüssel)",
  "BU-Schlüssel",
  "Belegdatum",
  "Belegfeld 1",
  "Belegfeld 2",
  "Skonto",
  "Buchungstext",
] as const;

export interface DatevBooking {
  amountCents: number;
  account: string;
  contraAccount: string;
  date: Date;
  document: string;
  text: string;
}

/**
 * One booking line: debit the expense account, credit the contra account (e.g. the bank). Written
 * cell by cell with `csvCell` (a million lines per file): the same bytes as `semicolonLines`.
 *
 * @example
 * datevRow({ amountCents: 1500, account: "6300", contraAccount: "1800", date, document: "4711", text: "…" }); // "15,00;S;EUR;;;;6300;1800;;2411;4711;;;…\r\n"
 */
export function datevRow(booking: DatevBooking): string {
  const date = toLocal(booking.date);
  const day = `${String(date.day).padStart(2, "0")}${String(date.month).padStart(2, "0")}`;
  return (
    `${germanAmount(booking.amountCents)};S;EUR;;;;${csvCell(booking.account)};${csvCell(booking.contraAccount)};;` +
    `${day};${csvCell(booking.document.slice(0, 36))};;;${csvCell(booking.text.slice(0, 60))}\r\n`
  );
}

/** SEPA allows a restricted Latin set: umlauts are written out, the rest replaced. */
export function sepaText(text: string, max = 70): string {
  return text
    .replace(/Ä/g, "Ae").replace(/Ö/g, "Oe").replace(/Ü/g, "Ue").replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue").replace(/ß/g, "ss")
    .normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9/\-?:().,'+ ]/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, max);
}

export interface SepaHead {
  messageId: string;
  createdAt: Date;
  count: number;
  totalCents: number;
  debtorName: string;
  debtorIban: string;
  debtorBic: string | null;
  executionDate: string;
}

/** The start of a pain.001.001.09 credit transfer, up to the first transaction. */
export function sepaHead(head: SepaHead): string {
  // ISODateTime without an offset is local time to the bank.
  const created = formatLocal(head.createdAt, "yyyy-MM-dd'T'HH:mm:ss");
  const agent = head.debtorBic ? `<BICFI>${escapeXml(head.debtorBic)}</BICFI>` : "<Othr><Id>NOTPROVIDED</Id></Othr>";
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">\n<CstmrCdtTrfInitn>\n` +
    `<GrpHdr><MsgId>${escapeXml(head.messageId)}</MsgId><CreDtTm>${created}</CreDtTm><NbOfTxs>${head.count}</NbOfTxs><CtrlSum>${sepaAmount(head.totalCents)}</CtrlSum>` +
    `<InitgPty><Nm>${escapeXml(sepaText(head.debtorName))}</Nm></InitgPty></GrpHdr>\n` +
    `<PmtInf><PmtInfId>${escapeXml(head.messageId)}</PmtInfId><PmtMtd>TRF</PmtMtd><BtchBookg>true</BtchBookg><NbOfTxs>${head.count}</NbOfTxs><CtrlSum>${sepaAmount(head.totalCents)}</CtrlSum>` +
    `<PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf><ReqdExctnDt><Dt>${head.executionDate}</Dt></ReqdExctnDt>` +
    `<Dbtr><Nm>${escapeXml(sepaText(head.debtorName))}</Nm></Dbtr><DbtrAcct><Id><IBAN>${escapeXml(head.debtorIban)}</IBAN></Id></DbtrAcct>` +
    `<DbtrAgt><FinInstnId>${agent}</FinInstnId></DbtrAgt><ChrgBr>SLEV</ChrgBr>\n`
  );
}

export interface SepaTransfer {
  endToEndId: string;
  amountCents: number;
  creditorName: string;
  creditorIban: string;
  remittance: string;
}

export function sepaTransfer(transfer: SepaTransfer): string {
  return (
    `<CdtTrfTxInf><PmtId><EndToEndId>${escapeXml(sepaText(transfer.endToEndId, 35))}</EndToEndId></PmtId>` +
    `<Amt><InstdAmt Ccy="EUR">${sepaAmount(transfer.amountCents)}</InstdAmt></Amt>` +
    `<Cdtr><Nm>${escapeXml(sepaText(transfer.creditorName))}</Nm></Cdtr><CdtrAcct><Id><IBAN>${escapeXml(transfer.creditorIban)}</IBAN></Id></CdtrAcct>` +
    `<RmtInf><Ustrd>${escapeXml(sepaText(transfer.remittance, 140))}</Ustrd></RmtInf></CdtTrfTxInf>\n`
  );
}

export const SEPA_TAIL = "</PmtInf>\n</CstmrCdtTrfInitn>\n</Document>\n";
