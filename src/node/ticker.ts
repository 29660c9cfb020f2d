/**
 * Runs `work` every `intervalMs` (0 = never), never two at once. `stop()` aborts the signal the
 * run in progress was given and waits for it: work that checks the signal between its steps ends
 * after the step in hand, so a shutdown is not held up by a long run.
 *
 * @example
 * const ticker = startTicker(60_000, (signal) => dispatch.tick({ signal }), (error) => logger.error({ err: error }));
 * await ticker.stop();
 */
export function startTicker(intervalMs: number, work: (signal: AbortSignal) => Promise<unknown>, onError: (error: unknown) => void) {
  const stopping = new AbortController();
  let running: Promise<void> | null = null;
  const run = () => {
    if (running || stopping.signal.aborted) return;
    running = work(stopping.signal)
      .then(() => {}, onError)
      .finally(() => {
        running = null;
      });
  };
  const timer = intervalMs > 0 ? setInterval(run, intervalMs) : null;
  timer?.unref();
  if (timer) setTimeout(run, 1000).unref();
  return {
    /** Starts a run now unless one is in progress (or stopped). */
    runNow: run,
    async stop() {
      stopping.abort();
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
