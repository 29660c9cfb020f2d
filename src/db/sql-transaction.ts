import type pg from "pg";
import { Prisma, type PrismaClient } from "../generated/prisma/client";
import type { StatementText } from "./prepared-statements";
import { leanQuery } from "./lean-query";

/**
 * The raw-SQL surface of a transaction: what a Prisma interactive transaction and the driver's own
 * transaction (`Database.transaction` on a PostgreSQL server) both offer. The hot transactions (an
 * assignment, an SMS reply, an offer wave) are written against it, so they run past Prisma where
 * a driver is at hand and through Prisma elsewhere (the embedded database, Workers).
 *
 * Values come back as the driver in use parses them. Written for both: counts cast to `int`,
 * numbers of other kinds cast to `float8` or read as text, timestamps as `timestamptz`.
 */
export interface SqlTx {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  /** The number of rows written. */
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

export interface TransactionOptions {
  /**
   * Every statement of the transaction planned once per connection (`SET LOCAL plan_cache_mode =
   * force_generic_plan`, and no Memoize: `GENERIC_PLANS`), for transactions that rank a pool
   * (offer waves, see `readerIn`) or go by keys only (`KEYED_PLANS`). On the driver it goes with
   * BEGIN, in the same round trip.
   */
  genericPlans?: boolean;
}

/**
 * The options of a transaction whose statements all find their rows by keys (a booking change,
 * an SMS reply): generic plans. Left to itself, PostgreSQL planned the booking's lock, the facts
 * of the person being assigned and the change statement anew on every run, after thousands of
 * runs on the same connection (it estimates the custom plans cheaper: a known parameter folds an
 * optional filter away) — 0.4–0.9 ms of planning each, against 0.1–0.7 ms of running them
 * (statement log of a benchmark database, session 9).
 */
export const KEYED_PLANS: TransactionOptions = { genericPlans: true };

/**
 * How the statements of a ranking or keyed transaction are planned: once per connection (generic
 * plans, see above), and without Memoize. The ranking reads each person of a language pool once,
 * so the cache PostgreSQL put in front of every person's lookup never hit and cost about a tenth
 * of the statement (500 people, medians of 40 runs: 1.73–1.88 → 1.57–1.62 ms; RESULTS.md, fix 36).
 * `PLANNING_SETTINGS` are the same for a whole session (the read pool's connections).
 */
const PLANNING = ["plan_cache_mode = force_generic_plan", "enable_memoize = off"];
export const PLANNING_SETTINGS = PLANNING.map((setting) => `SET ${setting}`).join("; ");
const GENERIC_PLANS = PLANNING.map((setting) => `SET LOCAL ${setting}`);

/** Runs `work` in one transaction: committed when it returns, rolled back when it throws. */
export type SqlTransaction = <T>(work: (tx: SqlTx) => Promise<T>, options?: TransactionOptions) => Promise<T>;

/**
 * `Database.transaction` through Prisma's interactive transaction, for clients without a driver
 * of their own at hand (the embedded database's single connection, the Workers build).
 *
 * @example
 * const transaction = transactionThroughPrisma(prisma);
 * await transaction((tx) => tx.$executeRaw`UPDATE "Offer" SET "status" = 'expired' WHERE "id" = ${id}::uuid`);
 */
export function transactionThroughPrisma(prisma: Pick<PrismaClient, "$transaction">): SqlTransaction {
  return (work, options) =>
    prisma.$transaction(async (tx) => {
      if (options?.genericPlans) for (const setting of GENERIC_PLANS) await tx.$executeRawUnsafe(setting);
      return work(tx);
    });
}

/**
 * A connection checked out of `pool`, and how to give it back. While checked out, a pg client has
 * no error listener of the pool's: if its server went away (a restart, a failover,
 * `pg_terminate_backend`) pg would emit an unhandled 'error' and end the process. The listener
 * here notes the loss instead (the statement in flight fails by itself), and `release` then closes
 * the connection rather than handing it to the next caller — as it does when given an error (a
 * connection left in an unknown state).
 *
 * @example
 * const { client, release } = await checkOut(pool);
 * try { await client.query("SELECT 1"); release(); } catch (error) { release(error as Error); throw error; }
 */
export async function checkOut(pool: pg.Pool): Promise<{ client: pg.PoolClient; release: (error?: Error) => void }> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const noteLoss = (error: Error) => {
    lost ??= error;
  };
  client.on("error", noteLoss);
  return {
    client,
    release: (error) => {
      client.off("error", noteLoss);
      client.release(error ?? lost);
    },
  };
}

