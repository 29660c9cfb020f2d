import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client";
import type { Database, DatabaseKind } from "./database";
import { lockDataDir } from "./data-dir-lock";
import { readMigrationFiles } from "./migration-files";
import { applyMigrations, withMigrationLock, type MigrationResult } from "./migrations";
import type { SqlConnection } from "./sql-connection";

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
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10, options.statementTimeoutMs)
    : openEmbedded(options.dataDir);
}

async function openEmbedded(dataDir: string): Promise<NodeDatabase> {
  const inMemory = dataDir.startsWith("memory://");
  const absoluteDir = inMemory ? dataDir : path.resolve(dataDir);
  const releaseLock = inMemory ? () => {} : lockDataDir(absoluteDir);
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
  return buildDatabase("embedded", prisma, connection, {
    withLock: (work) => work(),
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
      releaseLock();
    },
  });
}

async function openPostgres(databaseUrl: string, poolSize: number, statementTimeoutMs?: number): Promise<NodeDatabase> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    ...(statementTimeoutMs ? { statement_timeout: statementTimeoutMs, connectionTimeoutMillis: statementTimeoutMs } : {}),
  });
  // An idle client that loses its server (restart, network) must not crash the process.
  pool.on("error", () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: TRANSACTION_OPTIONS });
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
  const database = buildDatabase("postgres", prisma, null, {
    withLock,
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
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
  hooks: { withLock: <T>(work: () => Promise<T>) => Promise<T>; close: () => Promise<void> },
): NodeDatabase {
  let closed = false;
  return {
    kind,
    prisma,
    ping: async () => void (await prisma.$queryRaw`SELECT 1`),
    migrate: async () => applyMigrations(connection!, await readMigrationFiles()),
    withStartupLock: hooks.withLock,
    close: async () => {
      if (closed) return;
      closed = true;
      await hooks.close();
    },
  };
}
