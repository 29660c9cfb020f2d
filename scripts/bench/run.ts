// `npm run bench [-- --quick] [-- --only=p1,p2,p3,p4] [-- --database=embedded|postgres] [-- --profile] [-- --alloc-profile] [-- --keep]`:
// starts the real server as its own process on a freshly seeded database and measures the
// booking pipeline (P1, against a raw-SQL floor), candidate ranking at scale (P2), finance
// exports (P3) and SMS replies (P4). Runs on the embedded database and, when BENCH_DATABASE_URL
// is set, on a new database on that server (dropped afterwards). See scripts/bench/RESULTS.md.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { buildServerOnce } from "../lib/npm-start";
import { startCpuMeter, type CpuUse } from "./cpu";
import { api } from "./load";
import { startFakeTwilio, startFloor, startServer, memoryMb, type BenchProcess, type FakeTwilio } from "./processes";
import { machine, table, withDerived, writeJson, type DatabaseReport } from "./report";
import { runCandidates } from "./scenarios/candidates";
import { downloadFile, EXPORT_CONFIG } from "./scenarios/export";
import { runPipeline } from "./scenarios/pipeline";
import { AWAITING_WAVE_SQL, prepareReplies, runSmsReplies, SMS_CONFIG } from "./scenarios/sms";
import * as seed from "./seed";
import { createTarget, dropTarget, migrate, openSession, targetEnv, type BenchTarget } from "./target";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = new Set((args.find((arg) => arg.startsWith("--only="))?.slice(7) ?? "p1,p2,p3,p4").split(","));
const databaseArg = args.find((arg) => arg.startsWith("--database="))?.slice(11);
// CPU profiles of every server start (one .cpuprofile per process) in bench-results/profiles/<run>/.
// Keep the seeded database (or data folder) for looking at plans afterwards; its name is printed.
const keep = args.includes("--keep");
const runStamp = new Date().toISOString().replace(/[:.]/g, "-");
const profileDir = args.includes("--profile") ? path.resolve(import.meta.dirname, "../../bench-results/profiles", runStamp) : undefined;
const allocationDir = args.includes("--alloc-profile") ? path.resolve(import.meta.dirname, "../../bench-results/allocations", runStamp) : undefined;

const SIZES = quick
  ? { small: { interpreters: 1_000, assignments: 10_000 }, large: { interpreters: 10_000, assignments: 100_000 }, pipelineSeconds: 6, candidatesSeconds: 2, warmUpSeconds: 2, smsInterpreters: 100, smsPerInterpreter: 5 }
  : { small: { interpreters: 1_000, assignments: 100_000 }, large: { interpreters: 10_000, assignments: 1_000_000 }, pipelineSeconds: 20, candidatesSeconds: 10, warmUpSeconds: 3, smsInterpreters: 300, smsPerInterpreter: 10 };
const CONNECTIONS = { pipeline: 64, candidates: 1, sms: 16 };
const BOOTSTRAP_API_KEY = `bench-coordinator-${randomBytes(16).toString("hex")}`;
const EXPORT_FILES = ["allowances.csv", "sepa.xml"];

const progress = (message: string) => process.stderr.write(`  ${message}\n`);
const step = (message: string) => process.stderr.write(`\n▸ ${message}\n`);

