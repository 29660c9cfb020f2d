import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient, type Prisma } from "../generated/prisma/client";
import type { Database, DatabaseKind, TextRow } from "./database";
import { lockDataDir } from "./data-dir-lock";
import { leanQuery } from "./lean-query";
import { preparedStatementNames, type StatementText } from "./prepared-statements";
import { readMigrationFiles } from "./migration-files";
import { applyMigrations, withMigrationLock, type MigrationResult } from "./migrations";
import type { SqlConnection } from "./sql-connection";
import { checkOut, driverStatements, driverTransaction, PLANNING_SETTINGS, transactionThroughPrisma } from "./sql-transaction";
import { AS_TEXT, textCursorOn } from "./text-cursor";

/** A database opened on Node, which can also migrate itself. */
export interface NodeDatabase extends Database {
  /** Applies pending migrations from `prisma/migrations`. */
  migrate(): Promise<MigrationResult>;
  /**
   * Runs `work` while no other process migrates or bootstraps the same database: PostgreSQL's
   * advisory lock on a server; on the embedded database the data-folder lock already excludes others.
   */
  withStartupLock<T>(work: () => Promise<T>): Promise<T>;
}

export interface OpenDatabaseOptions {
  /** A PostgreSQL server; without it the embedded database in `dataDir` is used. */
  databaseUrl?: string | undefined;
  /** Folder of the embedded database; `memory://` keeps it in memory (tests). */
  dataDir: string;
  poolSize?: number;
  /**
   * PostgreSQL server only: statements running longer are cancelled (SQLSTATE 57014), and waiting
   * longer for a free pooled connection fails, so a slow or locked database answers 503 instead of
   * hanging. Migrations run on a connection of their own without it.
   */
  statementTimeoutMs?: number;
  /**
   * PostgreSQL server only: each connection prepares a statement once and then only executes it
   * (default), and the hot reads run on connections with generic plans. Off behind a connection
   * pooler in transaction mode, which would hand that session state to other clients.
   */
  preparedStatements?: boolean;
}

// Embedded PostgreSQL runs one transaction at a time, so callers queue for it; the default wait
// of 2 s is too short under concurrent load.
const TRANSACTION_OPTIONS = { maxWait: 30_000, timeout: 30_000 };

