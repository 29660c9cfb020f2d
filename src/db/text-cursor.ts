import type pg from "pg";
import type { TextRow } from "./database";
import { checkOut } from "./sql-transaction";

/** Every column as the server sent it: text, not parsed (the callers cast in SQL). */
export const AS_TEXT = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

const CURSOR = "text_pages";
const STALL_LIMIT = "5min";

/**
 * `Database.textCursor` on a pg pool: one connection, one read-only transaction (REPEATABLE READ,
 * so every page comes from the same snapshot), a server-side cursor, `FETCH pageSize` per page.
 *
 * Why a cursor rather than keyset pages (`LIMIT` from the last row on): the statement is planned
 * and its index entered once, not once per page, and never run with parallel workers, which
 * PostgreSQL started for every ordered page and which cost more than they saved on 2 cores.
 * Why each FETCH is sent before the caller gets the page before it: pg writes a query to the socket
 * at once when the connection is idle, so the database reads page N+1 while page N is worked on.
 * A keyset page went out only after an event-loop turn (pool checkout, BEGIN), i.e. after the
 * previous page's work: the server and the database took turns (RESULTS.md, fix 35).
 * Why DECLARE/FETCH and not a protocol-level portal (pg-cursor): each FETCH is a statement of its
 * own, so `statement_timeout` bounds one page, not the whole download.
 *
 * A caller that stops early (a dropped download) closes the connection instead of handing it back
 * with a FETCH in flight. The connection is held for the whole read (one of the pool's).
 *
 * @example
 * for await (const rows of textCursorOn(pool)('SELECT "id"::text FROM "Booking" ORDER BY "id"', [], 5000)) count += rows.length;
 */
export function textCursorOn(pool: pg.Pool) {
  return async function* textCursor(sql: string, params: readonly unknown[], pageSize: number): AsyncGenerator<TextRow[]> {
    if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
    const { client, release } = await checkOut(pool);
    // A connection the database ended meanwhile (the stall limit below, a restart) goes back to
    // the pool at once, closed: a download that stalls for good must not keep one of its few
    // connections for as long as its socket stays open.
    let released = false;
    const releaseOnce = (error?: Error) => {
      if (released) return;
      released = true;
      client.off("end", onEnd);
      release(error);
    };
    const onEnd = () => releaseOnce(new Error("the database ended the cursor's connection"));
    client.once("end", onEnd);
    const fetchPage = () => {
      const page = client.query<TextRow>({ text: `FETCH ${pageSize} FROM ${CURSOR}`, rowMode: "array", types: AS_TEXT }).then((result) => result.rows);
      // Asked for ahead: if the caller stops first, nobody awaits it, and its failure must not end
      // the process as an unhandled rejection.
      page.catch(() => {});
      return page;
    };
    let finished = false;
    try {
      // A reader that stops pulling (a download stalled on the network) would hold the connection
      // and its snapshot for as long as it stalls: the database ends the session after 5 minutes
      // without a FETCH, and the read fails.
      await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL idle_in_transaction_session_timeout = '${STALL_LIMIT}'`);
      await client.query({ text: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${sql}`, values: [...params] });
      let next = fetchPage();
      for (;;) {
        const rows = await next;
        if (rows.length < pageSize) {
          if (rows.length > 0) yield rows;
          break;
        }
        next = fetchPage();
        yield rows;
      }
      await client.query("COMMIT");
      finished = true;
    } finally {
      releaseOnce(finished ? undefined : new Error("cursor read ended early; its connection is closed"));
    }
  };
}
