// CPU time used during a measurement, per party: the server process, the PostgreSQL server's
// processes (when it runs on this machine) and the load generator (this process). On 2 shared
// cores a throughput is bound by their sum, so this tells where a pipeline's time goes.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** CPU milliseconds each party used between `start` and `stop`; null where it cannot be read. */
export interface CpuUse {
  server: number | null;
  database: number | null;
  loadGenerator: number;
  /**
   * The share of the machine's CPU time that its hypervisor gave to other guests meanwhile
   * ("steal" in /proc/stat), in percent; null where it cannot be read. On a shared VM this moves
   * every number of a run, and it tells a slow phase from a slow change.
   */
  stolenPercent?: number | null;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  return ticksPerSecond;
}

/**
 * The user + system clock ticks of a `/proc/<pid>/stat` line. The process name (2nd field) is in
 * parentheses and may itself hold spaces and parentheses, so fields are counted after its last ")".
 *
 * @example
 * cpuTicksOfStat("42 (node) S 1 42 42 0 -1 4194560 100 0 0 0 250 30 0 0"); // 280
 */
export function cpuTicksOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the name: state is field 3, utime field 14, stime field 15 (man 5 proc).
  return Number(fields[11]) + Number(fields[12]);
}

function ticksOf(pid: number): number | null {
  try {
    return cpuTicksOfStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return null;
  }
}

/**
 * The steal and total ticks of the first ("cpu", all cores) line of /proc/stat: user nice system
 * idle iowait irq softirq steal guest guest_nice; guest time is counted in user time already.
 *
 * @example
 * stealOfStat("cpu  100 0 50 800 10 0 5 35 0 0\ncpu0 …"); // { steal: 35, total: 1000 }
 */
export function stealOfStat(stat: string): { steal: number; total: number } | null {
  const line = stat.split("\n").find((entry) => entry.startsWith("cpu "));
  if (!line) return null;
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 8 || fields.some((value) => !Number.isFinite(value))) return null;
  return { steal: fields[7]!, total: fields.reduce((sum, value) => sum + value, 0) };
}

function machineSteal(): { steal: number; total: number } | null {
  try {
    return stealOfStat(readFileSync("/proc/stat", "utf8"));
  } catch {
    return null;
  }
}

/** Every running PostgreSQL server process of this machine, with its ticks so far. */
function databaseTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return ticks;
  }
  for (const entry of entries) {
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() !== "postgres") continue;
      const used = ticksOf(Number(entry));
      if (used !== null) ticks.set(Number(entry), used);
    } catch {
      // The process ended meanwhile.
    }
  }
  return ticks;
}

/**
 * Starts counting CPU time. With `databaseIsLocal`, the PostgreSQL processes of this machine are
 * counted (backends started meanwhile count from zero, ended ones are lost — the pool keeps its
 * connections open during a run).
 *
 * @example
 * const meter = startCpuMeter(server.child.pid, true); await load(); meter.stop(); // { server: 5210, database: 3120, loadGenerator: 1400 }
 */
export function startCpuMeter(serverPid: number | undefined, databaseIsLocal: boolean): { stop(): CpuUse } {
  const perTick = 1000 / clockTicks();
  const server = serverPid === undefined ? null : ticksOf(serverPid);
  const database = databaseIsLocal ? databaseTicks() : null;
  const self = process.cpuUsage();
  const steal = machineSteal();
  return {
    stop: () => {
      const serverNow = serverPid === undefined ? null : ticksOf(serverPid);
      let databaseUsed: number | null = null;
      if (database) {
        databaseUsed = 0;
        for (const [pid, ticks] of databaseTicks()) databaseUsed += ticks - (database.get(pid) ?? 0);
      }
      const own = process.cpuUsage(self);
      const stealNow = machineSteal();
      const elapsed = steal && stealNow ? stealNow.total - steal.total : 0;
      return {
        stolenPercent: steal && stealNow && elapsed > 0 ? Math.round(((stealNow.steal - steal.steal) / elapsed) * 1000) / 10 : null,
        server: server === null || serverNow === null ? null : Math.round((serverNow - server) * perTick),
        database: databaseUsed === null ? null : Math.round(databaseUsed * perTick),
        loadGenerator: Math.round((own.user + own.system) / 1000),
      };
    },
  };
}
