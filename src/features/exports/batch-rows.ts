import type { Database, TextRow } from "../../db/database";

/** Rows per page: big enough that the per-statement cost vanishes, small enough to stay flat in memory. */
export const BATCH_PAGE = 5000;

/** Statuses counting against the yearly cap (everything not rejected); our own constants, written into the SQL. */
const COUNTING_SQL = "('pending', 'approved', 'exported', 'paid')";

/** One allowance of a batch as the export files need it, straight from the driver. */
export interface BatchRow {
  interpreterId: string;
  organisationId: string;
  /** The service date (the job's start) in milliseconds since 1970. */
  serviceMs: number;
  year: number;
  amountCents: number;
  outcome: string;
  code: string;
}

// Text columns only (Database.textRows). The service date travels as whole microseconds since
// 1970, exact for the keyset and cheap to turn into a number.
const columnsOf = (table: string) =>
  `${table}."interpreterId"::text, ${table}."organisationId"::text, (extract(epoch FROM ${table}."serviceDate") * 1000000)::bigint::text,
   ${table}."year"::text, ${table}."amountCents"::text, ${table}."outcome"::text`;
const FROM_SQL = `FROM "Allowance" a JOIN "Booking" b ON b."id" = a."bookingId" WHERE a."exportBatchId" = $1::uuid`;
/** The whole batch in service order, for a cursor. */
const CURSOR_SQL = `SELECT ${columnsOf("a")}, b."code" ${FROM_SQL} ORDER BY a."serviceDate", a."id"`;
// Keyset pages: the id is needed only for the keyset, so only the page's last row carries it (a
// million 36-character strings fewer to make and collect per million rows).
const PAGE_SQL = `
  SELECT ${columnsOf("p")}, p."code", CASE WHEN row_number() OVER (ORDER BY p."serviceDate", p."id") = $2 THEN p."id"::text END
  FROM (
    SELECT a."id", a."interpreterId", a."organisationId", a."serviceDate", a."year", a."amountCents", a."outcome", b."code"
    ${FROM_SQL}`;
const AFTER_SQL = `AND (a."serviceDate", a."id") > (TIMESTAMPTZ 'epoch' + $3::bigint * INTERVAL '1 microsecond', $4::uuid)`;
/**
 * Where each field is in a raw page row (`batchPages`): the file written for a million rows reads
 * them in place rather than through a `BatchRow` object each.
 */
export const BATCH_COLUMN = { interpreterId: 0, organisationId: 1, serviceMicros: 2, year: 3, amountCents: 4, outcome: 5, code: 6 } as const;
/** A keyset page's last row also carries its id, for the next page. */
const KEYSET_ID = 7;

function readPage(db: Database, batchId: string, pageSize: number, after: TextRow | null): Promise<TextRow[]> {
  const sql = `${PAGE_SQL} ${after ? AFTER_SQL : ""} ORDER BY a."serviceDate", a."id" LIMIT $2) p ORDER BY p."serviceDate", p."id"`;
  const page = db.textRows(sql, after ? [batchId, pageSize, after[BATCH_COLUMN.serviceMicros], after[KEYSET_ID]] : [batchId, pageSize]);
  // Read ahead: a failure before anyone awaits it (or after the download was dropped) must not
  // count as unhandled and end the process; whoever awaits the page still gets the error.
  page.catch(() => {});
  return page;
}

/** The service date of a raw page row in milliseconds since 1970. */
export const serviceMsOf = (row: TextRow): number => Math.floor(Number(row[BATCH_COLUMN.serviceMicros]) / 1000);

const toBatchRow = (row: TextRow): BatchRow => ({
  interpreterId: row[BATCH_COLUMN.interpreterId]!,
  organisationId: row[BATCH_COLUMN.organisationId]!,
  serviceMs: serviceMsOf(row),
  year: Number(row[BATCH_COLUMN.year]),
  amountCents: Number(row[BATCH_COLUMN.amountCents]),
  outcome: row[BATCH_COLUMN.outcome]!,
  code: row[BATCH_COLUMN.code]!,
});

/**
 * A batch's allowances in service order, a page of raw rows (`BATCH_COLUMN`) at a time, the next
 * page read while this one is written out. On a PostgreSQL server through one cursor
 * (`Database.textCursor`); elsewhere by keyset pagination on (serviceDate, id), which walks the
 * (exportBatchId, serviceDate, id) index, so every page costs the same.
 *
 * @example
 * for await (const rows of batchPages(db, batch.id)) total += rows.length;
 */
export async function* batchPages(db: Database, batchId: string, pageSize = BATCH_PAGE): AsyncGenerator<TextRow[]> {
  if (db.textCursor) {
    yield* db.textCursor(CURSOR_SQL, [batchId], pageSize);
    return;
  }
  let next: Promise<TextRow[]> | null = readPage(db, batchId, pageSize, null);
  while (next) {
    const found: TextRow[] = await next;
    next = found.length === pageSize ? readPage(db, batchId, pageSize, found[found.length - 1]!) : null;
    if (found.length > 0) yield found;
  }
}

/**
 * `batchPages` with each row as a `BatchRow`.
 *
 * @example
 * for await (const rows of batchRows(db, batch.id)) total += rows.length;
 */
