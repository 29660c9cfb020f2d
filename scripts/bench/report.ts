// The benchmark report: machine details, a table per database, and the JSON in bench-results/.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { CandidatesResult } from "./scenarios/candidates";
import type { FileResult } from "./scenarios/export";
import type { CpuUse } from "./cpu";
import type { PipelineResult } from "./scenarios/pipeline";
import type { SmsResult } from "./scenarios/sms";
import { formatTable, growth, ratio, show } from "./stats";

export interface DatabaseReport {
  database: string;
  seedSeconds: number;
  /** `cpuRatioToFloor`: the floor's CPU per pipeline ÷ ours (`cpuRatio`), the ratio the CPU allows. */
  pipeline?: { ours: PipelineResult; floor: PipelineResult; ratioToFloor: number | null; cpuRatioToFloor?: number | null; connections: number };
  /** `busy`: the large pool again, for a job whose candidates all served in the 30 days before it. */
  candidates?: { small: CandidatesResult; large: CandidatesResult; growth: number | null; busy?: CandidatesResult };
  export?: { batchId: string; allowances: number; files: FileResult[] };
  sms?: SmsResult;
  /** The same replies answered by the floor server (raw SQL, the same writes); `smsRatioToFloor`: ours ÷ its replies per second. */
  smsFloor?: SmsResult;
  smsRatioToFloor?: number | null;
}

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  platform: string;
  loadAverageAtStart: number[];
}

