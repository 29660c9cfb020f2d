import { PrismaPg } from "@prisma/adapter-pg";
import type { AppDeps } from "../app-env";
import { configSecrets, parseConfig, smsProviderOf, type Config } from "../config/config";
import { rowsThroughPrisma, textRowsThroughPrisma, type Database } from "../db/database";
import { transactionThroughPrisma } from "../db/sql-transaction";
import type { PrismaClient as NodePrismaClient } from "../generated/prisma/client";
import { PrismaClient } from "../generated/prisma-worker/client";
import { systemClock } from "../lib/clock";
import { consoleLogger } from "../lib/console-logger";
import { createRedactor, redactingLogger } from "../lib/log-redaction";
import { cryptoRandom } from "../lib/random";
import { sleep } from "../lib/sleep";
import { RecordingSmsSender } from "../sms/sms-sender";
import { TwilioRestSender } from "../sms/twilio-rest-sender";

/** The Worker's bindings: plain variables and secrets, and Hyperdrive in front of PostgreSQL. */
export interface WorkerEnv {
  HYPERDRIVE: { connectionString: string };
  [variable: string]: unknown;
}

/** Validates the bindings with the same schema as the Node configuration (DATABASE_URL from Hyperdrive). */
export function workerConfig(env: WorkerEnv): Config {
  const variables = Object.fromEntries(Object.entries(env).filter(([, value]) => typeof value === "string"));
  return parseConfig({ ...variables, DATABASE_URL: env.HYPERDRIVE?.connectionString });
}

/**
 * A database for one request or one scheduled run: Workers cannot keep connections between
 * requests, and Hyperdrive pools them on Cloudflare's side.
 */
export function workerDatabase(connectionString: string): Database {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString, max: 5 }) }) as unknown as NodePrismaClient;
  return {
    prisma,
    kind: "postgres",
    ping: async () => void (await prisma.$queryRaw`SELECT 1`),
    textRows: textRowsThroughPrisma(prisma),
    rows: rowsThroughPrisma(prisma),
    transaction: transactionThroughPrisma(prisma),
    sql: prisma,
    close: () => prisma.$disconnect(),
  };
}

export function workerDeps(config: Config, db: Database): AppDeps {
  const logLevel = config.LOG_LEVEL === "fatal" || config.LOG_LEVEL === "trace" ? "info" : config.LOG_LEVEL;
  return {
    config,
    db,
    clock: systemClock,
    random: cryptoRandom,
    logger: redactingLogger(consoleLogger({ service: "dolmetscherpool" }, logLevel), createRedactor(configSecrets(config))),
    sms:
      smsProviderOf(config) === "twilio"
        ? new TwilioRestSender({
            accountSid: config.TWILIO_ACCOUNT_SID!,
            authToken: config.TWILIO_AUTH_TOKEN!,
            from: config.TWILIO_FROM,
            messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID,
            apiBaseUrl: config.TWILIO_API_BASE_URL,
          })
        : new RecordingSmsSender(),
    sleep,
    fetch: (...args) => fetch(...args),
  };
}
