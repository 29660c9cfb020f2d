import { describe, expect, it } from "vitest";
import { createRedactor, redactingLogger } from "../../src/lib/log-redaction";
import type { Logger } from "../../src/lib/logger";

const redact = createRedactor(["twilio-auth-token-0123456789abcdef"]);
const text = (value: unknown) => JSON.stringify(redact(value));

/** A logger that collects the objects of every line (and of its children's) in `lines`. */
function sinkInto(lines: unknown[], isLevelEnabled?: Logger["isLevelEnabled"]): Logger {
  const write = (object: object) => void lines.push(object);
  const sink: Logger = { info: write, warn: write, error: write, debug: write, child: () => sink, ...(isLevelEnabled ? { isLevelEnabled } : {}) };
  return sink;
}

describe("log redaction", () => {
  it("replaces API keys, bearer tokens and configured secrets", () => {
    const out = text({
      msg: "key dp_Jq3vAbCdEfGhIjKlMnOpQrStUvWxYz0123456789abc was revoked",
      header: "Bearer abcdefghijklmnop",
      err: new Error("auth failed with twilio-auth-token-0123456789abcdef"),
    });
    expect(out).not.toContain("Jq3vAbCdEf");
    expect(out).not.toContain("abcdefghijklmnop");
    expect(out).not.toContain("twilio-auth-token");
    expect(out).toContain("dp_[redacted]");
  });

  it("replaces phone numbers in international and national forms, and IBANs printed either way", () => {
    for (const secret of ["+4915112345678", "+49 151 1234 5678", "004915112345678", "0151 12345678", "0221/1234567", "DE89370400440532013000", "DE89 3704 0044 0532 0130 00"]) {
      expect(text({ err: new Error(`The 'To' number ${secret} is not valid`) }), secret).not.toContain(secret);
    }
  });

  it("drops fields whose name says they hold a secret or personal data", () => {
    expect(redact({ phone: "+4915112345678", iban: "x", to: "y", authorization: "z", keyId: "k1", bookingId: "b1" })).toEqual({
      phone: "[redacted]",
      iban: "[redacted]",
      to: "[redacted]",
      authorization: "[redacted]",
      keyId: "k1",
      bookingId: "b1",
    });
  });

  it("keeps what makes logs useful: ids, timestamps, durations, routes, status codes", () => {
    const line = {
      requestId: "0192f1e2-8c4b-7d6e-9f00-123456789abc",
      route: "/v1/bookings/:id/assign",
      status: 201,
      durationMs: 12.5,
      at: "2026-11-24T08:00:00.000Z",
      code: "20260324",
    };
    expect(redact(line)).toEqual(line);
  });

  it("scrubs the credentials of a connection URL but keeps the host", () => {
    expect(text({ database: "postgres://app:hunter22@db.example:5432/pool" })).toContain("postgres://app:[redacted]@db.example:5432/pool");
  });

  it("wraps a logger so every level and child passes through it", () => {
    const lines: unknown[] = [];
    const sink = sinkInto(lines);
    const logger = redactingLogger(sink, redact);
    logger.error({ err: new Error("SMS to +4915112345678 failed") });
    logger.child({ to: "+4915112345678" }).info({ ok: true });
    expect(JSON.stringify(lines)).not.toContain("15112345678");
    expect(lines[0]).toMatchObject({ err: { type: "Error", message: "SMS to [phone redacted] failed" } });
  });

  it("scrubs only lines the inner logger's level lets through, and scrubs those", () => {
    const lines: unknown[] = [];
    const scrubbed: unknown[] = [];
    const counting = (value: unknown) => {
      scrubbed.push(value);
      return redact(value);
    };
    const sink = sinkInto(lines, (level) => level === "warn" || level === "error");
    const logger = redactingLogger(sink, counting);
    logger.info({ route: "/v1/bookings", to: "+4915112345678" }, "request");
    logger.debug({ detail: 1 });
    expect(scrubbed).toEqual([]);
    expect(lines).toEqual([]);
    logger.warn({ note: "SMS to +4915112345678 bounced" });
    expect(lines).toEqual([{ note: "SMS to [phone redacted] bounced" }]);
    expect(scrubbed).toHaveLength(1);
    expect(logger.isLevelEnabled?.("info")).toBe(false);
  });

  it("asks pino and the console logger for their level", async () => {
    const { consoleLogger } = await import("../../src/lib/console-logger");
    const quiet = consoleLogger({}, "warn");
    expect([quiet.isLevelEnabled?.("info"), quiet.isLevelEnabled?.("warn"), quiet.isLevelEnabled?.("error")]).toEqual([false, true, true]);
    const { default: pino } = await import("pino");
    const viaPino: Logger = pino({ level: "warn" });
    expect([viaPino.isLevelEnabled?.("info"), viaPino.isLevelEnabled?.("warn")]).toEqual([false, true]);
  });
});