export async function* batchRows(db: Database, batchId: string, pageSize = BATCH_PAGE): AsyncGenerator<BatchRow[]> {
  for await (const page of batchPages(db, batchId, pageSize)) yield page.map(toBatchRow);
}

/** Per interpreter and year of the batch: the name, IBAN, the batch's part and what counts against the cap. */
export interface YearStart {
  interpreterId: string;
  year: number;
  name: string;
  iban: string | null;
  /** Counting against the cap in all (not rejected, this batch included); null when nothing counts. */
  totalCents: number | null;
  batchCents: number;
  batchCount: number;
  /** What counted before this batch: the total without the batch's rows. */
  beforeCents: number;
}

/**
 * In one statement, for every (interpreter, year) of the batch: the batch's sum and count, what
 * counts against the yearly cap (everything not rejected) in all and before this batch, with the
 * interpreter's name and IBAN. Only the batch's years (±1) are read: `year` is the local year of
 * the service date, which orders the batch.
 *
 * @example
 * const starts = await yearStarts(db, batch.id);
 */
export async function yearStarts(db: Database, batchId: string): Promise<YearStart[]> {
  const rows = await db.textRows(
    `WITH span AS (
       SELECT (SELECT "year" FROM "Allowance" WHERE "exportBatchId" = $1::uuid ORDER BY "serviceDate" LIMIT 1) - 1 AS "first",
              (SELECT "year" FROM "Allowance" WHERE "exportBatchId" = $1::uuid ORDER BY "serviceDate" DESC LIMIT 1) + 1 AS "last")
     SELECT t."interpreterId"::text, t."year"::text, i."name", i."iban", t."total"::text, t."batch"::text, t."count"::text
     FROM (
       SELECT a."interpreterId", a."year",
              sum(a."amountCents") FILTER (WHERE a."status" IN ${COUNTING_SQL}) AS "total",
              sum(a."amountCents") FILTER (WHERE a."exportBatchId" = $1::uuid) AS "batch",
              count(*) FILTER (WHERE a."exportBatchId" = $1::uuid) AS "count"
       FROM "Allowance" a, span
       WHERE a."year" BETWEEN span."first" AND span."last"
       GROUP BY a."interpreterId", a."year"
       HAVING count(*) FILTER (WHERE a."exportBatchId" = $1::uuid) > 0) t
     LEFT JOIN "Interpreter" i ON i."id" = t."interpreterId"
     ORDER BY t."interpreterId", t."year"`,
    [batchId],
  );
  return rows.map((row) => {
    const totalCents = row[4] === null ? null : Number(row[4]);
    const batchCents = Number(row[5]);
    return { interpreterId: row[0]!, year: Number(row[1]), name: row[2] ?? "", iban: row[3] ?? null, totalCents, batchCents, batchCount: Number(row[6]), beforeCents: (totalCents ?? 0) - batchCents };
  });
}

/**
 * Per organisation of the batch: its name, cost centre and municipality with the batch's count and
 * sum, in one statement (recharge.csv).
 *
 * @example
 * const groups = await organisationSums(db, batch.id);
 */
export async function organisationSums(db: Database, batchId: string) {
  const rows = await db.textRows(
    `SELECT o."name", o."costCentre", o."municipality", s."count"::text, s."cents"::text
     FROM (SELECT "organisationId", count(*) AS "count", sum("amountCents") AS "cents" FROM "Allowance" WHERE "exportBatchId" = $1::uuid GROUP BY "organisationId") s
     LEFT JOIN "Organisation" o ON o."id" = s."organisationId"`,
    [batchId],
  );
  return rows.map((row) => ({ name: row[0] ?? "", costCentre: row[1] ?? "", municipality: row[2] ?? "", count: Number(row[3]), cents: Number(row[4]) }));
}

/** Name and cost centre of organisations by id (the ones a page of rows names). */
export async function organisationsById(db: Database, ids: string[]): Promise<Map<string, { name: string; costCentre: string }>> {
  const rows = ids.length === 0 ? [] : await db.textRows(`SELECT "id"::text, "name", "costCentre" FROM "Organisation" WHERE "id" = ANY($1::text[]::uuid[])`, [ids]);
  return new Map(rows.map((row) => [row[0]!, { name: row[1] ?? "", costCentre: row[2] ?? "" }]));
}

/**
 * Per interpreter of the batch, in id order: the batch's sum with the name and IBAN, in one
 * statement (what the SEPA file pays).
 *
 * @example
 * const sums = await interpreterSums(db, batch.id); // [{ person: { id, name, iban }, cents: 4500 }, …]
 */
export async function interpreterSums(db: Database, batchId: string): Promise<{ person: { id: string; name: string; iban: string | null }; cents: number }[]> {
  const rows = await db.textRows(
    `SELECT s."interpreterId"::text, i."name", i."iban", s."cents"::text
     FROM (SELECT "interpreterId", sum("amountCents") AS "cents" FROM "Allowance" WHERE "exportBatchId" = $1::uuid GROUP BY "interpreterId") s
     JOIN "Interpreter" i ON i."id" = s."interpreterId"
     ORDER BY s."interpreterId"`,
    [batchId],
  );
  return rows.map((row) => ({ person: { id: row[0]!, name: row[1] ?? "", iban: row[2] ?? null }, cents: Number(row[3]) }));
}
