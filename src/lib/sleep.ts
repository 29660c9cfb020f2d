/**
 * Waits `milliseconds`, or less: a `signal` that aborts ends the wait at once (it resolves, it
 * does not throw), so a worker pacing its sends can stop promptly when the process shuts down.
 *
 * @example
 * await sleep(1000, controller.signal); // ≤ 1 s
 */
export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, milliseconds);
    signal?.addEventListener("abort", done, { once: true });
  });
}
