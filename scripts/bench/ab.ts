// `BENCH_DATABASE_URL=… node --import tsx scripts/bench/ab.ts --base=dist-base/server/server.mjs
//   [--scenario=p1|p2|p4] [--rounds=4] [--seconds=8] [--replies=1500] [--interpreters=1000] [--assignments=100000] [--keep]
//   [--base-flags="--max-semi-space-size=4"] [--new-flags="--max-semi-space-size=8"]`
//
// Compares two builds of the server on ONE freshly seeded PostgreSQL database, taking turns: the
// base (an earlier `npm start` bundle) and the current one (built now), round after round, the
// order swapped every round. On a VM whose speed drifts by ±30 % within minutes, only such
// alternating runs show what a change did; two separate `npm run bench` runs do not.
//
// The base bundle: check out the earlier commit (or stash), `node scripts/build-server.mjs`,
// `mkdir -p dist-base && cp -r dist/server dist-base/`, come back (dist-base/ is ignored by git).
// Both servers run as `npm start` runs them, with the benchmark's settings (scripts/bench/processes.ts).
// `--replies` (P4): replies per server and round; a round of 1,500 takes about 3 s, and P4's rounds
// spread by ±15 % at that length: more replies give steadier rounds.
// `--base-flags` / `--new-flags` replace Node's flags of `npm start` for one side (e.g. heap sizes:
// with `--base=dist/server/server.mjs` the same build then runs with two sets of flags).
import { randomBytes } from "node:crypto";
import path from "node:path";
import { buildServerOnce, npmStartCommand } from "../lib/npm-start";
import { startCpuMeter, type CpuUse } from "./cpu";
import { startFakeTwilio, startProcess, serverEnv, type BenchProcess } from "./processes";
import { cpuShare } from "./report";
import { runCandidates } from "./scenarios/candidates";
import { runPipeline } from "./scenarios/pipeline";
import { AWAITING_WAVE_SQL, prepareReplies, runSmsReplies, SMS_CONFIG } from "./scenarios/sms";
import * as seed from "./seed";
import { formatTable, show } from "./stats";
import { createTarget, dropTarget, migrate, openSession, targetEnv, type BenchTarget } from "./target";

const args = new Map(process.argv.slice(2).map((arg) => [arg.replace(/^--/, "").split("=")[0]!, arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : "true"]));
const scenario = args.get("scenario") ?? "p1";
const rounds = Number(args.get("rounds") ?? 4);
const seconds = Number(args.get("seconds") ?? 8);
const interpreters = Number(args.get("interpreters") ?? 1_000);
const assignments = Number(args.get("assignments") ?? 100_000);
const basePath = path.resolve(args.get("base") ?? "dist-base/server/server.mjs");
/** P4: replies per server and round (half JA, half NEIN), from 300 interpreters' pending offers. */
const REPLIES_PER_RUN = Number(args.get("replies") ?? 1_500);
const KEY = `bench-ab-${randomBytes(16).toString("hex")}`;

interface Measured {
  /** Pipelines, answers or replies per second. */
  rate: number | null;
  p50: number | null;
  units: number;
  cpu: CpuUse;
}

const progress = (message: string) => process.stderr.write(`  ${message}\n`);

async function seedFor(target: BenchTarget) {
  const session = await openSession(target);
  try {
    await migrate(session);
    const organisationId = await seed.seedOrganisation(session);
    await seed.seedInterpreters(session, 0, interpreters, progress);
    await seed.seedPastAssignments(session, { organisationId, firstBooking: 0, count: assignments, firstInterpreter: 0, interpreters }, progress);
    const perInterpreter = scenario === "p4" ? Math.ceil((rounds * 2 * REPLIES_PER_RUN) / 300) : 0;
    const offers = perInterpreter > 0 ? await seed.seedPendingOffers(session, { organisationId, interpreters: 300, perInterpreter, firstDay: 10 }, progress) : [];
    const job = await seed.seedOpenBooking(session, organisationId, "ar", 100, 0);
    await seed.analyse(session);
    return { organisationId, offers, job };
  } finally {
    await session.close();
  }
}

