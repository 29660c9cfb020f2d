import { readFile } from "node:fs/promises";
import { setFlagsFromString } from "node:v8";
import pino from "pino";
import type { AppDeps } from "../app-env";
import { ConfigError, configSecrets, parseConfig, smsProviderOf, type Config } from "../config/config";
import { RecordingSmsSender, type SmsSender } from "../sms/sms-sender";
import { TwilioSmsSender } from "../sms/twilio-sender";
import { DataDirInUseError } from "../db/data-dir-lock";
import { MigrationError } from "../db/migrations";
import { openDatabase, type NodeDatabase } from "../db/open-database";
import { systemClock } from "../lib/clock";
import type { Logger } from "../lib/logger";
import { createRedactor, redactingLogger } from "../lib/log-redaction";
import { cryptoRandom } from "../lib/random";
import { sleep } from "../lib/sleep";

/** Errors whose message is meant for the person starting the process: print it, no stack. */
const EXPLAINED_ERRORS = [ConfigError, DataDirInUseError, MigrationError];

/** Reads the configuration from the environment or exits with a message naming the bad variables. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return parseConfig(env);
  } catch (error) {
    exitWithError(error);
  }
}

/** The text of a file named on the command line, or exit with a message. */
export async function readFileOrExit(file: string): Promise<string> {
  return readFile(file, "utf8").catch((error: Error) => {
    console.error(`Cannot read ${file}: ${error.message}`);
    process.exit(1);
  });
}

export function exitWithError(error: unknown): never {
  if (EXPLAINED_ERRORS.some((type) => error instanceof type)) {
    console.error(`\n${(error as Error).message}\n`);
  } else {
    console.error(error);
  }
  process.exit(1);
}

/**
 * JSON lines on stdout (pino), or into `destination` (a file path; tests collect their logs this
 * way). Every object is scrubbed of keys, tokens, phone numbers and IBANs first.
 */
export function createLogger(config: Config, destination?: string): Logger {
  const logger = pino(
    { level: config.LOG_LEVEL, base: { service: "dolmetscherpool" } },
    destination ? pino.destination({ dest: destination, sync: true, mkdir: true }) : undefined,
  );
  return redactingLogger(logger, createRedactor(configSecrets(config)));
}

/**
 * Opens the configured database and brings it up to date: migrations, and on an empty database
 * the first coordinator key (returned so the caller can print it once).
 */
export async function openMigratedDatabase(config: Config): Promise<NodeDatabase> {
  // On a PostgreSQL server the only WebAssembly here is Prisma's query compiler. V8 compiles it
  // with its baseline compiler and then again, optimised, with TurboFan: ~70 MiB of memory for no
  // measurable gain (P1 and P4 of scripts/bench ran as fast without; see RESULTS.md). The flag
  // applies to modules compiled from now on; the embedded database (PostgreSQL itself in
  // WebAssembly) keeps the optimising compiler.
  if (config.DATABASE_URL) setFlagsFromString("--liftoff-only");
  const db = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS,
  });
  try {
    await db.withStartupLock(() => db.migrate());
    return db;
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
}

/** The production dependencies on Node around an open database. */
export function nodeDeps(config: Config, db: NodeDatabase, logger: Logger): AppDeps {
  return {
    config,
    db,
    clock: systemClock,
    random: cryptoRandom,
    logger,
    sms: createSmsSender(config),
    sleep,
    fetch: globalThis.fetch,
  };
}

/** Twilio when configured (SMS_PROVIDER or its credentials), otherwise the recording outbox. */
export function createSmsSender(config: Config): SmsSender {
  if (smsProviderOf(config) === "outbox") return new RecordingSmsSender();
  return new TwilioSmsSender({
    accountSid: config.TWILIO_ACCOUNT_SID!,
    authToken: config.TWILIO_AUTH_TOKEN!,
    from: config.TWILIO_FROM,
    messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID,
    apiBaseUrl: config.TWILIO_API_BASE_URL,
  });
}

export function describeDatabase(config: Config): string {
  if (!config.DATABASE_URL) return `embedded PostgreSQL in ${config.DATA_DIR}`;
  const url = new URL(config.DATABASE_URL);
  return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
}
