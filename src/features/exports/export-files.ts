import iconv from "iconv-lite";
import type { Config } from "../../config/config";
import type { Database } from "../../db/database";
import { datevHeader, datevRow, germanAmount, germanDate, semicolonLines, SEPA_TAIL, sepaHead, sepaTransfer } from "../../domain/finance-formats";
import { normaliseIban } from "../../domain/iban";
import { Prisma, type ExportBatch } from "../../generated/prisma/client";
import { ApiError } from "../../lib/api-error";
import { yearlyCapCents } from "../allowances/allowances.service";

const PAGE = 1000;
const OUTCOME_DE: Record<string, string> = { done: "durchgeführt", client_no_show: "Klient/in nicht erschienen", interpreter_no_show: "Dolmetscher/in nicht erschienen", late_cancellation: "kurzfristig abgesagt" };
const COUNTING = ["pending", "approved", "exported", "paid"] as const;

export const EXPORT_FILES = ["allowances.csv", "summary.csv", "recharge.csv", "datev.csv", "sepa.xml"] as const;
export type ExportFile = (typeof EXPORT_FILES)[number];

interface PageRow {
  id: string;
  interpreterId: string;
  organisationId: string;
  serviceDate: Date | string;
  year: number;
  amountCents: number;
  outcome: string;
  code: string;
}

