import { z } from "zod";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Treats an empty variable like an unset one, so `FOO=` in a .env file means "use the default". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess((value) => (value === "" || value === undefined ? fallback : value), schema);

const booleanFlag = z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1");

/**
 * Every environment variable the service reads, with its default.
 * The same schema validates Workers bindings, so nothing here may be Node-specific.
 */
export const ConfigSchema = z.object({
  NODE_ENV: withDefault(z.enum(["development", "production", "test"]), "development"),
  PORT: withDefault(z.coerce.number().int().min(0).max(65535), 8080),
  HOST: withDefault(z.string().min(1), "0.0.0.0"),
  DATABASE_URL: optional(
    z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection URL"),
  ),
  DATABASE_POOL_SIZE: withDefault(z.coerce.number().int().min(1).max(200), 10),
  /** Statements prepared once per connection (PostgreSQL server); off behind a pooler in transaction mode. */
  DATABASE_PREPARED_STATEMENTS: withDefault(booleanFlag, "true"),
  DATA_DIR: withDefault(z.string().min(1), "./data"),
  BOOTSTRAP_API_KEY: optional(
    z.string().min(32, "must be at least 32 characters").regex(/^\S+$/, "must not contain spaces"),
  ),
  LOG_LEVEL: withDefault(z.enum(LOG_LEVELS), "info"),
  PUBLIC_BASE_URL: optional(z.url({ protocol: /^https?$/ })),
  BODY_LIMIT_BYTES: withDefault(z.coerce.number().int().min(1024), 1024 * 1024),
  SHUTDOWN_TIMEOUT_MS: withDefault(z.coerce.number().int().min(0), 10_000),
  /** Requests per API key per minute (0: no limit); over it the key gets 429 with Retry-After. */
  RATE_LIMIT_PER_MINUTE: withDefault(z.coerce.number().int().min(0), 600),
  /**
   * How long an instance remembers a valid API key (0: never): saves the key lookup on most
   * requests. Revoking forgets the key at once on the instance that revoked it; other instances
   * (and revocations by the CLI) refuse it after at most this long.
   */
  API_KEY_CACHE_SECONDS: withDefault(z.coerce.number().int().min(0).max(300), 5),
  /** A request still running after this long is answered 503 (its transaction is rolled back). */
  REQUEST_TIMEOUT_MS: withDefault(z.coerce.number().int().min(100), 15_000),
  /** A database statement running longer than this is cancelled, and the request answered 503. */
  DATABASE_STATEMENT_TIMEOUT_MS: withDefault(z.coerce.number().int().min(100), 10_000),
  /** Months after which contact details, notes, case references and SMS texts are removed. */
  RETENTION_MONTHS: withDefault(z.coerce.number().int().min(1).max(240), 24),
  /** Days a record of who read an interpreter's phone number or IBAN is kept (access logs: commonly a year). */
  READ_AUDIT_RETENTION_DAYS: withDefault(z.coerce.number().int().min(1).max(3650), 365),
  SHARE_INTERPRETER_PHONE: withDefault(booleanFlag, "false"),
  TRAVEL_BUFFER_MINUTES: withDefault(z.coerce.number().int().min(0).max(240), 30),
  LATE_CANCELLATION_HOURS: withDefault(z.coerce.number().min(0).max(24 * 14), 24),
  DISPATCH_INTERVAL_SECONDS: withDefault(z.coerce.number().int().min(0).max(3600), 60),
  AUTO_DISPATCH: withDefault(booleanFlag, "true"),
  OFFER_TTL_MINUTES: withDefault(z.coerce.number().int().min(1).max(7 * 24 * 60), 120),
  OFFER_WAVE_SIZE: withDefault(z.coerce.number().int().min(1).max(50), 3),
  REMINDER_HOURS: withDefault(
    z
      .string()
      .regex(/^\s*(\d+\s*(,\s*\d+\s*)*)?$/, "comma-separated whole hours, e.g. 24,2")
      .transform((value) => value.split(",").map((part) => part.trim()).filter(Boolean).map(Number)),
    "24,2",
  ),
  ALLOWANCE_APPROVAL: withDefault(z.enum(["auto", "coordinator"]), "auto"),
  ALLOWANCE_YEARLY_CAPS: withDefault(
    z
      .string()
      .regex(/^\s*\d{4}\s*:\s*\d+\s*(,\s*\d{4}\s*:\s*\d+\s*)*$/, "year:cents pairs, e.g. 2021:84000,2026:96000")
      .transform((value) =>
        value
          .split(",")
          .map((pair) => pair.split(":").map((part) => Number(part.trim())) as [number, number])
          .sort((a, b) => a[0] - b[0]),
      ),
    "2021:84000,2026:96000",
  ),
  SEPA_DEBTOR_NAME: withDefault(z.string().min(1).max(70), "Dolmetscherpool"),
  SEPA_DEBTOR_IBAN: optional(z.string().regex(/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/, "must be an IBAN in electronic format (no spaces)")),
  SEPA_DEBTOR_BIC: optional(z.string().regex(/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/, "must be a BIC")),
  DATEV_CONSULTANT_NUMBER: withDefault(z.coerce.number().int().min(1001).max(9999999), 1001),
  DATEV_CLIENT_NUMBER: withDefault(z.coerce.number().int().min(1).max(99999), 1),
  DATEV_EXPENSE_ACCOUNT: withDefault(z.string().regex(/^\d{4,9}$/, "an account number"), "6300"),
  DATEV_CONTRA_ACCOUNT: withDefault(z.string().regex(/^\d{4,9}$/, "an account number"), "1800"),
  SMS_PROVIDER: optional(z.enum(["twilio", "outbox"])),
  SMS_RATE_PER_SECOND: withDefault(z.coerce.number().positive().max(100), 1),
  TWILIO_ACCOUNT_SID: optional(z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must look like AC followed by 32 hex digits")),
  TWILIO_AUTH_TOKEN: optional(z.string().min(16)),
  TWILIO_FROM: optional(z.string().regex(/^\+[1-9]\d{6,14}$/, "must be a phone number in E.164, e.g. +4915112345678")),
  TWILIO_MESSAGING_SERVICE_SID: optional(z.string().regex(/^MG[0-9a-fA-F]{32}$/, "must look like MG followed by 32 hex digits")),
  /** Only for tests and proxies: where the Twilio client sends its API requests. */
  TWILIO_API_BASE_URL: optional(z.url({ protocol: /^https?$/ })),
}).superRefine((config, ctx) => {
  if (config.SMS_PROVIDER !== "twilio") return;
  const need = (variable: keyof typeof config, message: string) => {
    if (!config[variable]) ctx.addIssue({ code: "custom", path: [variable], message });
  };
  need("TWILIO_ACCOUNT_SID", "is required when SMS_PROVIDER=twilio");
  need("TWILIO_AUTH_TOKEN", "is required when SMS_PROVIDER=twilio");
  if (!config.TWILIO_FROM && !config.TWILIO_MESSAGING_SERVICE_SID) {
    ctx.addIssue({ code: "custom", path: ["TWILIO_FROM"], message: "TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID is required when SMS_PROVIDER=twilio" });
  }
  if (!config.PUBLIC_BASE_URL) ctx.addIssue({ code: "custom", path: ["PUBLIC_BASE_URL"], message: "is required when SMS_PROVIDER=twilio (for delivery status callbacks)" });
});

export type Config = z.infer<typeof ConfigSchema>;

/** Twilio when its credentials are there (or SMS_PROVIDER says so), otherwise the recording outbox. */
export function smsProviderOf(config: Config): "twilio" | "outbox" {
  if (config.SMS_PROVIDER) return config.SMS_PROVIDER;
  return config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && (config.TWILIO_FROM || config.TWILIO_MESSAGING_SERVICE_SID) && config.PUBLIC_BASE_URL
    ? "twilio"
    : "outbox";
}

/** Configured values that must never appear in a log line (see src/lib/log-redaction.ts). */
export function configSecrets(config: Config): string[] {
  return [config.TWILIO_AUTH_TOKEN, config.BOOTSTRAP_API_KEY, config.DATABASE_URL].filter((value): value is string => !!value);
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      "Invalid configuration:\n" +
        problems.map((problem) => `  ${problem.variable}: ${problem.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/**
 * Parses configuration from an environment object (`process.env` on Node, bindings on Workers).
 *
 * @example
 * const config = parseConfig({ PORT: "3000" });
 * config.PORT; // 3000
 * @throws {ConfigError} naming each variable with a bad value
 */
export function parseConfig(env: Record<string, unknown>): Config {
  const result = ConfigSchema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? "(environment)"),
      message: issue.message,
    })),
  );
}
