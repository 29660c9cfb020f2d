// Command-line tools as real processes, and the empty databases they and the server run on.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase, type NodeDatabase } from "../../src/db/open-database";
import { createScratchDatabase, dropScratchDatabase } from "./postgres-admin";
import { postgresBaseUrl, testDbKind } from "./test-database";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command in the project folder and resolves with its exit code and output; a process
 * still running after `timeoutMs` is killed and the promise rejected with what it printed.
 *
 * @example
 * const { code, stdout } = await runToExit("npm", ["run", "--silent", "retention", "--", "--dry-run"], env, 120_000);
 */
export function runToExit(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} ${args.join(" ")} did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Databases nobody has used, for one test file: a temporary data folder, or a scratch database
 * on the PostgreSQL server in the "postgres" project. `dispose` removes them all.
 */
export function emptyDatabases() {
  const cleanups: (() => Promise<unknown>)[] = [];
  return {
    /** The environment (DATA_DIR or DATABASE_URL) that points a process at a new empty database. */
    async env(label: string): Promise<Record<string, string>> {
      if (testDbKind() === "postgres") {
        const url = await createScratchDatabase(postgresBaseUrl(), label);
        cleanups.push(() => dropScratchDatabase(url));
        return { DATABASE_URL: url };
      }
      const dir = await mkdtemp(path.join(tmpdir(), `dp-${label}-`));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      return { DATA_DIR: dir };
    },
    async dispose(): Promise<void> {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    },
  };
}

/**
 * A command-line test's own workspace: a temporary folder with the embedded database's data folder
 * in it, or (project "postgres") a scratch database on the server; `env` runs a tool against it
 * with nothing else of this process's environment. Call `open` in beforeAll, `dispose` in afterAll.
 *
 * @example
 * const workspace = toolWorkspace("cli");
 * beforeAll(() => workspace.open());
 * afterAll(() => workspace.dispose());
 */
export function toolWorkspace(label: string) {
  const workspace = {
    tmpDir: "",
    env: {} as NodeJS.ProcessEnv,
    databaseUrl: undefined as string | undefined,
    async open(): Promise<void> {
      workspace.tmpDir = await mkdtemp(path.join(tmpdir(), `dolmetscherpool-${label}-`));
      if (testDbKind() === "postgres") workspace.databaseUrl = await createScratchDatabase(postgresBaseUrl(), label);
      workspace.env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TMPDIR: process.env.TMPDIR,
        NODE_ENV: "test",
        LOG_LEVEL: "silent",
        DATA_DIR: path.join(workspace.tmpDir, "data"),
        ...(workspace.databaseUrl ? { DATABASE_URL: workspace.databaseUrl } : {}),
      };
    },
    /** Opens the tools' database in the test process; on the embedded one only while no tool runs. */
    async withDatabase<T>(work: (db: NodeDatabase) => Promise<T>): Promise<T> {
      const db = await openDatabase({ databaseUrl: workspace.databaseUrl, dataDir: path.join(workspace.tmpDir, "data"), poolSize: 2 });
      try {
        return await work(db);
      } finally {
        await db.close();
      }
    },
    async dispose(): Promise<void> {
      if (workspace.databaseUrl) await dropScratchDatabase(workspace.databaseUrl);
      if (workspace.tmpDir) await rm(workspace.tmpDir, { recursive: true, force: true });
    },
  };
  return workspace;
}
