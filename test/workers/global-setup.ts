// Runs in the Node process that hosts Miniflare. When workerd shuts down at the end of the run,
// Miniflare's local Hyperdrive proxy can see PostgreSQL connections reset that a Worker had not
// closed yet (a `waitUntil` still running); that socket error has no listener and would fail an
// otherwise green run. Only that error is ignored.
export default function setup() {
  const ignoreReset = (error: NodeJS.ErrnoException) => {
    if (error?.code === "ECONNRESET") return;
    throw error;
  };
  // Kept until the process exits: the reset comes after the run's teardown.
  process.on("uncaughtException", ignoreReset);
}
