// Prisma's schema engine compiled to WebAssembly, driven against throwaway in-memory PGlite
// databases. It replaces the native engine (which Prisma's CLI would download) for authoring
// migrations and checking drift. See ../shared/notes/prisma-offline.md for the why.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { readMigrationFiles } from "../../src/db/migration-files";

const require = createRequire(import.meta.url);
export const SCHEMA_PATH = path.resolve(import.meta.dirname, "../../prisma/schema.prisma");
export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");
const NO_FILTERS = { externalTables: [], externalEnums: [] };

interface WasmSchemaEngine {
  diff(params: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free?(): void;
}

async function loadEngineModule(): Promise<{ SchemaEngine: { new: (...args: unknown[]) => Promise<WasmSchemaEngine> } }> {
  const globals = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown };
  let panicMessage: string | undefined;
  globals.PRISMA_WASM_PANIC_REGISTRY ??= { set_message: (m: string) => (panicMessage = m), get: () => panicMessage };
  const bindingsPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  // The package's main entry imports the .wasm file as an ES module, which Node 20 cannot do.
  const bindings = await import(pathToFileURL(bindingsPath).href);
  const wasmBytes = await readFile(path.join(path.dirname(bindingsPath), "schema_engine_bg.wasm"));
  const wasm = (globalThis as unknown as { WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: object } }> } }).WebAssembly;
  const { instance } = await wasm.instantiate(wasmBytes, { "./schema_engine_bg.js": bindings });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  return bindings;
}

/** pglite-prisma-adapter 0.7.2 does not await `exec` in executeScript: a failing script would pass. */
async function connectPglite(pglite: PGlite): Promise<SqlDriverAdapter> {
  const adapter = (await new PrismaPGlite(pglite).connect()) as SqlDriverAdapter & { onError(e: unknown): never };
  adapter.executeScript = async (script: string) => {
    try {
      await pglite.exec(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  return adapter;
}

const newPglite = () => PGlite.create({ extensions: { btree_gist } });

/**
 * Creates the engine and hands it to `work`; every database it touches is an in-memory PGlite
 * with the extensions the migrations use.
 */
export async function withSchemaEngine<T>(work: (engine: WasmSchemaEngine, schemaText: string) => Promise<T>): Promise<T> {
  const { SchemaEngine } = await loadEngineModule();
  const schemaText = await readFile(SCHEMA_PATH, "utf8");
  const opened: PGlite[] = [];
  const track = async () => {
    const pglite = await newPglite();
    opened.push(pglite);
    return pglite;
  };
  const factory = bindMigrationAwareSqlAdapterFactory({
    provider: "postgres",
    adapterName: "pglite-offline",
    connect: async () => connectPglite(await track()),
    connectToShadowDb: async () => connectPglite(await track()),
  });
  const engine = await SchemaEngine.new({ datamodels: [[SCHEMA_PATH, schemaText]] }, () => {}, factory);
  try {
    return await work(engine, schemaText);
  } finally {
    engine.free?.();
    await Promise.all(opened.map((pglite) => pglite.close().catch(() => {})));
  }
}

/** The migrations folder in the shape the schema engine expects (the CLI's shape). */
export async function migrationsList() {
  const migrations = await readMigrationFiles(MIGRATIONS_DIR).catch(() => []);
  const lockContent = await readFile(path.join(MIGRATIONS_DIR, "migration_lock.toml"), "utf8").catch(() => null);
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: "migration_lock.toml", content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories: migrations.map((migration) => ({
      path: migration.name,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: migration.sql } },
    })),
  };
}

/**
 * The SQL that takes a database migrated with every migration in `prisma/migrations` to the schema
 * in `prisma/schema.prisma`: an empty string when they agree (no drift).
 */
export async function diffMigrationsToSchema(): Promise<string> {
  const list = await migrationsList();
  return withSchemaEngine(async (engine, schemaText) => {
    const from = list.migrationDirectories.length === 0 ? { tag: "empty" } : { tag: "migrations", ...list };
    const result = await engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: [{ path: SCHEMA_PATH, content: schemaText }] },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    });
    return result.exitCode === 2 ? (result.stdout ?? "") : "";
  });
}
