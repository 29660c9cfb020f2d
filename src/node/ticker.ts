/**
 * Runs `work` every `intervalMs` (0 = never), never two at once; `stop()` waits for a run in progress.
 *
 * @example
 * const ticker = startTicker(60_000, () => dispatch.tick(), (error) => logger.error({ err: error }));
 * await ticker.stop();
 */
export function startTicker(intervalMs: number, work: () => Promise<void>, onError: (error: unknown) => void) {
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = () => {
    if (running || stopped) return;
    running = work()
      .catch(onError)
      .finally(() => {
        running = null;
      });
  };
  const timer = intervalMs > 0 ? setInterval(run, intervalMs) : null;
  timer?.unref();
  if (timer) setTimeout(run, 1000).unref();
  return {
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
