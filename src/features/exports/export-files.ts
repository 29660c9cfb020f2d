import iconv from "iconv-lite";
import type { Config } from "../../config/config";
import type { Database } from "../../db/database";
import { datevHeader, datevRow, germanAmount, germanDate, semicolonLines, SEPA_TAIL, sepaHead, sepaTransfer } from "../../domain/finance-formats";
import { normaliseIban } from "../../domain/iban";
import type { ExportBatch } from "../../generated/prisma/client";
import { ApiError } from "../../lib/api-error";
import { yearlyCapCents } from "../allowances/allowances.service";
import { allowancesCsv } from "./allowances-csv";
import { batchRows, interpreterSums, organisationSums, yearStarts } from "./batch-rows";

const PAGE = 1000;

export const EXPORT_FILES = ["allowances.csv", "summary.csv", "recharge.csv", "datev.csv", "sepa.xml"] as const;
export type ExportFile = (typeof EXPORT_FILES)[number];

interface FileDeps {
  db: Database;
  config: Config;
}

/** A file as a stream of bytes: generated page by page, so memory stays flat however big the batch. */
export function streamOf(chunks: AsyncIterable<string>, encoding: "utf8-bom" | "windows-1252" | "utf8"): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  let first = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) {
        controller.close();
        return;
      }
      let text = value;
      if (first && encoding === "utf8-bom") text = `\uFEFF${text}`;
      first = false;
      controller.enqueue(encoding === "windows-1252" ? new Uint8Array(iconv.encode(text, "win1252")) : new TextEncoder().encode(text));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

export function exportFiles({ db, config }: FileDeps) {
  const { prisma } = db;

  async function* summaryCsv(batch: ExportBatch) {
    const starts = await yearStarts(db, batch.id);
    yield semicolonLines([["Dolmetscher/in", "IBAN", "Jahr", "Anzahl", "Summe (EUR)", "Jahr bisher (EUR)", "Jahresgrenze (EUR)", "Über Jahresgrenze"]]);
    const rows = starts
      .map((start) => ({ ...start, yearToDate: start.totalCents ?? start.batchCents }))
      .sort((a, b) => a.name.localeCompare(b.name, "de") || a.year - b.year);
    yield semicolonLines(
      rows.map((row) => {
        const cap = yearlyCapCents(config.ALLOWANCE_YEARLY_CAPS, row.year);
        return [row.name, row.iban ?? "", row.year, row.batchCount, germanAmount(row.batchCents), germanAmount(row.yearToDate), cap === null ? "" : germanAmount(cap), cap !== null && row.yearToDate > cap ? "ja" : "nein"];
      }),
    );
  }

  async function* rechargeCsv(batch: ExportBatch) {
    const groups = await organisationSums(db, batch.id);
    yield semicolonLines([["Organisation", "Kostenstelle", "Gemeinde", "Anzahl", "Summe (EUR)"]]);
    const rows = groups.sort((a, b) => a.costCentre.localeCompare(b.costCentre) || a.name.localeCompare(b.name, "de"));
    yield semicolonLines(rows.map((row) => [row.name, row.costCentre, row.municipality, row.count, germanAmount(row.cents)]));
  }

  async function* datevCsv(batch: ExportBatch) {
    const interpreters = new Map((await interpreterSums(db, batch.id)).map(({ person }) => [person.id, person]));
    const range = await prisma.allowance.aggregate({ where: { exportBatchId: batch.id }, _min: { serviceDate: true }, _max: { serviceDate: true } });
    // The first page before the header: a database that cannot serve the rows (no cursor
    // connection in time) is then an error response, not a file broken off after its header.
    // However the file ends, the page reader is closed (it may hold a cursor's connection).
    const pages = batchRows(db, batch.id);
    try {
      let page = await pages.next();
      yield datevHeader({
        consultantNumber: config.DATEV_CONSULTANT_NUMBER,
        clientNumber: config.DATEV_CLIENT_NUMBER,
        createdAt: batch.createdAt,
        from: range._min.serviceDate ?? batch.createdAt,
        to: range._max.serviceDate ?? batch.createdAt,
        description: "Aufwandsentschaedigungen",
      });
      for (; !page.done; page = await pages.next()) {
        yield page.value
          .filter((row) => row.amountCents > 0)
          .map((row) =>
            datevRow({
              amountCents: row.amountCents,
              account: config.DATEV_EXPENSE_ACCOUNT,
              contraAccount: config.DATEV_CONTRA_ACCOUNT,
              date: new Date(row.serviceMs),
              document: row.code,
              text: `Aufwandsentschädigung ${interpreters.get(row.interpreterId)?.name ?? ""} ${row.code}`,
            }),
          )
          .join("");
      }
    } finally {
      await pages.return(undefined);
    }
  }

  async function* sepaXml(batch: ExportBatch) {
    if (!config.SEPA_DEBTOR_IBAN) throw new ApiError("CONFLICT", "Set SEPA_DEBTOR_IBAN (the pool's account) to create SEPA files.");
    const payable = (await interpreterSums(db, batch.id)).flatMap(({ person, cents }) => {
      const iban = person.iban ? normaliseIban(person.iban) : null;
      return iban && cents > 0 ? [{ person, iban, cents }] : [];
    });
    const created = batch.createdAt;
    yield sepaHead({
      messageId: `DP-${batch.id.replace(/-/g, "").slice(0, 30)}`,
      createdAt: created,
      count: payable.length,
      totalCents: payable.reduce((sum, row) => sum + row.cents, 0),
      debtorName: config.SEPA_DEBTOR_NAME,
      debtorIban: config.SEPA_DEBTOR_IBAN,
      debtorBic: config.SEPA_DEBTOR_BIC ?? null,
      executionDate: created.toISOString().slice(0, 10),
    });
    for (let start = 0; start < payable.length; start += PAGE) {
      yield payable
        .slice(start, start + PAGE)
        .map((row) =>
          sepaTransfer({
            endToEndId: `DP${batch.id.replace(/-/g, "").slice(0, 12)}${row.person.id.replace(/-/g, "").slice(-12)}`,
            amountCents: row.cents,
            creditorName: row.person.name,
            creditorIban: row.iban,
            remittance: `Aufwandsentschaedigung Dolmetscherpool ${germanDate(created)}`,
          }),
        )
        .join("");
    }
    yield SEPA_TAIL;
  }

  return {
    /** The generator and content type of one file of a batch. */
    file(batch: ExportBatch, name: ExportFile): { chunks: AsyncIterable<string>; contentType: string; encoding: "utf8-bom" | "windows-1252" | "utf8" } {
      switch (name) {
        case "allowances.csv":
          return { chunks: allowancesCsv(db, config, batch.id), contentType: "text/csv; charset=utf-8", encoding: "utf8-bom" };
        case "summary.csv":
          return { chunks: summaryCsv(batch), contentType: "text/csv; charset=utf-8", encoding: "utf8-bom" };
        case "recharge.csv":
          return { chunks: rechargeCsv(batch), contentType: "text/csv; charset=utf-8", encoding: "utf8-bom" };
        case "datev.csv":
          return { chunks: datevCsv(batch), contentType: "text/csv; charset=windows-1252", encoding: "windows-1252" };
        case "sepa.xml":
          return { chunks: sepaXml(batch), contentType: "application/xml; charset=utf-8", encoding: "utf8" };
      }
    },
  };
}