type ExportRow = Omit<PageRow, "serviceDate"> & { serviceDate: Date; booking: { code: string } };

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

  /**
   * The batch's allowances in service order, a page at a time. Keyset pagination on
   * (serviceDate, id) walks the (exportBatchId, serviceDate, id) index: each page costs the same,
   * where an offset-like cursor re-read and re-sorted the whole batch for every page.
   */
  async function* pages(batchId: string): AsyncGenerator<ExportRow[]> {
    let after: { serviceDate: Date; id: string } | null = null;
    for (;;) {
      const next: Prisma.Sql = after ? Prisma.sql`AND (a."serviceDate", a."id") > (${after.serviceDate}::timestamptz, ${after.id}::uuid)` : Prisma.empty;
      const found: PageRow[] = await prisma.$queryRaw<PageRow[]>`
        SELECT a."id"::text AS "id", a."interpreterId"::text AS "interpreterId", a."organisationId"::text AS "organisationId",
               a."serviceDate", a."year", a."amountCents", a."outcome", b."code"
        FROM "Allowance" a JOIN "Booking" b ON b."id" = a."bookingId"
        WHERE a."exportBatchId" = ${batchId}::uuid ${next}
        ORDER BY a."serviceDate", a."id"
        LIMIT ${PAGE}`;
      if (found.length === 0) return;
      const rows: ExportRow[] = found.map((row) => ({ ...row, serviceDate: new Date(row.serviceDate), booking: { code: row.code } }));
      yield rows;
      if (rows.length < PAGE) return;
      const last = rows[rows.length - 1]!;
      after = { serviceDate: last.serviceDate, id: last.id };
    }
  }

  async function peopleAndPlaces(batchId: string) {
    const [interpreterIds, organisationIds] = await Promise.all([
      prisma.allowance.groupBy({ by: ["interpreterId"], where: { exportBatchId: batchId } }),
      prisma.allowance.groupBy({ by: ["organisationId"], where: { exportBatchId: batchId } }),
    ]);
    const interpreters = await prisma.interpreter.findMany({ where: { id: { in: interpreterIds.map((row) => row.interpreterId) } }, select: { id: true, name: true, iban: true } });
    const organisations = await prisma.organisation.findMany({
      where: { id: { in: organisationIds.map((row) => row.organisationId) } },
      select: { id: true, name: true, costCentre: true, municipality: true },
    });
    return { interpreters: new Map(interpreters.map((row) => [row.id, row])), organisations: new Map(organisations.map((row) => [row.id, row])) };
  }

  /** Per interpreter and year: what counts against the cap outside this batch, and in total. */
  async function yearTotals(batchId: string) {
    const people = await prisma.allowance.groupBy({ by: ["interpreterId", "year"], where: { exportBatchId: batchId } });
    const totals = await prisma.allowance.groupBy({
      by: ["interpreterId", "year"],
      where: { interpreterId: { in: [...new Set(people.map((row) => row.interpreterId))] }, year: { in: [...new Set(people.map((row) => row.year))] }, status: { in: [...COUNTING] } },
      _sum: { amountCents: true },
    });
    const inBatch = await prisma.allowance.groupBy({ by: ["interpreterId", "year"], where: { exportBatchId: batchId }, _sum: { amountCents: true }, _count: { _all: true } });
    const key = (interpreterId: string, year: number) => `${interpreterId}|${year}`;
    const total = new Map(totals.map((row) => [key(row.interpreterId, row.year), row._sum.amountCents ?? 0]));
    const batch = new Map(inBatch.map((row) => [key(row.interpreterId, row.year), { cents: row._sum.amountCents ?? 0, count: row._count._all }]));
    return { key, total, batch };
  }

  async function* allowancesCsv(batch: ExportBatch) {
    const { interpreters, organisations } = await peopleAndPlaces(batch.id);
    const { key, total, batch: inBatch } = await yearTotals(batch.id);
    // Running year totals: what came before this batch, then this batch in service order.
    const running = new Map<string, number>();
    yield semicolonLines([["Dolmetscher/in", "IBAN", "Einsatz-Nr.", "Datum", "Organisation", "Kostenstelle", "Ergebnis", "Betrag (EUR)", "Über Jahresgrenze"]]);
    for await (const rows of pages(batch.id)) {
      yield semicolonLines(
        rows.map((row) => {
          const k = key(row.interpreterId, row.year);
          const before = running.get(k) ?? (total.get(k) ?? 0) - (inBatch.get(k)?.cents ?? 0);
          const after = before + row.amountCents;
          running.set(k, after);
          const cap = yearlyCapCents(config.ALLOWANCE_YEARLY_CAPS, row.year);
          const person = interpreters.get(row.interpreterId);
          const organisation = organisations.get(row.organisationId);
          return [
            person?.name ?? "",
            person?.iban ?? "",
            row.booking.code,
            germanDate(row.serviceDate),
            organisation?.name ?? "",
            organisation?.costCentre ?? "",
            OUTCOME_DE[row.outcome] ?? row.outcome,
            germanAmount(row.amountCents),
            cap !== null && after > cap ? "ja" : "nein",
          ];
        }),
      );
    }
  }

  async function* summaryCsv(batch: ExportBatch) {
    const { interpreters } = await peopleAndPlaces(batch.id);
    const { total, batch: inBatch } = await yearTotals(batch.id);
    yield semicolonLines([["Dolmetscher/in", "IBAN", "Jahr", "Anzahl", "Summe (EUR)", "Jahr bisher (EUR)", "Jahresgrenze (EUR)", "Über Jahresgrenze"]]);
    const rows = [...inBatch.entries()]
      .map(([k, value]) => {
        const [interpreterId, year] = k.split("|") as [string, string];
        return { interpreterId, year: Number(year), ...value, yearToDate: total.get(k) ?? value.cents };
      })
      .sort((a, b) => (interpreters.get(a.interpreterId)?.name ?? "").localeCompare(interpreters.get(b.interpreterId)?.name ?? "", "de") || a.year - b.year);
    yield semicolonLines(
      rows.map((row) => {
        const cap = yearlyCapCents(config.ALLOWANCE_YEARLY_CAPS, row.year);
        const person = interpreters.get(row.interpreterId);
        return [person?.name ?? "", person?.iban ?? "", row.year, row.count, germanAmount(row.cents), germanAmount(row.yearToDate), cap === null ? "" : germanAmount(cap), cap !== null && row.yearToDate > cap ? "ja" : "nein"];
      }),
    );
  }

  async function* rechargeCsv(batch: ExportBatch) {
    const { organisations } = await peopleAndPlaces(batch.id);
    const groups = await prisma.allowance.groupBy({ by: ["organisationId"], where: { exportBatchId: batch.id }, _sum: { amountCents: true }, _count: { _all: true } });
    yield semicolonLines([["Organisation", "Kostenstelle", "Gemeinde", "Anzahl", "Summe (EUR)"]]);
    const rows = groups
      .map((group) => ({ organisation: organisations.get(group.organisationId), count: group._count._all, cents: group._sum.amountCents ?? 0 }))
      .sort((a, b) => (a.organisation?.costCentre ?? "").localeCompare(b.organisation?.costCentre ?? "") || (a.organisation?.name ?? "").localeCompare(b.organisation?.name ?? "", "de"));
    yield semicolonLines(rows.map((row) => [row.organisation?.name ?? "", row.organisation?.costCentre ?? "", row.organisation?.municipality ?? "", row.count, germanAmount(row.cents)]));
  }

  async function* datevCsv(batch: ExportBatch) {
    const { interpreters } = await peopleAndPlaces(batch.id);
    const range = await prisma.allowance.aggregate({ where: { exportBatchId: batch.id }, _min: { serviceDate: true }, _max: { serviceDate: true } });
    yield datevHeader({
      consultantNumber: config.DATEV_CONSULTANT_NUMBER,
      clientNumber: config.DATEV_CLIENT_NUMBER,
      createdAt: batch.createdAt,
      from: range._min.serviceDate ?? batch.createdAt,
      to: range._max.serviceDate ?? batch.createdAt,
      description: "Aufwandsentschaedigungen",
    });
    for await (const rows of pages(batch.id)) {
      yield rows
        .filter((row) => row.amountCents > 0)
        .map((row) =>
          datevRow({
            amountCents: row.amountCents,
            account: config.DATEV_EXPENSE_ACCOUNT,
            contraAccount: config.DATEV_CONTRA_ACCOUNT,
            date: row.serviceDate,
            document: row.booking.code,
            text: `Aufwandsentschädigung ${interpreters.get(row.interpreterId)?.name ?? ""} ${row.booking.code}`,
          }),
        )
        .join("");
    }
  }

  async function* sepaXml(batch: ExportBatch) {
    if (!config.SEPA_DEBTOR_IBAN) throw new ApiError("CONFLICT", "Set SEPA_DEBTOR_IBAN (the pool's account) to create SEPA files.");
    const { interpreters } = await peopleAndPlaces(batch.id);
    const sums = await prisma.allowance.groupBy({ by: ["interpreterId"], where: { exportBatchId: batch.id }, _sum: { amountCents: true }, orderBy: { interpreterId: "asc" } });
    const payable = sums
      .map((row) => ({ person: interpreters.get(row.interpreterId), cents: row._sum.amountCents ?? 0 }))
      .flatMap(({ person, cents }) => {
        const iban = person?.iban ? normaliseIban(person.iban) : null;
        return person && iban && cents > 0 ? [{ person, iban, cents }] : [];
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
          return { chunks: allowancesCsv(batch), contentType: "text/csv; charset=utf-8", encoding: "utf8-bom" };
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
