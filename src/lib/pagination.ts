import { z } from "@hono/zod-openapi";
import { ApiError } from "./api-error";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** `limit` and `cursor`, taken by every list of the API. */
export const PageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .openapi({ description: `Items per page (1–${MAX_PAGE_SIZE})`, example: 50 }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: "`nextCursor` of the previous page" }),
});

/** `{ items, nextCursor }`: the shape of every list answer. */
export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null on the last" }),
    })
    .openapi(name);
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Cursors are opaque to clients; inside they carry the id of the last item of the page. */
export function encodeCursor(lastId: string): string {
  return btoa(lastId).replace(/=+$/, "");
}

/**
 * The id a cursor points after, or undefined for the first page.
 * @throws {ApiError} VALIDATION_FAILED for a cursor this API did not hand out
 */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  let id = "";
  try {
    id = atob(cursor);
  } catch {
    // handled below
  }
  if (!UUID.test(id)) {
    throw new ApiError("VALIDATION_FAILED", "The cursor is not one this API handed out.", [
      { path: ["cursor"], message: "Invalid cursor", code: "invalid_cursor", in: "query" },
    ]);
  }
  return id;
}

/**
 * Turns `limit + 1` rows ordered by id into a page: the extra row only tells that more follow.
 *
 * @example
 * const rows = await prisma.organisation.findMany({ where: afterCursor(cursor), orderBy: { id: "asc" }, take: limit + 1 });
 * return toPage(rows, limit, toOrganisationView);
 */
export function toPage<Row extends { id: string }, Item>(rows: Row[], limit: number, map: (row: Row) => Item): Page<Item> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null,
  };
}

/** The `where` clause part that starts a page after the cursor's row. */
export function afterCursor(cursor: string | undefined): { id?: { gt: string } } {
  const id = decodeCursor(cursor);
  return id ? { id: { gt: id } } : {};
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Cursors for lists ordered by a time and then id (e.g. bookings by start). */
export function encodeTimeCursor(time: Date, id: string): string {
  return btoa(`${time.toISOString()}|${id}`).replace(/=+$/, "");
}

/** A UTC timestamp from year 0001 to 9999, as `toISOString` writes it (PostgreSQL has no year 0). */
const CURSOR_TIME = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * @throws {ApiError} VALIDATION_FAILED for a cursor this API did not hand out
 */
export function decodeTimeCursor(cursor: string | undefined): { time: Date; id: string } | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  let decoded = "";
  try {
    decoded = atob(cursor);
  } catch {
    // handled below
  }
  const [time, id] = decoded.split("|");
  // Exactly as encodeTimeCursor writes it: JavaScript dates reach far beyond PostgreSQL's range.
  const parsed = time && CURSOR_TIME.test(time) ? new Date(time) : new Date(Number.NaN);
  if (!id || !UUID.test(id) || Number.isNaN(parsed.getTime()) || parsed.toISOString() !== time) {
    throw new ApiError("VALIDATION_FAILED", "The cursor is not one this API handed out.", [
      { path: ["cursor"], message: "Invalid cursor", code: "invalid_cursor", in: "query" },
    ]);
  }
  return { time: parsed, id };
}
