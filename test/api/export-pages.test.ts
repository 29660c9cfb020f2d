// allowances.csv across pages: the file is read page by page (a cursor on a PostgreSQL server, keyset
// on service date and id elsewhere) and written line by line; it must not depend on where the pages break, also when rows of the same
// service date straddle a page boundary, and every line must be what csv-stringify writes.
// Runs on a database of its own (the batch takes every approved allowance of it).
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { germanAmount, germanDate, semicolonLines } from "../../src/domain/finance-formats";
import { allowancesCsv } from "../../src/features/exports/allowances-csv";
import { Prisma } from "../../src/generated/prisma/client";
import { batchPages, batchRows } from "../../src/features/exports/batch-rows";
import { createApp } from "../../src/app";
import type { TextRow } from "../../src/db/database";
import { expectError } from "../helpers/assertions";
import { ALL_WEEK } from "../helpers/fixtures";
import { ApiClient, createTestContext, newInterpreter, type TestContext } from "../helpers/test-app";
import { privateDatabase, testDbKind, type PrivateDatabase } from "../helpers/test-database";

const NOW = "2026-11-24T08:00:00.000Z";
const LANGUAGE = "tet";
// Two jobs at each start (two interpreters), so pages of 2 and 3 rows break inside and between equal dates.
const STARTS = ["2027-03-27T23:30:00+01:00", "2027-03-28T03:30:00+02:00", "2027-03-29T10:00:00+02:00", "2027-04-05T08:15:00+02:00"];

const text = async (chunks: AsyncIterable<string>) => {
  let all = "";
  for await (const chunk of chunks) all += chunk;
  return all;
};

