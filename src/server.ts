// Runs the service on Node: `npm start`.
import { serve } from "@hono/node-server";
import { createApp } from "./app";
import { createApiKeyService } from "./features/api-keys/api-keys.service";
import { createServices } from "./services";
import { startTicker } from "./node/ticker";
import {
  createLogger,
  describeDatabase,
  exitWithError,
  loadConfigOrExit,
  nodeDeps,
  openMigratedDatabase,
} from "./node/runtime";

const config = loadConfigOrExit();
const logger = createLogger(config);
const db = await openMigratedDatabase(config).catch(exitWithError);
const deps = nodeDeps(config, db, logger);

const bootstrapKey = await db
  .withStartupLock(() => createApiKeyService(deps).bootstrap(config.BOOTSTRAP_API_KEY))
  .catch(exitWithError);
if (bootstrapKey) {
  // Printed once, on purpose, outside the structured log: it is the only way to get in.
  process.stdout.write(
    [
      "",
      "  The database had no API keys, so this coordinator key was created.",
      "  It is shown only now; store it safely:",
      "",
      `  BOOTSTRAP_COORDINATOR_KEY=${bootstrapKey}`,
      "",
      "",
    ].join("\n"),
  );
}

const app = createApp(deps);
const services = createServices(deps);
await services.outbox.recoverStuck();
const ticker = startTicker(
  config.DISPATCH_INTERVAL_SECONDS * 1000,
  async (signal) => {
    const result = await services.dispatch.tick({ deliver: false, signal });
    if (result.unfilled + result.offersSent + result.reminders + result.expiredOffers > 0) logger.info({ ...result }, "dispatch tick");
  },
  (error) => logger.error({ err: error }, "dispatch tick failed"),
);
// The outbox worker: queued SMS and webhooks go out within about a second, paced to the rate.
const outboxWorker = startTicker(
  1000,
  async (signal) => {
    await services.outbox.deliverDue({ signal });
    await services.webhooks.deliverDue({ signal });
  },
  (error) => logger.error({ err: error }, "outbox delivery failed"),
);
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
  logger.info({ port: info.port, host: config.HOST, database: describeDatabase(config), sms: deps.sms.name }, "listening");
  process.stdout.write(`Dolmetscherpool listening on http://${config.HOST}:${info.port} (${describeDatabase(config)})\n`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down: no new connections, finishing requests in flight");
  const forceExit = setTimeout(() => {
    logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, "requests still running at the shutdown timeout; exiting");
    process.exit(1);
  }, config.SHUTDOWN_TIMEOUT_MS);
  forceExit.unref();
  await Promise.all([ticker.stop(), outboxWorker.stop()]);
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    // Idle keep-alive connections would hold close() open; busy ones finish their request first.
    if ("closeIdleConnections" in server) server.closeIdleConnections();
  });
  await db.close();
  logger.info({}, "stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
