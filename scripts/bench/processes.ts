// The processes a benchmark drives: the real server (as `npm start` runs it: built, then plain node), the
// floor server, and a stand-in for Twilio's Messages API that the server's outbox sends to.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { npmStartCommand } from "../lib/npm-start";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface BenchProcess {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  /** The peak resident memory so far (VmHWM of /proc/<pid>/status), in MiB; null off Linux. */
  peakRssMb(): number | null;
  stop(): Promise<void>;
}

/**
 * The environment of a benchmarked server: production-like, quiet, no rate limit, no dispatch ticker.
 *
 * @example
 * serverEnv({ DATA_DIR: dir }).RATE_LIMIT_PER_MINUTE; // "0"
 */
export function serverEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, DATA_DIR: _dir, BOOTSTRAP_API_KEY: _key, PORT: _port, TEST_DATABASE_URL: _test, ...rest } = process.env;
  return {
    ...rest,
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    HOST: "127.0.0.1",
    PORT: "0",
    AUTO_DISPATCH: "false",
    // No dispatch ticker: its first run (expiries, the daily retention job) would land inside a
    // measurement at random. The outbox worker still runs (P4's SMS go out to the fake Twilio).
    DISPATCH_INTERVAL_SECONDS: "0",
    RATE_LIMIT_PER_MINUTE: "0",
    ...extra,
  };
}

/** Reads VmHWM (peak) or VmRSS (now) of a process in MiB. @example memoryMb(server.child.pid, "VmHWM"); // 312.4 */
export function memoryMb(pid: number | undefined, field: "VmHWM" | "VmRSS"): number | null {
  if (pid === undefined) return null;
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/**
 * Starts a TypeScript entry point of this repository as its own process and waits for the line
 * `listening on http://host:port` on its output.
 *
 * @example
 * const server = await startProcess("src/server.ts", serverEnv({ DATA_DIR: dir }));
 */
export function startProcess(entry: string, env: NodeJS.ProcessEnv, timeoutMs = 120_000, nodeArgs: string[] = []): Promise<BenchProcess> {
  // TypeScript entries run through tsx; built JavaScript (the server as `npm start` runs it) directly.
  const loader = entry.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, entry], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${entry} did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      child.stderr!.off("data", onData);
      // Keep draining the pipes, or a chatty child would block on a full pipe.
      child.stdout!.on("data", (more: Buffer) => (output = (output + more.toString()).slice(-100_000)));
      child.stderr!.on("data", (more: Buffer) => (output = (output + more.toString()).slice(-100_000)));
      resolve({
        child,
        baseUrl: match[1]!,
        output: () => output,
        peakRssMb: () => memoryMb(child.pid, "VmHWM"),
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
          await exited;
          clearTimeout(killer);
        },
      });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited before listening:\n${output}`));
    });
  });
}

/**
 * Starts the real server on a target plus extra settings; with `profileDir`, V8 writes a CPU
 * profile of the server's whole life there when it exits (`--profile`; read it with
 * `scripts/bench/profile-summary.ts` or Chrome's DevTools); with `allocationDir`, a profile of
 * where it allocated memory, garbage included (`--alloc-profile`; `scripts/bench/alloc-summary.ts`).
 *
 * @example await startServer({ ...targetEnv(target), BOOTSTRAP_API_KEY: key });
 */
export function startServer(env: Record<string, string>, profileDir?: string, allocationDir?: string): Promise<BenchProcess> {
  const { flags, entry } = npmStartCommand();
  const cpu = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  // The allocation sampler (scripts/bench/alloc-sampler.mjs) is loaded before the server and writes at its exit.
  const allocations = allocationDir ? ["--import", pathToFileURL(path.join(import.meta.dirname, "alloc-sampler.mjs")).href] : [];
  return startProcess(entry, serverEnv({ ...env, ...(allocationDir ? { ALLOC_PROFILE_DIR: allocationDir } : {}) }), 120_000, [...flags, ...cpu, ...allocations]);
}

/** Starts the floor server (scripts/bench/floor-server.ts) on the same database. @example await startFloor(targetEnv(target)); */
export function startFloor(env: Record<string, string>): Promise<BenchProcess> {
  return startProcess("scripts/bench/floor-server.ts", serverEnv(env));
}

export interface FakeTwilio {
  baseUrl: string;
  /** Messages the server handed to "Twilio". */
  sent(): number;
  close(): Promise<void>;
}

/**
 * Answers Twilio's Messages API (`POST /2010-04-01/Accounts/<sid>/Messages.json`) with 201 and a SID.
 *
 * @example
 * const twilio = await startFakeTwilio(); // TWILIO_API_BASE_URL=twilio.baseUrl
 */
export async function startFakeTwilio(): Promise<FakeTwilio> {
  let count = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      count += 1;
      const sid = `SM${count.toString(16).padStart(32, "0")}`;
      response.writeHead(201, { "content-type": "application/json" });
      response.end(JSON.stringify({ sid, status: "queued", error_code: null, error_message: null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    sent: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