describe("allowances.csv over several pages", () => {
  let own: PrivateDatabase | undefined;
  let ctx: TestContext;
  let batchId: string;

  beforeAll(async () => {
    own = await privateDatabase("export_pages", 5);
    ctx = await createTestContext({ config: { SEPA_DEBTOR_IBAN: "DE02120300000000202051" }, deps: { db: own.db } });
    const { organisationId } = await ctx.newRequester({ name: 'Amt "Nord"; Außenstelle', costCentre: "KST;1" });
    const people = [];
    for (const [name, iban] of [["Ana; Lima", "DE89 3704 0044 0532 0130 00"], ['Bo "Jo" Ek', null]] as const) {
      const person = await newInterpreter(ctx.coordinator, { name, iban, languages: [{ code: LANGUAGE, level: "native" }] });
      expect((await ctx.coordinator.put(`/v1/interpreters/${person.id}/availability`, { weekly: ALL_WEEK, absences: [] })).status).toBe(200);
      people.push(person);
    }
    for (const startsAt of STARTS) {
      for (const person of people) {
        const created = await ctx.coordinator.post("/v1/bookings", { organisationId, language: LANGUAGE, startsAt, durationMinutes: 60, mode: "phone" });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        expect((await ctx.coordinator.post(`/v1/bookings/${created.body.id}/assign`, { interpreterId: person.id })).status).toBe(200);
        ctx.clock.set(new Date(Date.parse(startsAt) + 3_600_000).toISOString());
        try {
          expect((await ctx.coordinator.post(`/v1/bookings/${created.body.id}/complete`, { outcome: "done" })).status).toBe(200);
        } finally {
          ctx.clock.set(NOW);
        }
      }
    }
    const batch = await ctx.finance.post("/v1/exports", { organisationId });
    expect(batch.status, JSON.stringify(batch.body)).toBe(201);
    expect(batch.body.allowanceCount).toBe(8);
    batchId = batch.body.id;
  });

  afterAll(async () => {
    await own?.dispose();
  });

  it("reads every row once, in service date and id order, whatever the page size", async () => {
    // The order of the allowances' ids within one start time, as the database sorts them.
    const sorted = await ctx.deps.db.textRows(`SELECT b."code" FROM "Allowance" a JOIN "Booking" b ON b."id" = a."bookingId" WHERE a."exportBatchId" = $1::uuid ORDER BY a."serviceDate", a."id"`, [batchId]);
    const codesInOrder = sorted.map((row) => row[0]);
    // On a PostgreSQL server through a cursor; without one (embedded, Workers) by keyset pages.
    const keysetOnly = { ...ctx.deps.db, textCursor: undefined };
    for (const [db, size] of [1, 2, 3, 7, 8, 1000].flatMap((size) => [[ctx.deps.db, size], [keysetOnly, size]] as const)) {
      const rows = [];
      for await (const page of batchRows(db, batchId, size)) {
        expect(page.length).toBeLessThanOrEqual(size);
        rows.push(...page);
      }
      expect(rows).toHaveLength(8);
      expect(rows.map((row) => row.code)).toEqual(codesInOrder);
      expect(rows.map((row) => row.serviceMs)).toEqual(STARTS.flatMap((start) => [Date.parse(start), Date.parse(start)]));
    }
  });

  // Connections idle in a transaction: a cursor between two FETCHes. Counted on a connection
  // outside the cursors' pool (`rows`' pool of the hot reads): one from the same pool could be the
  // connection handed back and end its transaction.
  const idleInTransaction = () => ctx.deps.db.rows<{ pid: number }>(Prisma.sql`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`);
  const inTransaction = async () => (await idleInTransaction()).length;

  // Keyset pages (embedded) hold no connection between pages.
  it.skipIf(testDbKind() !== "postgres")("closes the cursor's connection when the reader stops early; the pool reads on (PostgreSQL server)", async () => {
    const db = ctx.deps.db;
    expect(db.textCursor).toBeDefined();
    for await (const page of batchPages(db, batchId, 2)) {
      expect(page).toHaveLength(2);
      expect(await inTransaction()).toBe(1); // the cursor's, with the next page asked for
      break;
    }
    await expect.poll(inTransaction).toBe(0);
    let read = 0;
    for await (const page of batchPages(db, batchId, 3)) read += page.length;
    expect(read).toBe(8);
    expect(await inTransaction()).toBe(0);
  });

  it.skipIf(testDbKind() !== "postgres")("hands back cursor connections the database ended while their readers stalled (PostgreSQL server)", async () => {
    const db = ctx.deps.db;
    // As many stalled readers as there are cursor connections (2 for a pool of 5), each after its first page.
    const stalled = [batchPages(db, batchId, 2), batchPages(db, batchId, 2)];
    for (const pages of stalled) expect((await pages.next()).value).toHaveLength(2);
    const pids = await idleInTransaction();
    expect(pids).toHaveLength(2);
    // What the stall limit (idle_in_transaction_session_timeout) does after 5 minutes.
    for (const { pid } of pids) await db.rows(Prisma.sql`SELECT pg_terminate_backend(${pid}::int)`);
    let read = 0;
    for await (const page of batchPages(db, batchId, 3)) read += page.length;
    expect(read).toBe(8);
    // A stalled reader that goes on gets the page read ahead before the end, then the failure.
    const readOn = async (pages: AsyncGenerator<unknown>) => {
      while (!(await pages.next()).done);
    };
    for (const pages of stalled) await expect(readOn(pages)).rejects.toThrow();
  });

  it.skipIf(testDbKind() !== "postgres")("closes the cursor when allowances.csv is broken off after its first page (PostgreSQL server)", async () => {
    const chunks = allowancesCsv(ctx.deps.db, ctx.deps.config, batchId, 2);
    expect((await chunks.next()).value).toMatch(/^Dolmetscher\/in;IBAN;/);
    expect((await chunks.next()).value?.split("\r\n")).toHaveLength(3); // two lines and the end
    expect(await inTransaction()).toBe(1);
    await chunks.return(undefined);
    await expect.poll(inTransaction).toBe(0);
  });

  it("serves more simultaneous downloads than there are export connections, each complete", async () => {
    const one = await text(allowancesCsv(ctx.deps.db, ctx.deps.config, batchId, 1000));
    const downloads = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const response = await ctx.app.request(`/v1/exports/${batchId}/allowances.csv`, { headers: { authorization: `Bearer ${ctx.finance.key}` } });
        expect(response.status).toBe(200);
        return Buffer.from(await response.arrayBuffer()).toString("utf8");
      }),
    );
    expect(downloads).toEqual(Array.from({ length: 6 }, () => `\uFEFF${one}`));
    if (testDbKind() === "postgres") expect(await inTransaction()).toBe(0);
  });

  it("ends the file's page reader when a download of allowances.csv or datev.csv is broken off after 0, 1 or 2 chunks read", async () => {
    // A cursor that notes when it is closed, reading the batch in pages of 2 (by keyset).
    let open = 0;
    const tracked = async function* (): AsyncGenerator<TextRow[]> {
      open += 1;
      try {
        yield* batchPages({ ...ctx.deps.db, textCursor: undefined }, batchId, 2);
      } finally {
        open -= 1;
      }
    };
    const app = createApp({ ...ctx.deps, db: { ...ctx.deps.db, textCursor: tracked } });
    for (const file of ["allowances.csv", "datev.csv"]) {
      for (const chunksRead of [0, 1, 2]) {
        const response = await app.request(`/v1/exports/${batchId}/${file}`, { headers: { authorization: `Bearer ${ctx.finance.key}` } });
        expect(response.status).toBe(200);
        expect(open).toBe(1);
        const reader = response.body!.getReader();
        for (let chunk = 0; chunk < chunksRead; chunk++) expect((await reader.read()).done).toBe(false);
        await reader.cancel();
        await expect.poll(() => open, { timeout: 2000 }).toBe(0);
      }
    }
  });

  it("answers 503 before any byte when the rows of allowances.csv or datev.csv cannot be read (no cursor connection in time)", async () => {
    const noConnection = async function* (): AsyncGenerator<TextRow[]> {
      throw new Error("timeout exceeded when trying to connect");
    };
    const app = createApp({ ...ctx.deps, db: { ...ctx.deps.db, textCursor: noConnection } });
    for (const file of ["allowances.csv", "datev.csv"]) expectError(await new ApiClient(app, ctx.finance.key).get(`/v1/exports/${batchId}/${file}`), 503, "SERVICE_UNAVAILABLE");
  });

  it("writes the same bytes in pages of 2 and 3 as in one page and over HTTP, each line as csv-stringify writes it", async () => {
    const onePage = await text(allowancesCsv(ctx.deps.db, ctx.deps.config, batchId, 1000));
    expect(await text(allowancesCsv(ctx.deps.db, ctx.deps.config, batchId, 2))).toBe(onePage);
    expect(await text(allowancesCsv(ctx.deps.db, ctx.deps.config, batchId, 3))).toBe(onePage);
    const response = await ctx.app.request(`/v1/exports/${batchId}/allowances.csv`, { headers: { authorization: `Bearer ${ctx.finance.key}` } });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).toString("utf8")).toBe(`\uFEFF${onePage}`);

    const records = parse(onePage, { delimiter: ";", relax_quotes: false }) as string[][];
    expect(records).toHaveLength(9);
    const expected = semicolonLines([
      records[0]!,
      ...records.slice(1).map((record, index) => {
        const startsAt = new Date(STARTS[Math.floor(index / 2)]!);
        return [record[0]!, record[1]!, record[2]!, germanDate(startsAt), 'Amt "Nord"; Außenstelle', "KST;1", "durchgeführt", germanAmount(Number(record[7]!.replace(",", ""))), "nein"];
      }),
    ]);
    expect(onePage).toBe(expected);
    // The night jobs around the change to summer time carry Berlin's local dates.
    expect(records.slice(1).map((record) => record[3])).toEqual(["27.03.2027", "27.03.2027", "28.03.2027", "28.03.2027", "29.03.2027", "29.03.2027", "05.04.2027", "05.04.2027"]);
    expect(new Set(records.slice(1).map((record) => record[0]))).toEqual(new Set(["Ana; Lima", 'Bo "Jo" Ek']));
  });
});
