// Cloudflare Workers entry: the same app as on Node, the database through Hyperdrive, and the
// dispatch tick from a cron trigger. Nothing here touches the file system or process.env.
import { createApp } from "./app";
import { ConfigError } from "./config/config";
import { createServices } from "./services";
import { workerConfig, workerDatabase, workerDeps, type WorkerEnv } from "./worker/worker-deps";

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

function configurationError(error: unknown): Response {
  const details = error instanceof ConfigError ? error.problems : [];
  return Response.json(
    { error: { code: "INTERNAL_ERROR", message: "The Worker's configuration is invalid; see details.", details, requestId: crypto.randomUUID() } },
    { status: 500 },
  );
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let config;
    try {
      config = workerConfig(env);
    } catch (error) {
      return configurationError(error);
    }
    const db = workerDatabase(config.DATABASE_URL!);
    const deps = workerDeps(config, db);
    // Work the app defers past its answer (e.g. the next offer wave after an SMS "NEIN") is
    // collected, so the database closes only after it.
    const deferred: Promise<unknown>[] = [];
    const requestContext = { waitUntil: (promise: Promise<unknown>) => void deferred.push(promise), passThroughOnException: () => {}, props: {} };
    const response = await createApp(deps).fetch(request, env, requestContext);
    // SMS and webhooks queued by this request go out after the answer, then the connection closes.
    const services = createServices(deps);
    ctx.waitUntil(
      (async () => {
        await Promise.allSettled(deferred);
        await services.outbox.deliverDue().catch((error) => deps.logger.error({ err: error }, "outbox delivery failed"));
        await services.webhooks.deliverDue().catch((error) => deps.logger.error({ err: error }, "webhook delivery failed"));
        await db.close();
      })(),
    );
    return response;
  },

  async scheduled(_controller: unknown, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const config = workerConfig(env);
    const db = workerDatabase(config.DATABASE_URL!);
    const deps = workerDeps(config, db);
    const services = createServices(deps);
    // No start-up on Workers: the first coordinator key (BOOTSTRAP_API_KEY) is created here, once.
    const run = (config.BOOTSTRAP_API_KEY ? services.apiKeys.bootstrap(config.BOOTSTRAP_API_KEY).catch(() => null) : Promise.resolve(null))
      .then(() => services.dispatch.tick({ deliver: true }))
      .then((result) => deps.logger.info({ ...result }, "dispatch tick"))
      .finally(() => db.close());
    ctx.waitUntil(run);
    await run;
  },
};
