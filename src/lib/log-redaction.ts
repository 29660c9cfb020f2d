import type { Logger, LogLevel } from "./logger";

/**
 * Scrubbing of secrets and personal data from everything the service logs.
 *
 * Log lines are built from constant messages and ids, but error objects carry text written by
 * others: Twilio's errors quote the number they could not reach, a driver error may quote a value.
 * So every string in a log object passes through here before it is written: API keys, bearer
 * tokens, configured secrets (Twilio token, database password), IBANs and phone numbers are
 * replaced, and fields whose name says what they hold are dropped whole.
 */

const REDACTED = "[redacted]";

/** Field names whose values are never logged, whatever they contain. */
const SECRET_FIELD = /^(authorization|cookie|set-cookie|password|passphrase|secret|.*token|api[-_]?key|key|iban|phone|contactphone|to|from|body|replybody)$/i;

const TEXT_PATTERNS: [RegExp, string][] = [
  // API keys (`dp_` + 43 base64url characters) and anything sent as a bearer token.
  [/\bdp_[A-Za-z0-9_-]{16,}/g, "dp_[redacted]"],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, "$1 [redacted]"],
  // Credentials inside connection URLs: postgres://user:password@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, "$1[redacted]@"],
  // IBANs, electronic or printed in groups of four.
  [/\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b/g, "[IBAN redacted]"],
  // Phone numbers: international (+49 151 …, 0049…) and German national (0151 …) forms.
  [/(?<![\w+])(?:\+|00)[1-9](?:[ ()/-]?\d){7,14}\b/g, "[phone redacted]"],
  [/(?<![\w.:-])0[1-9]\d{1,4}(?:[ /-]?\d){5,10}\b/g, "[phone redacted]"],
];

export type Redactor = (value: unknown) => unknown;

/**
 * Builds the scrubber for one service: the patterns above plus the configured secrets, matched
 * verbatim (at least 8 characters, so that short values cannot blank out ordinary words).
 *
 * @example
 * const redact = createRedactor(["s3cr3t-twilio-token"]);
 * redact({ err: new Error("To +4915112345678 failed") }); // { err: { message: "To [phone redacted] failed", … } }
 */
export function createRedactor(knownSecrets: readonly (string | undefined | null)[] = []): Redactor {
  const secrets = [...new Set(knownSecrets.filter((secret): secret is string => !!secret && secret.length >= 8))]
    .sort((a, b) => b.length - a.length);
  const scrubText = (text: string): string => {
    let result = text;
    for (const secret of secrets) result = result.split(secret).join(REDACTED);
    for (const [pattern, replacement] of TEXT_PATTERNS) result = result.replace(pattern, replacement);
    return result;
  };
  const scrub = (value: unknown, depth: number, seen: WeakSet<object>): unknown => {
    if (typeof value === "string") return scrubText(value);
    if (value === null || typeof value !== "object") return value;
    if (depth > 8 || seen.has(value)) return "[…]";
    seen.add(value);
    if (value instanceof Error) return scrub(errorFields(value), depth + 1, seen);
    if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1, seen));
    if (value instanceof Date) return value.toISOString();
    const result: Record<string, unknown> = {};
    for (const [field, fieldValue] of Object.entries(value)) {
      result[field] = SECRET_FIELD.test(field) && fieldValue !== null && fieldValue !== undefined ? REDACTED : scrub(fieldValue, depth + 1, seen);
    }
    return result;
  };
  return (value) => scrub(value, 0, new WeakSet());
}

/** An error as plain fields (its own enumerable ones too, such as Prisma's `code` and `meta`). */
function errorFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { type: error.name, message: error.message, stack: error.stack };
  for (const [key, value] of Object.entries(error)) if (!(key in fields)) fields[key] = value;
  if (error.cause !== undefined) fields.cause = error.cause;
  return fields;
}

/**
 * Wraps a logger so every object passes through `redact` first.
 *
 * @example
 * const logger = redactingLogger(pino(), createRedactor([config.TWILIO_AUTH_TOKEN]));
 */
export function redactingLogger(inner: Logger, redact: Redactor): Logger {
  // Scrubbing walks the whole object with a dozen patterns: not for lines the level drops anyway
  // (every request's info line at LOG_LEVEL=warn).
  const wrap = (level: LogLevel) => (object: object, message?: string) => {
    if (inner.isLevelEnabled && !inner.isLevelEnabled(level)) return;
    inner[level](redact(object) as object, message === undefined ? undefined : (redact(message) as string));
  };
  return {
    info: wrap("info"),
    warn: wrap("warn"),
    error: wrap("error"),
    debug: wrap("debug"),
    child: (bindings) => redactingLogger(inner.child(redact(bindings) as Record<string, unknown>), redact),
    ...(inner.isLevelEnabled ? { isLevelEnabled: (level: LogLevel) => inner.isLevelEnabled!(level) } : {}),
  };
}