async function main() {
  const serverUrl = process.env.BENCH_DATABASE_URL;
  if (!serverUrl) throw new Error("ab.ts needs BENCH_DATABASE_URL (a PostgreSQL server)");
  if (!["p1", "p2", "p4"].includes(scenario)) throw new Error(`--scenario must be p1, p2 or p4, not ${scenario}`);
  await buildServerOnce();
  const { flags, entry } = npmStartCommand();
  const target = await createTarget(serverUrl);
  const twilio = await startFakeTwilio();
  const servers: BenchProcess[] = [];
  try {
    const seeded = await seedFor(target);
    const env = serverEnv({ ...targetEnv(target), ...SMS_CONFIG, TWILIO_API_BASE_URL: twilio.baseUrl, BOOTSTRAP_API_KEY: KEY });
    // One after the other: the first creates the key on the empty database, the second finds it.
    const flagsOf = (name: string) => (args.has(name) ? args.get(name)!.split(" ").filter(Boolean) : flags);
    servers.push(await startProcess(basePath, env, 120_000, flagsOf("base-flags")));
    servers.push(await startProcess(entry, env, 120_000, flagsOf("new-flags")));
    const watcher = await openSession(target);
    let slot = 0;
    let nextOffer = 0;
    const measure = async (server: BenchProcess, warm: boolean): Promise<Measured> => {
      if (scenario === "p1") {
        if (warm) slot += (await runPipeline(server.baseUrl, KEY, { organisationId: seeded.organisationId, connections: 4, durationSeconds: 2, firstSlot: slot })).slotsUsed;
        const meter = startCpuMeter(server.child.pid, true);
        const result = await runPipeline(server.baseUrl, KEY, { organisationId: seeded.organisationId, connections: 64, durationSeconds: seconds, firstSlot: slot });
        slot += result.slotsUsed;
        return { rate: result.pipelinesPerSecond, p50: result.http.latencyMs.p50, units: result.pipelines, cpu: meter.stop() };
      }
      if (scenario === "p2") {
        const meter = startCpuMeter(server.child.pid, true);
        const result = await runCandidates(server.baseUrl, KEY, seeded.job, { interpreters, pastAssignments: assignments, connections: 1, durationSeconds: seconds });
        return { rate: result.http.requestsPerSecond, p50: result.http.latencyMs.p50, units: result.http.requests, cpu: meter.stop() };
      }
      const offers = seeded.offers.slice(nextOffer, nextOffer + REPLIES_PER_RUN);
      nextOffer += REPLIES_PER_RUN;
      const meter = startCpuMeter(server.child.pid, true);
      const awaitingWave = async () => (await watcher.query<{ count: number }>(AWAITING_WAVE_SQL, []))[0]!.count;
      const result = await runSmsReplies(server.baseUrl, prepareReplies(offers, randomBytes(4).toString("hex")), 16, awaitingWave);
      return { rate: result.waves?.repliesPerSecondWithWaves ?? result.repliesPerSecond, p50: result.http.latencyMs.p50, units: result.replies, cpu: meter.stop() };
    };
    const rows: string[][] = [];
    const rates: [number[], number[]] = [[], []];
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const which of order) {
        const result = await measure(servers[which]!, round === 0);
        if (result.rate !== null) rates[which as 0 | 1].push(result.rate);
        rows.push([String(round + 1), which === 0 ? "base" : "new", show(result.rate), show(result.p50, 2), cpuShare(result.cpu, result.units)]);
        progress(rows.at(-1)!.join("  "));
      }
    }
    await watcher.close();
    const unit = { p1: "pipelines/s", p2: "answers/s", p4: "replies/s" }[scenario];
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? null;
    process.stdout.write(`\n${formatTable(["round", "build", unit!, "p50 ms", "CPU per unit"], rows)}\n`);
    const [base, current] = [median(rates[0]), median(rates[1])];
    process.stdout.write(`\nmedian ${unit}: base ${show(base)}, new ${show(current)}${base && current ? ` (new/base ${(current / base).toFixed(3)})` : ""}\n`);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await twilio.close();
    if (args.has("keep")) process.stderr.write(`Kept: ${target.kind === "postgres" ? target.url : target.dataDir}\n`);
    else await dropTarget(target);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
