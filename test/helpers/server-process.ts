import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { buildServerOnce, npmStartCommand } from "../../scripts/lib/npm-start";
import { recordErrorBody, recordSecret, recordServerOutput } from "./test-logs";

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * The server as `npm start` runs it: built once by its build step, then plain `node` with the
 * flags from package.json — one process, so a SIGKILL reaches the server itself.
 */
async function serverArgs(): Promise<string[]> {
  await buildServerOnce();
  const { flags, entry } = npmStartCommand();
  return [...flags, entry];
}

export interface RunningServer {
  process: ChildProcess;
  baseUrl: string;
  output: () => string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Environment for a child process: this one's, minus anything a test run set for itself. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, DATA_DIR: _dir, BOOTSTRAP_API_KEY: _key, PORT: _port, ...rest } = process.env;
  return { ...rest, NODE_ENV: "test", LOG_LEVEL: "info", HOST: "127.0.0.1", PORT: "0", AUTO_DISPATCH: "false", RATE_LIMIT_PER_MINUTE: "0", ...extra };
}

/** Starts the server as `npm start` does, as a real process, and waits until it listens. */
export async function startServer(env: Record<string, string>, timeoutMs = 90_000): Promise<RunningServer> {
  const child = spawn(process.execPath, await serverArgs(), { cwd: ROOT, env: childEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  if (env.BOOTSTRAP_API_KEY) recordSecret(env.BOOTSTRAP_API_KEY);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      recordServerOutput(output);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          process: child,
          baseUrl: match[1]!,
          output: () => output,
          stop: async (signal = "SIGTERM") => {
            if (child.exitCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
}

/** Runs the server as `npm start` does, expecting it to fail at start; resolves with exit code and output. */
export async function runFailingServer(env: Record<string, string>, timeoutMs = 90_000): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, await serverArgs(), { cwd: ROOT, env: childEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

export function bootstrapKeyIn(output: string): string | undefined {
  return /BOOTSTRAP_COORDINATOR_KEY=(\S+)/.exec(output)?.[1];
}

export async function call(baseUrl: string, key: string | undefined, method: string, pathname: string, body?: unknown) {
  if (key) recordSecret(key);
  const response = await fetch(baseUrl + pathname, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  recordErrorBody(response.status, text);
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
