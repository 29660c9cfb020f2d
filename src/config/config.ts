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
  DATA_DIR: withDefault(z.string().min(1), "./data"),
  BOOTSTRAP_API_KEY: optional(
    z.string().min(32, "must be at least 32 characters").regex(/^\S+$/, "must not contain spaces"),
  ),
  LOG_LEVEL: withDefault(z.enum(LOG_LEVELS), "info"),
  PUBLIC_BASE_URL: optional(z.url({ protocol: /^https?$/ })),
  BODY_LIMIT_BYTES: withDefault(z.coerce.number().int().min(1024), 1024 * 1024),
  SHUTDOWN_TIMEOUT_MS: withDefault(z.coerce.number().int().min(0), 10_000),
  SHARE_INTERPRETER_PHONE: withDefault(booleanFlag, "false"),
  TRAVEL_BUFFER_MINUTES: withDefault(z.coerce.number().int().min(0).max(240), 30),
  LATE_CANCELLATION_HOURS: withDefault(z.coerce.number().min(0).max(24 * 14), 24),
  DISPATCH_INTERVAL_SECONDS: withDefault(z.coerce.number().int().min(0).max(3600), 60),
});

export type Config = z.infer<typeof ConfigSchema>;

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
