// `BENCH_DATABASE_URL=… node --import tsx scripts/bench/steps.ts [--clients=8] [--requests=1500] [--rounds=3]`
//
// P1's three steps one at a time, ours and the floor taking turns on one freshly seeded PostgreSQL
// database (1,000 interpreters, 100,000 past assignments, as P1): `--requests` bookings created,
// then the candidates of each, then each assigned to its first candidate, `--clients` at a time.
// Prints each step's requests per second and the CPU per request of the server and the database,
// so a gap to the floor can be put down to one step (RESULTS.md, session 13). Few clients keep
// garbage collection and queueing out of the numbers; the full benchmark's 64 put them in.
import { randomBytes } from "node:crypto";
import { buildServerOnce, npmStartCommand } from "../lib/npm-start";
import { startCpuMeter } from "./cpu";
import { startFloor, startProcess, serverEnv, type BenchProcess } from "./processes";
import * as seed from "./seed";
import { formatTable, show } from "./stats";
import { createTarget, dropTarget, migrate, openSession, targetEnv } from "./target";

const args = new Map(process.argv.slice(2).map((arg) => [arg.replace(/^--/, "").split("=")[0]!, arg.slice(arg.indexOf("=") + 1)]));
const clients = Number(args.get("clients") ?? 8);
const requests = Number(args.get("requests") ?? 1_500);
const rounds = Number(args.get("rounds") ?? 3);
const KEY = `bench-steps-${randomBytes(16).toString("hex")}`;
const DAY_MS = 86_400_000;
const SLOT_MS = 2 * 3_600_000;
const STEPS = ["create", "candidates", "assign"] as const;

const progress = (message: string) => process.stderr.write(`  ${message}\n`);

interface Job {
  n: number;
  bookingId?: string;
  interpreterId?: string;
}

/** Runs `work` for every item, `clients` at a time. */
async function inParallel<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/** One step of the pipeline for one job, as the benchmark's driver sends it (same request shapes for both servers). */
async function send(baseUrl: string, organisationId: string, step: (typeof STEPS)[number], job: Job): Promise<void> {
  const headers = { authorization: `Bearer ${KEY}`, "content-type": "application/json" };
  // Bookings 200 days ahead, each language's in slots of their own (as P1), so assignments never clash.
  const startsAt = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + 200 * DAY_MS + Math.floor(job.n / seed.LANGUAGES.length) * SLOT_MS).toISOString();
  const request =
    step === "create"
      ? fetch(`${baseUrl}/v1/bookings`, { method: "POST", headers, body: JSON.stringify({ organisationId, language: seed.LANGUAGES[job.n % seed.LANGUAGES.length], startsAt, durationMinutes: 60, mode: "phone" }) })
      : step === "candidates"
        ? fetch(`${baseUrl}/v1/bookings/${job.bookingId}/candidates`, { headers })
        : fetch(`${baseUrl}/v1/bookings/${job.bookingId}/assign`, { method: "POST", headers, body: JSON.stringify({ interpreterId: job.interpreterId }) });
  const response = await request;
  const body = (await response.json()) as { id?: string; candidates?: { interpreter: { id: string } }[] };
  if (!response.ok) throw new Error(`${step} answered ${response.status}: ${JSON.stringify(body)}`);
  if (step === "create") job.bookingId = body.id;
  if (step === "candidates") job.interpreterId = body.candidates?.[0]?.interpreter.id;
}

async function main() {
  const serverUrl = process.env.BENCH_DATABASE_URL;
  if (!serverUrl) throw new Error("steps.ts needs BENCH_DATABASE_URL (a PostgreSQL server)");
  await buildServerOnce();
  const { flags, entry } = npmStartCommand();
  const target = await createTarget(serverUrl);
  const servers: BenchProcess[] = [];
  try {
    const session = await openSession(target);
    let organisationId: string;
    try {
      await migrate(session);
      organisationId = await seed.seedOrganisation(session);
      await seed.seedInterpreters(session, 0, 1_000, progress);
      await seed.seedPastAssignments(session, { organisationId, firstBooking: 0, count: 100_000, firstInterpreter: 0, interpreters: 1_000 }, progress);
      await seed.analyse(session);
    } finally {
      await session.close();
    }
    const ours = await startProcess(entry, serverEnv({ ...targetEnv(target), BOOTSTRAP_API_KEY: KEY }), 120_000, flags);
    servers.push(ours);
    const floor = await startFloor(targetEnv(target));
    servers.push(floor);
    const rows: string[][] = [];
    let nextJob = 0;
    for (let round = 1; round <= rounds; round++) {
      for (const [name, server] of [["ours", ours], ["floor", floor]] as const) {
        const jobs: Job[] = Array.from({ length: requests }, () => ({ n: nextJob++ }));
        const row = [String(round), name];
        for (const step of STEPS) {
          const meter = startCpuMeter(server.child.pid, true);
          const started = performance.now();
          await inParallel(jobs, (job) => send(server.baseUrl, organisationId, step, job));
          const seconds = (performance.now() - started) / 1000;
          const cpu = meter.stop();
          row.push(`${show(requests / seconds)}/s, ${show(cpu.server === null ? null : cpu.server / requests, 2)} / ${show(cpu.database === null ? null : cpu.database / requests, 2)} ms`);
        }
        rows.push(row);
        progress(row.join("  "));
      }
    }
    process.stdout.write(`\n${clients} clients, ${requests} requests per step; per request: CPU of the server / the database\n`);
    process.stdout.write(`${formatTable(["round", "server", ...STEPS], rows)}\n`);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await dropTarget(target);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