/**
 * Opens the embedded database (PGlite in a data folder, locked against a second process) or a
 * PostgreSQL server, and returns it with a Prisma client.
 *
 * @example
 * const db = await openDatabase({ dataDir: "./data" });
 * await db.migrate();
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<NodeDatabase> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10, options.statementTimeoutMs, options.preparedStatements ?? true)
    : openEmbedded(options.dataDir);
}

async function openEmbedded(dataDir: string): Promise<NodeDatabase> {
  const inMemory = dataDir.startsWith("memory://");
  const absoluteDir = inMemory ? dataDir : path.resolve(dataDir);
  const releaseLock = inMemory ? () => {} : lockDataDir(absoluteDir);
  // Loaded only here: a server on PostgreSQL never needs the embedded database (~40 MiB resident).
  const [{ PGlite }, { btree_gist }, { PrismaPGlite }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite/contrib/btree_gist"),
    import("pglite-prisma-adapter"),
  ]);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      dataDir: inMemory ? undefined : path.join(absoluteDir, "pgdata"),
      extensions: { btree_gist },
    });
  } catch (error) {
    releaseLock();
    throw error;
  }
  const connection: SqlConnection = {
    query: async (sql, params) => (await pglite.query<never>(sql, params)).rows,
    exec: async (script) => void (await pglite.exec(script)),
  };
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite), transactionOptions: TRANSACTION_OPTIONS });
  // Text columns come back as strings already; the one connection queues this like any query.
  const textRows = async (sql: string, params: readonly unknown[]) => (await pglite.query<TextRow>(sql, [...params], { rowMode: "array" })).rows;
  const rows: Database["rows"] = async <Row>(query: Prisma.Sql) => (await pglite.query<Row>(query.text, query.values)).rows;
  return buildDatabase("embedded", prisma, connection, { textRows, rows, transaction: transactionThroughPrisma(prisma), sql: prisma }, {
    withLock: (work) => work(),
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
      releaseLock();
    },
  });
}

async function openPostgres(databaseUrl: string, poolSize: number, statementTimeoutMs: number | undefined, preparedStatements: boolean): Promise<NodeDatabase> {
  const newPool = (max: number, onConnect?: (client: pg.ClientBase) => Promise<unknown>) => {
    const created = new pg.Pool({
      connectionString: databaseUrl,
      max,
      // Sessions in UTC, whatever the server's default (a German server may well run in
      // Europe/Berlin): Prisma's pg adapter sends times as UTC wall-clock text without an offset,
      // which PostgreSQL reads in the session's TimeZone, while pg itself sends them with their
      // offset. In any other zone the two would store different instants for the same time.
      // Behind a pooler (prepared statements off) no startup option is sent, as poolers refuse
      // unknown ones: the database's own setting must then be UTC (README).
      ...(preparedStatements ? { options: "-c TimeZone=UTC" } : {}),
      ...(onConnect ? { onConnect } : {}),
      ...(statementTimeoutMs ? { statement_timeout: statementTimeoutMs, connectionTimeoutMillis: statementTimeoutMs } : {}),
    });
    // An idle client that loses its server (restart, network) must not crash the process.
    created.on("error", () => {});
    return created;
  };
  const pool = newPool(poolSize);
  // The hot reads outside transactions (`rows`: a language pool's ranking and the facts of its
  // first candidates, for every candidates answer) run on connections of their own that plan each
  // statement once (generic plans): PostgreSQL would otherwise plan them anew on every call (0.6–0.9 ms
  // each), as the plan of a prepared statement is re-made for its values until that seems not
  // worth it, which it never concludes for these two (and without Memoize: `PLANNING_SETTINGS`). Both are written so that their plan does not
  // depend on the values (RESULTS.md, fix 17); statements whose best plan does (a status, a date
  // range) stay on the main pool. The setting is a session's, hence the separate connections, fewer
  // than the main pool's. (A `SET LOCAL` in a transaction of each read, on the main pool, cost two
  // more round trips: 0.5 ms of the answer.) Without prepared statements there is no plan to keep,
  // and no read pool: behind a pooler in transaction mode, whose server connections serve other
  // clients too, prepared statements must be off (README), and the setting with them.
  const readPool = preparedStatements ? newPool(Math.ceil(poolSize / 2), (client) => client.query(PLANNING_SETTINGS)) : pool;
  // The adapter passes the name on to pg's query(), where no name (undefined) means unprepared;
  // its type does not allow for that, hence the cast.
  const names = preparedStatementNames();
  const statementNameGenerator = names as (query: StatementText) => string;
  const adapter = new PrismaPg(pool, preparedStatements ? { statementNameGenerator } : {});
  const prisma = new PrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS });
  // Migrations may rightly run for minutes (an index on a big table): their own connection, no timeout.
  const onOwnClient = async <T>(work: (connection: SqlConnection) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: databaseUrl });
    client.on("error", () => {});
    await client.connect();
    try {
      return await work(sqlConnectionOf(client));
    } finally {
      await client.end();
    }
  };
  // The advisory lock lives on a connection of its own, so the pool stays free for the work.
  const withLock = <T>(work: () => Promise<T>): Promise<T> => onOwnClient((connection) => withMigrationLock(connection, work));
  // Without parallel workers: for one page of a long ordered read PostgreSQL would start two
  // workers every time, and their start-up costs more than they save (1,000,000 export rows in
  // pages of 5,000: 9.9 s of reading with them, 6.7 s without).
  const textRows = async (sql: string, params: readonly unknown[]) => {
    const { client, release } = await checkOut(pool);
    try {
      await client.query("BEGIN READ ONLY; SET LOCAL max_parallel_workers_per_gather = 0");
      const { rows } = await client.query<TextRow>({ text: sql, values: [...params], rowMode: "array", types: AS_TEXT });
      await client.query("COMMIT");
      release();
      return rows;
    } catch (error) {
      // A connection in an unknown state is closed rather than handed to the next request.
      release(error as Error);
      throw error;
    }
  };
  // The same names as Prisma's statements: a connection of the pool prepares each text once.
  const rows: Database["rows"] = async <Row>(query: Prisma.Sql) => {
    // Prisma.Sql builds its text anew on every read of `text`: once here.
    const { text, values } = query;
    return (await leanQuery<Row & pg.QueryResultRow>(readPool, text, values, preparedStatements ? names({ sql: text, args: values }) : undefined)).rows;
  };
  const transaction = driverTransaction(pool, preparedStatements ? names : undefined, { timeoutMs: TRANSACTION_OPTIONS.timeout });
  const sql = driverStatements(pool, preparedStatements ? names : undefined);
  // Export downloads read through cursors on connections of their own, a few: a download holds its
  // cursor's connection throughout and reads other rows (year totals, organisations) meanwhile;
  // on the main pool, as many downloads as connections would each wait for a second one forever.
  // Further downloads queue for a cursor connection rather than take the API's.
  const cursorPool = newPool(Math.max(2, Math.ceil(poolSize / 4)));
  const database = buildDatabase("postgres", prisma, null, { textRows, textCursor: textCursorOn(cursorPool), rows, transaction, sql }, {
    withLock,
    close: async () => {
      await prisma.$disconnect();
      await Promise.all([pool.end(), cursorPool.end(), readPool !== pool ? readPool.end() : undefined]);
    },
  });
  database.migrate = () => onOwnClient(async (connection) => applyMigrations(connection, await readMigrationFiles()));
  return database;
}

function sqlConnectionOf(client: pg.ClientBase): SqlConnection {
  return {
    query: async (sql, params) => (await client.query(sql, params)).rows,
    exec: async (script) => void (await client.query(script)),
  };
}

function buildDatabase(
  kind: DatabaseKind,
  prisma: PrismaClient,
  connection: SqlConnection | null,
  reads: Pick<Database, "textRows" | "textCursor" | "rows" | "transaction" | "sql">,
  hooks: { withLock: <T>(work: () => Promise<T>) => Promise<T>; close: () => Promise<void> },
): NodeDatabase {
  let closed = false;
  return {
    kind,
    prisma,
    ping: async () => void (await prisma.$queryRaw`SELECT 1`),
    ...reads,
    // The embedded database has no background workers, hence no autovacuum.
    ...(kind === "embedded" ? { maintenance: () => connection!.exec("VACUUM (ANALYZE)") } : {}),
    migrate: async () => applyMigrations(connection!, await readMigrationFiles()),
    withStartupLock: hooks.withLock,
    close: async () => {
      if (closed) return;
      closed = true;
      await hooks.close();
    },
  };
}
