import type { Prisma, PrismaClient } from "../generated/prisma/client";
import type { SqlTransaction, SqlTx } from "./sql-transaction";

export type DatabaseKind = "embedded" | "postgres";

/** An open database: the Prisma client, which kind it is, and how to close it. */
export interface Database {
  prisma: PrismaClient;
  kind: DatabaseKind;
  /** Returns when the database answers a trivial query; throws otherwise. */
  ping(): Promise<void>;
  /**
   * Runs one read straight on the driver, past Prisma's per-row decoding, for reads of hundreds of
   * thousands of rows (export files). Every selected column must be text (cast in SQL): rows come
   * back as arrays of strings (or null) in column order, the same on every driver.
   */
  textRows(sql: string, params: readonly unknown[]): Promise<TextRow[]>;
  /**
   * A long ordered read (`textRows`' rows) a page at a time through a server-side cursor, every
   * page from one snapshot, the next one read while the caller works on this one. On a PostgreSQL
   * server only: the embedded database's one connection would be held for the whole read, and the
   * Workers build has no driver. Without it, callers page by keyset through `textRows`.
   */
  textCursor?(sql: string, params: readonly unknown[], pageSize: number): AsyncGenerator<TextRow[]>;
  /**
   * Runs one read straight on the driver, past Prisma's decoding, for the hot read paths (ranking
   * a language pool: 500 rows per request). Outside transactions only: the embedded database has
   * one connection, and a read here waits for any running transaction. Values come as the driver
   * parses them: timestamps as Date, json parsed, int4 and float8 as numbers, int8 as text.
   */
  rows<Row>(query: Prisma.Sql): Promise<Row[]>;
  /**
   * Runs raw statements in one transaction: straight on the driver on a PostgreSQL server (the hot
   * transactions: an assignment, an SMS reply, an offer wave), through Prisma elsewhere. Retries
   * are the caller's (`withRetry`).
   */
  transaction: SqlTransaction;
  /**
   * Raw statements outside transactions, each on its own (autocommit): straight on the driver's
   * pool on a PostgreSQL server, through Prisma elsewhere. For writes of one statement on hot
   * paths (a new booking, an SMS NEIN); reads of many rows go through `rows`.
   */
  sql: SqlTx;
  /**
   * Vacuums and analyses every table, where nobody else does: the embedded database runs no
   * autovacuum. Absent on a PostgreSQL server (its autovacuum does it) and on Workers.
   */
  maintenance?: () => Promise<void>;
  close(): Promise<void>;
}

/** A row of `Database.textRows`: its columns in order, as text. */
export type TextRow = (string | null)[];

/**
 * `textRows` through Prisma, for clients that expose no driver (the Workers build): the same
 * answer, with Prisma's decoding cost.
 *
 * @example
 * const db = { prisma, textRows: textRowsThroughPrisma(prisma), … };
 */
export function textRowsThroughPrisma(prisma: PrismaClient): Database["textRows"] {
  return async (sql, params) => {
    const rows = await prisma.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...params);
    return rows.map((row) => Object.values(row).map((value) => (value === null || value === undefined ? null : String(value))));
  };
}

/**
 * `rows` through Prisma: for clients that expose no driver (the Workers build), and inside a
 * transaction (`client` is then the transaction).
 *
 * @example
 * const db = { prisma, rows: rowsThroughPrisma(prisma), … };
 */
export function rowsThroughPrisma(client: Pick<SqlTx, "$queryRaw">): Database["rows"] {
  return (query) => client.$queryRaw(query);
}

/** Prisma error codes the services translate into API errors. */
export const PRISMA_UNIQUE_VIOLATION = "P2002";
export const PRISMA_FOREIGN_KEY_VIOLATION = "P2003";
export const PRISMA_RECORD_NOT_FOUND = "P2025";

export function prismaErrorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}

/** The SQLSTATE of the database error behind a Prisma error, where the adapter passed it on. */
export function driverErrorCode(error: unknown): string | undefined {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } } | null)?.meta
    ?.driverAdapterError?.cause;
  return typeof cause?.originalCode === "string" ? cause.originalCode : undefined;
}

/**
 * A delete refused because rows still refer to the row. The pg adapter reports RESTRICT
 * violations as P2003; the embedded (PGlite) adapter leaves SQLSTATE 23001 unmapped (P2039).
 */
export function isStillReferenced(error: unknown): boolean {
  if (prismaErrorCode(error) === PRISMA_FOREIGN_KEY_VIOLATION) return true;
  const code = driverErrorCode(error);
  return code === "23001" || code === "23503";
}

/**
 * Whether an error is a unique violation (23505): from a model query (P2002), a raw one through
 * Prisma (P2010, the SQLSTATE in its message) or the driver itself (`code` 23505).
 *
 * @example
 * if (isUniqueViolation(error)) return earlierAnswer();
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = prismaErrorCode(error);
  if (code === PRISMA_UNIQUE_VIOLATION || code === "23505" || driverErrorCode(error) === "23505") return true;
  return error instanceof Error && /\b23505\b|duplicate key value violates unique constraint/.test(error.message);
}

/** Whether an error is PostgreSQL's exclusion-constraint violation (23P01), however Prisma wraps it. */
export function isExclusionViolation(error: unknown): boolean {
  if (driverErrorCode(error) === "23P01") return true;
  const text = error instanceof Error ? `${error.message} ${JSON.stringify((error as { meta?: unknown }).meta ?? "")}` : String(error);
  return /23P01|exclusion constraint/i.test(text);
}

/** `contains` passes LIKE wildcards through; escape them so a search matches literally. */
export function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);
const UNAVAILABLE_ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "TransactionAlreadyClosed"]);
// The driver's own errors (Database.transaction and Database.sql on a PostgreSQL server) reach
// the callers unmapped: a lost or unreachable server shows in their messages and codes.
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|is not queryable|Unable to start a transaction in the given time|transaction did not finish within/i;

/**
 * Whether an error means the database is unreachable, overloaded or too slow rather than that
 * the request was wrong: statement timeouts (57014), lock timeouts, server shutdowns, refused or
 * dropped connections, no free pooled connection. The API answers these with 503 and Retry-After.
 *
 * @example
 * isDatabaseUnavailable(prismaErrorWithSqlState("57014")); // true
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const prismaCode = prismaErrorCode(error);
  if (prismaCode && UNAVAILABLE_PRISMA_CODES.has(prismaCode)) return true;
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } } | null)?.meta?.driverAdapterError?.cause;
  if (typeof cause?.kind === "string" && UNAVAILABLE_ADAPTER_KINDS.has(cause.kind)) return true;
  const message = error instanceof Error ? error.message : "";
  // Raw queries (P2010) carry the SQLSTATE only in their message; errors of the driver itself
  // (textRows) carry it as their code, which no Prisma code ("P…") can be taken for here.
  const ownCode = prismaCode && !prismaCode.startsWith("P") ? prismaCode : undefined;
  const sqlState = driverErrorCode(error) ?? ownCode ?? /Code: `([0-9A-Z]{5})`/.exec(message)?.[1];
  if (sqlState && (sqlState === "57014" || sqlState === "55P03" || sqlState === "53300" || /^57P0[123]$/.test(sqlState) || sqlState.startsWith("08"))) return true;
  return UNAVAILABLE_MESSAGES.test(message);
}