/** Cores, memory, Node and load of this machine. @example machine().cores; // 2 */
export function machine(): Machine {
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

/**
 * The floor's CPU per pipeline, all metered parties together, as a share of ours: on two cores
 * that the server, the database and the load generator share, pipelines per second follow the CPU
 * each pipeline costs, so this is the ratio to the floor that the CPU allows. A measured ratio close
 * to it says the CPU decides, not waiting. Null unless both sides were metered alike (the database's
 * CPU counted on both sides or on neither).
 *
 * @example cpuRatio({ server: 5000, database: 5000, loadGenerator: 1000 }, 1000, { server: 1000, database: 3000, loadGenerator: 400 }, 1000); // 0.4
 */
export function cpuRatio(ours: CpuUse | undefined, oursUnits: number, floor: CpuUse | undefined, floorUnits: number): number | null {
  if (!ours || !floor || (ours.database === null) !== (floor.database === null)) return null;
  const perUnit = (cpu: CpuUse, units: number) => (cpu.server === null || units <= 0 ? null : (cpu.server + (cpu.database ?? 0) + cpu.loadGenerator) / units);
  return ratio(perUnit(floor, floorUnits), perUnit(ours, oursUnits));
}

/** Fills in the derived numbers: the ratios to the floor and the growth of the ranking's p50. @example withDerived(report).pipeline?.ratioToFloor; */
export function withDerived(report: DatabaseReport): DatabaseReport {
  if (report.pipeline) {
    const { ours, floor } = report.pipeline;
    report.pipeline.ratioToFloor = ratio(ours.pipelinesPerSecond, floor.pipelinesPerSecond);
    report.pipeline.cpuRatioToFloor = cpuRatio(ours.cpuMs, ours.pipelines, floor.cpuMs, floor.pipelines);
  }
  if (report.sms && report.smsFloor) report.smsRatioToFloor = ratio(report.sms.repliesPerSecond, report.smsFloor.repliesPerSecond);
  if (report.candidates) report.candidates.growth = growth(report.candidates.small.http.latencyMs.p50, report.candidates.large.http.latencyMs.p50);
  return report;
}

const ms = (value: number | null | undefined) => `${show(value, 2)} ms`;

/**
 * CPU milliseconds per unit of work (a pipeline, a reply) by party, and the VM's steal meanwhile.
 *
 * @example cpuShare({ server: 5000, database: 2000, loadGenerator: 1000 }, 1000); // "server 5.00 ms, database 2.00 ms, load generator 1.00 ms"
 */
export function cpuShare(cpu: CpuUse, units: number): string {
  const per = (value: number | null) => (value === null || units <= 0 ? "–" : ms(value / units));
  const steal = cpu.stolenPercent === undefined || cpu.stolenPercent === null ? "" : `; VM steal ${cpu.stolenPercent.toFixed(1)} %`;
  return `server ${per(cpu.server)}, database ${cpu.database === null ? "(in the server)" : per(cpu.database)}, load generator ${per(cpu.loadGenerator)}${steal}`;
}

/** The table printed at the end: one line per measurement, with its target. @example console.log(table(report)); */
export function table(report: DatabaseReport): string {
  const rows: string[][] = [];
  const { pipeline, candidates, sms } = report;
  if (pipeline) {
    for (const [name, result] of [["P1 pipeline (ours)", pipeline.ours], ["P1 pipeline (floor)", pipeline.floor]] as const) {
      rows.push([name, `${show(result.pipelinesPerSecond)} pipelines/s (${show(result.http.requestsPerSecond)} req/s), ${result.failedPipelines} failed`, `req ${ms(result.http.latencyMs.p50)} / ${ms(result.http.latencyMs.p99)}; pipeline ${ms(result.pipelineLatencyMs.p50)} / ${ms(result.pipelineLatencyMs.p99)}`, ""]);
    }
    rows.push(["P1 ratio to floor", show(pipeline.ratioToFloor, 3), "", "≥ 0.5, p99 < 25 ms"]);
    for (const [name, result] of [["P1 CPU per pipeline (ours)", pipeline.ours], ["P1 CPU per pipeline (floor)", pipeline.floor]] as const) {
      if (result.cpuMs) rows.push([name, cpuShare(result.cpuMs, result.pipelines), "", ""]);
    }
    if (pipeline.cpuRatioToFloor != null) rows.push(["P1 CPU ratio (floor ÷ ours)", `${show(pipeline.cpuRatioToFloor, 3)} (the ratio the CPU per pipeline allows)`, "", ""]);
  }
  if (candidates) {
    for (const result of [candidates.small, candidates.large]) {
      rows.push([`P2 candidates ${result.interpreters.toLocaleString("en")} / ${result.pastAssignments.toLocaleString("en")}`, `${result.candidates} candidates, ${Math.round(result.responseBytes / 1024)} KiB`, `${ms(result.http.latencyMs.p50)} / ${ms(result.http.latencyMs.p99)}`, result === candidates.large ? "p50 < 5 ms" : ""]);
    }
    if (candidates.large.cpuMs) rows.push(["P2 CPU per answer (large pool)", cpuShare(candidates.large.cpuMs, candidates.large.http.requests), "", ""]);
    rows.push(["P2 growth (p50, 10× pool)", `${show(candidates.growth, 2)}×`, "", "< 3×"]);
    const busy = candidates.busy;
    if (busy) rows.push(["P2 busy pool (job in 3 days)", `${busy.candidates} candidates, ${Math.round(busy.responseBytes / 1024)} KiB`, `${ms(busy.http.latencyMs.p50)} / ${ms(busy.http.latencyMs.p99)}`, ""]);
  }
  if (report.export) {
    for (const file of report.export.files) {
      rows.push([`P3 ${file.file} (${report.export.allowances.toLocaleString("en")} rows)`, `${show(file.bytes / 1024 ** 2, 1)} MiB, peak RSS ${show(file.peakRssMb, 0)} MiB (start ${show(file.startRssMb, 0)})`, `${show(file.seconds, 2)} s`, "< 10 s, < 200 MB"]);
    }
  }
  if (sms) {
    rows.push(["P4 SMS replies", `${show(sms.repliesPerSecond)} replies/s (${sms.replies}, non-2xx ${sms.http.non2xx})`, `${ms(sms.http.latencyMs.p50)} / ${ms(sms.http.latencyMs.p99)}`, "≥ 2,000/s"]);
    if (sms.cpuMs) rows.push(["P4 CPU per reply", cpuShare(sms.cpuMs, sms.replies), "", ""]);
    if (sms.waves) rows.push(["P4 incl. the NEINs' next waves", `${show(sms.waves.repliesPerSecondWithWaves)} replies/s (last wave ${sms.waves.doneAfterLastAnswerMs ?? "–"} ms after the last answer)`, "", ""]);
  }
  const floor = report.smsFloor;
  if (floor) {
    rows.push(["P4 SMS replies (floor)", `${show(floor.repliesPerSecond)} replies/s (${floor.replies}, non-2xx ${floor.http.non2xx})`, `${ms(floor.http.latencyMs.p50)} / ${ms(floor.http.latencyMs.p99)}`, ""]);
    if (floor.cpuMs) rows.push(["P4 CPU per reply (floor)", cpuShare(floor.cpuMs, floor.replies), "", ""]);
    rows.push(["P4 ratio to floor", show(report.smsRatioToFloor, 3), "", ""]);
  }
  return `${report.database} (seeding ${show(report.seedSeconds, 0)} s)\n${formatTable(["scenario", "result", "latency p50 / p99", "target"], rows)}`;
}

/** Writes the whole run to bench-results/bench-<time>.json and returns the path. @example writeJson(run); // ".../bench-results/bench-2026-….json" */
export function writeJson(run: { quick: boolean; machine: Machine; sizes: unknown; databases: DatabaseReport[]; startedAt: string; finishedAt: string }): string {
  const dir = path.resolve(import.meta.dirname, "../../bench-results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${run.startedAt.replace(/[:.]/g, "-")}${run.quick ? "-quick" : ""}.json`);
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}
