// Runs in the Node process that hosts Miniflare. When workerd shuts down at the end of the run,
// Miniflare's local Hyperdrive proxy can see PostgreSQL connections reset that a Worker had not
// closed yet (a `waitUntil` still running), or still pipe PostgreSQL's last bytes into a socket
// workerd already ended (EPIPE, "This socket has been ended by the other party"); those socket
// errors have no listener and would fail an otherwise green run. Only these two are ignored.
const TEARDOWN_SOCKET_ERRORS = new Set(["ECONNRESET", "EPIPE"]);

export default function setup() {
  const ignoreReset = (error: NodeJS.ErrnoException) => {
    if (error?.code && TEARDOWN_SOCKET_ERRORS.has(error.code)) return;
    throw error;
  };
  // Kept until the process exits: the reset comes after the run's teardown.
  process.on("uncaughtException", ignoreReset);
}