/** A driver transaction that ran longer than its limit: rolled back (its connection closed). */
export class TransactionTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`The transaction did not finish within ${timeoutMs} ms and was rolled back.`);
    this.name = "TransactionTimeout";
  }
}

/**
 * `Database.transaction` straight on a pg pool: BEGIN, the work's statements, COMMIT on one pooled
 * connection. Prisma's interactive transaction costs about 0.2 ms more CPU per transaction and
 * each raw statement through it about 0.05 ms more (measured in session 7): paid on every SMS
 * reply and assignment, it was a fifth of the server's CPU per reply (scripts/bench/RESULTS.md,
 * fix 24). Statements get the same prepared-statement names as Prisma's (`name`), so a connection
 * prepares each text once whichever of the two sends it.
 *
 * Like Prisma's, a transaction has a time limit (`timeoutMs`): work that has not finished by then
 * (an await that never settles) fails with `TransactionTimeout`, and its connection is closed, so
 * the server rolls it back and its row locks go. A connection whose transaction cannot be rolled
 * back is closed too rather than reused.
 *
 * @example
 * const transaction = driverTransaction(pool, preparedStatementNames(), { timeoutMs: 30_000 });
 */
export function driverTransaction(pool: pg.Pool, name: ((query: StatementText) => string | undefined) | undefined, options: { timeoutMs: number }): SqlTransaction {
  return async (work, transactionOptions) => {
    const { client, release } = await checkOut(pool);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TransactionTimeout(options.timeoutMs)), options.timeoutMs);
    });
    try {
      // Two statements in one simple query: no parameters, one round trip.
      await client.query(transactionOptions?.genericPlans ? ["BEGIN", ...GENERIC_PLANS].join("; ") : "BEGIN");
      const result = await Promise.race([work(sqlTxOf(client, name)), timedOut]);
      await client.query("COMMIT");
      clearTimeout(timer);
      release();
      return result;
    } catch (error) {
      clearTimeout(timer);
      if (error instanceof TransactionTimeout) {
        // The work may still be waiting on the connection: closing it ends both.
        release(error);
      } else {
        await client.query("ROLLBACK").then(
          () => release(),
          (rollbackFailed: unknown) => release(rollbackFailed instanceof Error ? rollbackFailed : new Error(String(rollbackFailed))),
        );
      }
      throw error;
    }
  };
}

/**
 * `Database.sql` on a pg pool: each statement on a pooled connection of its own, committed by
 * itself, with the prepared-statement names of `driverTransaction`.
 *
 * @example
 * const sql = driverStatements(pool, preparedStatementNames());
 * await sql.$executeRaw`UPDATE "Offer" SET "status" = 'expired' WHERE "id" = ${id}::uuid`;
 */
export function driverStatements(pool: pg.Pool, name?: (query: StatementText) => string | undefined): SqlTx {
  return sqlTxOf(pool, name);
}

function sqlTxOf(client: pg.Pool | pg.PoolClient, name: ((query: StatementText) => string | undefined) | undefined): SqlTx {
  const run = async (text: string, values: unknown[]) => {
    return leanQuery(client, text, values, name?.({ sql: text, args: values }));
  };
  const statementOf = (query: TemplateStringsArray | Prisma.Sql, values: unknown[]) =>
    Array.isArray(query) ? Prisma.sql(query as TemplateStringsArray, ...(values as Prisma.Sql[])) : (query as Prisma.Sql);
  return {
    async $queryRaw<T>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) {
      const statement = statementOf(query, values);
      return (await run(statement.text, statement.values)).rows as T;
    },
    async $queryRawUnsafe<T>(query: string, ...values: unknown[]) {
      return (await run(query, values)).rows as T;
    },
    async $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) {
      const statement = statementOf(query, values);
      return (await run(statement.text, statement.values)).rowCount ?? 0;
    },
    async $executeRawUnsafe(query: string, ...values: unknown[]) {
      return (await run(query, values)).rowCount ?? 0;
    },
  };
}
