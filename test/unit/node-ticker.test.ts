import { describe, expect, it, vi } from "vitest";
import { sleep } from "../../src/lib/sleep";
import { startTicker } from "../../src/node/ticker";

describe("the ticker of the periodic work", () => {
  it("on stop, aborts the signal of the run in progress and waits for that run to end", async () => {
    const steps: string[] = [];
    const ticker = startTicker(0, async (signal) => {
      // Work that checks the signal between its steps, as the dispatch tick and the outbox do.
      for (let step = 1; step <= 100 && !signal.aborted; step++) {
        steps.push(`step ${step}`);
        await sleep(10, signal);
      }
      steps.push(signal.aborted ? "stopped early" : "done");
    }, (error) => steps.push(`error ${String(error)}`));
    ticker.runNow();
    await sleep(35);
    await ticker.stop();
    expect(steps.at(-1)).toBe("stopped early");
    expect(steps.length).toBeLessThan(20);
    // Stopped: no further run starts.
    ticker.runNow();
    await sleep(20);
    expect(steps.at(-1)).toBe("stopped early");
  });

  it("runs one at a time and hands a failed run's error over without stopping", async () => {
    const errors: unknown[] = [];
    let runs = 0;
    let release!: () => void;
    const ticker = startTicker(0, async () => {
      runs += 1;
      if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
      if (runs === 2) throw new Error("tick failed");
    }, (error) => errors.push(error));
    ticker.runNow();
    ticker.runNow(); // still running: ignored
    expect(runs).toBe(1);
    release();
    await sleep(5);
    ticker.runNow();
    await sleep(5);
    expect(runs).toBe(2);
    expect(errors).toEqual([new Error("tick failed")]);
    ticker.runNow();
    await ticker.stop();
    expect(runs).toBe(3);
  });
});

describe("sleep", () => {
  it("waits the time, or ends at once when its signal aborts", async () => {
    vi.useFakeTimers();
    try {
      const ended: string[] = [];
      void sleep(30).then(() => ended.push("30 ms"));
      await vi.advanceTimersByTimeAsync(29);
      expect(ended).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(ended).toEqual(["30 ms"]);

      const stop = new AbortController();
      void sleep(60_000, stop.signal).then(() => ended.push("aborted"));
      await vi.advanceTimersByTimeAsync(1000);
      expect(ended).toEqual(["30 ms"]);
      stop.abort();
      await vi.advanceTimersByTimeAsync(0);
      expect(ended).toEqual(["30 ms", "aborted"]);

      void sleep(60_000, stop.signal).then(() => ended.push("aborted before"));
      await vi.advanceTimersByTimeAsync(0);
      expect(ended).toEqual(["30 ms", "aborted", "aborted before"]);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
