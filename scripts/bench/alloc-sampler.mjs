// Loaded into the benchmarked server with `--import` when `npm run bench -- --alloc-profile` runs
// (ALLOC_PROFILE_DIR set): V8's sampling heap profiler records where memory is allocated, garbage
// included (what the garbage collector's share of a CPU profile cannot tell), from the start to
// the process's exit, and writes ALLOC.<pid>.heapprofile there (Chrome DevTools reads it;
// `scripts/bench/alloc-summary.ts` summarises it).
import { Session } from "node:inspector";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const dir = process.env.ALLOC_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  // One sample per 8 KiB allocated on average: about a hundred thousand samples per GB.
  session.post("HeapProfiler.startSampling", { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  // A same-thread inspector session answers synchronously, so the profile is written even from
  // the exit handler, after the server's own shutdown.
  process.on("exit", () => {
    session.post("HeapProfiler.stopSampling", (error, result) => {
      if (error || !result) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `ALLOC.${process.pid}.heapprofile`), JSON.stringify(result.profile));
    });
  });
}
