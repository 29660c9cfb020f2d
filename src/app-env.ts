import type { Config } from "./config/config";
import type { Database } from "./db/database";
import type { Clock } from "./lib/clock";
import type { Logger } from "./lib/logger";
import type { RandomSource } from "./lib/random";
import type { SmsSender } from "./sms/sms-sender";
import type { Services } from "./services";
import type { Actor } from "./auth/actor";

/** Everything with a side effect that the app needs, injected by the entry point or a test. */
export interface AppDeps {
  config: Config;
  db: Database;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  sms: SmsSender;
  /** Waits (the SMS outbox paces its sends), less if `signal` aborts; tests pass one that moves a fake clock. */
  sleep: (milliseconds: number, signal?: AbortSignal) => Promise<void>;
  /** Outgoing HTTP (organisation webhooks). */
  fetch: typeof fetch;
}

/** Hono's environment type for every router of the app. */
export interface AppEnv {
  Variables: {
    requestId: string;
    services: Services;
    deps: AppDeps;
    actor: Actor;
  };
}