async function withSession<T>(target: BenchTarget, work: (session: Awaited<ReturnType<typeof openSession>>) => Promise<T>): Promise<T> {
  const session = await openSession(target);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

async function withServer<T>(target: BenchTarget, twilio: FakeTwilio, work: (server: BenchProcess) => Promise<T>): Promise<T> {
  const server = await startServer({ ...targetEnv(target), ...SMS_CONFIG, ...EXPORT_CONFIG, TWILIO_API_BASE_URL: twilio.baseUrl, BOOTSTRAP_API_KEY }, profileDir, allocationDir);
  try {
    return await work(server);
  } finally {
    await server.stop();
  }
}

/**
 * Runs a measurement and adds the CPU time the server, the database server (a PostgreSQL server on
 * this machine; the embedded one is inside the server) and the load generator used meanwhile.
 */
async function metered<T extends object>(server: BenchProcess, target: BenchTarget, measure: () => Promise<T>): Promise<T & { cpuMs: CpuUse }> {
  const local = target.kind === "postgres" && ["127.0.0.1", "localhost", "[::1]"].includes(new URL(target.url).hostname);
  const meter = startCpuMeter(server.child.pid, local);
  const result = await measure();
  return { ...result, cpuMs: meter.stop() };
}

/** A few seconds of the pipeline at low concurrency, unmeasured: compiled queries, warm caches. Returns the slots it used. */
async function warmUp(baseUrl: string, key: string, organisationId: string, firstSlot: number): Promise<number> {
  const warm = await runPipeline(baseUrl, key, { organisationId, connections: 4, durationSeconds: SIZES.warmUpSeconds, firstSlot });
  return warm.slotsUsed;
}

async function benchDatabase(target: BenchTarget, twilio: FakeTwilio): Promise<DatabaseReport> {
  const report: DatabaseReport = { database: target.label, seedSeconds: 0 };
  const { small, large } = SIZES;
  const seedClock = () => {
    const started = performance.now();
    return () => (report.seedSeconds += Math.round(performance.now() - started) / 1000);
  };

  step(`${target.label}: seeding ${small.interpreters.toLocaleString("en")} interpreters, ${small.assignments.toLocaleString("en")} past assignments, offers`);
  let stop = seedClock();
  const seeded = await withSession(target, async (session) => {
    await migrate(session);
    const organisationId = await seed.seedOrganisation(session);
    await seed.seedInterpreters(session, 0, small.interpreters, progress);
    await seed.seedPastAssignments(session, { organisationId, firstBooking: 0, count: small.assignments, firstInterpreter: 0, interpreters: small.interpreters }, progress);
    // The embedded database answers about 35 replies/s: a third of the replies gives its rate in a
    // third of the time (P4 was 84 s of an 11-minute run on a slow VM phase).
    const perInterpreter = target.kind === "embedded" ? Math.ceil(SIZES.smsPerInterpreter / 3) : SIZES.smsPerInterpreter;
    const offers = await seed.seedPendingOffers(session, { organisationId, interpreters: SIZES.smsInterpreters, perInterpreter, firstDay: 10 }, progress);
    // As many for the floor's replies, on other days (its yeses must not clash with ours).
    const floorOffers = only.has("p4") ? await seed.seedPendingOffers(session, { organisationId, interpreters: SIZES.smsInterpreters, perInterpreter, firstDay: 40, series: 1 }, progress) : [];
    const smallJob = await seed.seedOpenBooking(session, organisationId, "ar", 100, 0);
    const largeJob = await seed.seedOpenBooking(session, organisationId, "ar", 101, 1);
    // In 3 days: everyone in the pool served in the 30 days before it (one job a week each), so
    // the ranking reads every candidate's recent history — the busy case.
    const busyJob = await seed.seedOpenBooking(session, organisationId, "ar", 3, 2);
    await seed.analyse(session);
    return { organisationId, offers, floorOffers, smallJob, largeJob, busyJob };
  });
  stop();

  let slotsUsed = 0;
  await withServer(target, twilio, async (server) => {
    if (only.has("p2")) {
      step("P2 candidates, small pool");
      const result = await metered(server, target, () => runCandidates(server.baseUrl, BOOTSTRAP_API_KEY, seeded.smallJob, { interpreters: small.interpreters, pastAssignments: small.assignments, connections: CONNECTIONS.candidates, durationSeconds: SIZES.candidatesSeconds }));
      report.candidates = { small: result, large: result, growth: null };
      progress(`p50 ${result.http.latencyMs.p50} ms, p99 ${result.http.latencyMs.p99} ms, ${result.candidates} candidates`);
    }
    if (only.has("p1")) {
      step(`P1 booking pipeline on our server, ${CONNECTIONS.pipeline} clients, ${SIZES.pipelineSeconds} s`);
      const warm = await warmUp(server.baseUrl, BOOTSTRAP_API_KEY, seeded.organisationId, 0);
      const ours = await metered(server, target, () => runPipeline(server.baseUrl, BOOTSTRAP_API_KEY, { organisationId: seeded.organisationId, connections: CONNECTIONS.pipeline, durationSeconds: SIZES.pipelineSeconds, firstSlot: warm }));
      slotsUsed = warm + ours.slotsUsed;
      report.pipeline = { ours, floor: ours, ratioToFloor: null, connections: CONNECTIONS.pipeline };
      progress(`${ours.pipelinesPerSecond} pipelines/s, ${ours.failedPipelines} failed, request p99 ${ours.http.latencyMs.p99} ms`);
    }
    if (only.has("p4")) {
      step(`P4 SMS replies: ${seeded.offers.length.toLocaleString("en")} signed JA/NEIN, ${CONNECTIONS.sms} at a time`);
      // On PostgreSQL a second connection watches the NEINs' next waves, which run after the
      // answers: replies/s is also counted up to the last finished wave (PGlite allows one process).
      const watcher = target.kind === "postgres" ? await openSession(target) : null;
      try {
        const awaitingWave = watcher ? async () => (await watcher.query<{ count: number }>(AWAITING_WAVE_SQL, []))[0]!.count : undefined;
        report.sms = await metered(server, target, () => runSmsReplies(server.baseUrl, prepareReplies(seeded.offers, randomBytes(4).toString("hex")), CONNECTIONS.sms, awaitingWave));
      } finally {
        await watcher?.close();
      }
      progress(`${report.sms.repliesPerSecond} replies/s; answers ${JSON.stringify(report.sms.answers)}`);
    }
  });

  if (only.has("p1") && report.pipeline) {
    step(`P1 floor (raw SQL), ${CONNECTIONS.pipeline} clients, ${SIZES.pipelineSeconds} s`);
    const floorServer = await startFloor(targetEnv(target));
    try {
      const warm = await warmUp(floorServer.baseUrl, "", seeded.organisationId, slotsUsed);
      report.pipeline.floor = await metered(floorServer, target, () => runPipeline(floorServer.baseUrl, "", { organisationId: seeded.organisationId, connections: CONNECTIONS.pipeline, durationSeconds: SIZES.pipelineSeconds, firstSlot: slotsUsed + warm }));
      progress(`${report.pipeline.floor.pipelinesPerSecond} pipelines/s, ${report.pipeline.floor.failedPipelines} failed`);
    } finally {
      await floorServer.stop();
    }
  }

  if (only.has("p4") && report.sms) {
    step(`P4 floor (raw SQL): ${seeded.floorOffers.length.toLocaleString("en")} JA/NEIN, ${CONNECTIONS.sms} at a time`);
    const floorServer = await startFloor(targetEnv(target));
    try {
      report.smsFloor = await metered(floorServer, target, () => runSmsReplies(floorServer.baseUrl, prepareReplies(seeded.floorOffers, randomBytes(4).toString("hex")), CONNECTIONS.sms));
      progress(`${report.smsFloor.repliesPerSecond} replies/s; answers ${JSON.stringify(report.smsFloor.answers)}`);
    } finally {
      await floorServer.stop();
    }
  }

  if (!only.has("p2") && !only.has("p3")) return withDerived(report);
  step(`${target.label}: growing to ${large.interpreters.toLocaleString("en")} interpreters, ${large.assignments.toLocaleString("en")} past assignments${only.has("p3") ? " in an export batch" : ""}`);
  stop = seedClock();
  let batchId = "";
  await withSession(target, async (session) => {
    // On a PostgreSQL server the million rows go in over two sessions at once (both cores).
    const second = target.kind === "postgres" ? await openSession(target) : null;
    try {
      const sessions = second ? [session, second] : [session];
      await seed.seedInterpreters(session, small.interpreters, large.interpreters - small.interpreters, progress);
      await seed.seedPastAssignments(
        sessions,
        { organisationId: seeded.organisationId, firstBooking: small.assignments, count: large.assignments - small.assignments, firstInterpreter: small.interpreters, interpreters: large.interpreters - small.interpreters },
        progress,
      );
      if (only.has("p3")) batchId = await seed.seedExportedAllowances(sessions, 0, large.assignments, progress);
    } finally {
      await second?.close();
    }
    await seed.analyse(session);
  });
  stop();

  let financeKey = "";
  await withServer(target, twilio, async (server) => {
    if (only.has("p2") && report.candidates) {
      step("P2 candidates, large pool");
      report.candidates.large = await metered(server, target, () => runCandidates(server.baseUrl, BOOTSTRAP_API_KEY, seeded.largeJob, { interpreters: large.interpreters, pastAssignments: large.assignments, connections: CONNECTIONS.candidates, durationSeconds: SIZES.candidatesSeconds }));
      progress(`p50 ${report.candidates.large.http.latencyMs.p50} ms, p99 ${report.candidates.large.http.latencyMs.p99} ms, ${report.candidates.large.candidates} candidates`);
      step("P2 candidates, large pool, a job in 3 days (everyone served within the 30 days before it)");
      report.candidates.busy = await metered(server, target, () => runCandidates(server.baseUrl, BOOTSTRAP_API_KEY, seeded.busyJob, { interpreters: large.interpreters, pastAssignments: large.assignments, connections: CONNECTIONS.candidates, durationSeconds: SIZES.candidatesSeconds }));
      progress(`p50 ${report.candidates.busy.http.latencyMs.p50} ms, p99 ${report.candidates.busy.http.latencyMs.p99} ms, ${report.candidates.busy.candidates} candidates`);
    }
    if (only.has("p3")) {
      financeKey = (await api<{ key: string }>(server.baseUrl, BOOTSTRAP_API_KEY, "POST", "/v1/api-keys", { name: "Bench finance", role: "finance" }, [201])).body.key;
      report.export = { batchId, allowances: large.assignments, files: [] };
    }
  });
  for (const file of only.has("p3") ? EXPORT_FILES : []) {
    await withServer(target, twilio, async (server) => {
      step(`P3 download ${file} (fresh server)`);
      const result = await downloadFile(server, financeKey, batchId, file, memoryMb(server.child.pid, "VmRSS"));
      report.export!.files.push(result);
      progress(`${result.seconds} s, ${(result.bytes / 1024 ** 2).toFixed(1)} MiB, peak RSS ${result.peakRssMb} MiB`);
    });
  }
  return withDerived(report);
}

async function main() {
  const startedAt = new Date().toISOString();
  const info = machine();
  const targets: (string | undefined)[] = [];
  if (databaseArg !== "postgres") targets.push(undefined);
  if (databaseArg !== "embedded" && process.env.BENCH_DATABASE_URL) targets.push(process.env.BENCH_DATABASE_URL);
  if (databaseArg === "postgres" && !process.env.BENCH_DATABASE_URL) throw new Error("--database=postgres needs BENCH_DATABASE_URL");
  process.stderr.write(`Benchmarks (${quick ? "quick" : "default sizes"}) on ${info.cores} cores, ${info.memoryGb} GB, Node ${info.node}, load ${info.loadAverageAtStart.join(" ")}\n`);

  await buildServerOnce();
  const twilio = await startFakeTwilio();
  const databases: DatabaseReport[] = [];
  try {
    for (const serverUrl of targets) {
      const target = await createTarget(serverUrl);
      try {
        databases.push(await benchDatabase(target, twilio));
      } finally {
        if (keep) process.stderr.write(`Kept: ${target.kind === "embedded" ? target.dataDir : target.url}\n`);
        else await dropTarget(target);
      }
    }
  } finally {
    await twilio.close();
  }
  const file = writeJson({ quick, machine: info, sizes: { ...SIZES, connections: CONNECTIONS }, databases, startedAt, finishedAt: new Date().toISOString() });
  process.stdout.write(`\n${databases.map(table).join("\n\n")}\n\nMachine: ${info.cores} × ${info.cpuModel}, ${info.memoryGb} GB, Node ${info.node}\nJSON: ${file}\n`);
  if (profileDir) process.stdout.write(`CPU profiles: ${profileDir} (summary: node --import tsx scripts/bench/profile-summary.ts <file>)\n`);
  if (allocationDir) process.stdout.write(`Allocation profiles: ${allocationDir} (summary: node --import tsx scripts/bench/alloc-summary.ts <file> [--units=N])\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
