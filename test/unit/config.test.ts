import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config/config";

describe("parseConfig", () => {
  it("applies the defaults for an empty environment", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      PORT: 8080,
      HOST: "0.0.0.0",
      DATA_DIR: "./data",
      LOG_LEVEL: "info",
      BODY_LIMIT_BYTES: 1024 * 1024,
      SHARE_INTERPRETER_PHONE: false,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.BOOTSTRAP_API_KEY).toBeUndefined();
  });

  it("treats empty variables as unset", () => {
    expect(parseConfig({ PORT: "", DATABASE_URL: "" })).toMatchObject({ PORT: 8080, DATABASE_URL: undefined });
  });

  it("reads and converts given values", () => {
    const config = parseConfig({
      PORT: "3000",
      DATABASE_URL: "postgres://u@db:5432/pool",
      SHARE_INTERPRETER_PHONE: "true",
      BOOTSTRAP_API_KEY: "x".repeat(40),
    });
    expect(config).toMatchObject({ PORT: 3000, DATABASE_URL: "postgres://u@db:5432/pool", SHARE_INTERPRETER_PHONE: true });
  });

  it("names every variable with a bad value", () => {
    let error: unknown;
    try {
      parseConfig({ PORT: "eighty", DATABASE_URL: "mysql://x", BOOTSTRAP_API_KEY: "short", LOG_LEVEL: "loud" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const variables = (error as ConfigError).problems.map((problem) => problem.variable).sort();
    expect(variables).toEqual(["BOOTSTRAP_API_KEY", "DATABASE_URL", "LOG_LEVEL", "PORT"]);
    expect((error as Error).message).toContain("DATABASE_URL: must be a postgres://");
  });
});
