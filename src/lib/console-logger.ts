import type { Logger } from "./logger";

/** JSON lines on the console, for runtimes without pino (Workers' logs collect console output). */
export function consoleLogger(bindings: Record<string, unknown> = {}, level: "info" | "debug" | "warn" | "error" | "silent" = "info"): Logger {
  const order = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };
  const write = (lineLevel: "debug" | "info" | "warn" | "error") => (object: object, message?: string) => {
    if (order[lineLevel] < order[level]) return;
    const safe = Object.fromEntries(Object.entries(object).map(([key, value]) => [key, value instanceof Error ? { message: value.message, name: value.name } : value]));
    console.log(JSON.stringify({ level: lineLevel, time: new Date().toISOString(), ...bindings, ...safe, ...(message ? { msg: message } : {}) }));
  };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: (more) => consoleLogger({ ...bindings, ...more }, level),
    isLevelEnabled: (lineLevel) => order[lineLevel] >= order[level],
  };
}
