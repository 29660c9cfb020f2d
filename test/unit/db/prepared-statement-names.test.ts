import { describe, expect, it } from "vitest";
import { preparedStatementNames } from "../../../src/db/prepared-statements";

describe("preparedStatementNames", () => {
  it("gives one text the same name every time, in every process, and another text another name", () => {
    const name = preparedStatementNames();
    const ranking = name({ sql: "SELECT $1::int", args: [1] });
    expect(ranking).toMatch(/^dp_[0-9a-f]{32}$/);
    expect(name({ sql: "SELECT $1::int", args: [2] })).toBe(ranking);
    expect(preparedStatementNames()({ sql: "SELECT $1::int", args: [3] })).toBe(ranking);
    expect(name({ sql: "SELECT $1::text", args: ["a"] })).not.toBe(ranking);
  });

  it("leaves statements without parameters unprepared: their text may hold several statements", () => {
    expect(preparedStatementNames()({ sql: "SELECT 1; SELECT 2", args: [] })).toBeUndefined();
  });

  it("names at most `limit` texts and runs further ones unprepared, but keeps naming those it named", () => {
    const name = preparedStatementNames(2);
    const first = name({ sql: "SELECT $1", args: [1] });
    const second = name({ sql: "SELECT $1, 2", args: [1] });
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(name({ sql: "SELECT $1, 3", args: [1] })).toBeUndefined();
    expect(name({ sql: "SELECT $1", args: [9] })).toBe(first);
  });
});
