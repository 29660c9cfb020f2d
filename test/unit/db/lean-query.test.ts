import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { LeanResult, leanQuery } from "../../../src/db/lean-query";

/** Fields as pg-protocol describes them: text, int4, timestamptz, bool, json, int8. */
const FIELDS = [
  ["id", 25],
  ["count", 23],
  ["startsAt", 1184],
  ["active", 16],
  ["details", 114],
  ["big", 20],
  ["constructor", 25],
].map(([name, dataTypeID]) => ({ name, dataTypeID, tableID: 0, columnID: 0, dataTypeSize: -1, dataTypeModifier: -1, format: "text" })) as pg.FieldDef[];
const ROWS = [
  ["a", "42", "2026-11-22 10:00:00+00", "t", '{"x":[1,2]}', "9007199254740993", "c"],
  [null, null, null, null, null, null, null],
];

/** Parses `rows` with a Result of class `Kind`, as a query does: fields first, then each row. */
function parseWith(Kind: typeof pg.Result, fields: pg.FieldDef[], rows: (string | null)[][]): Record<string, unknown>[] {
  const result = new Kind("", new pg.TypeOverrides() as unknown as typeof pg.types) as unknown as {
    addFields(fields: pg.FieldDef[]): void;
    parseRow(row: (string | null)[]): Record<string, unknown>;
  };
  result.addFields(fields);
  return rows.map((row) => result.parseRow(row));
}

describe("LeanResult", () => {
  it("gives the rows pg's own Result gives: the same properties in the same order, parsed alike", () => {
    const ours = parseWith(LeanResult, FIELDS, ROWS);
    const pgs = parseWith(pg.Result, FIELDS, ROWS);
    expect(ours).toEqual(pgs);
    expect(ours.map((row) => Object.keys(row))).toEqual(pgs.map((row) => Object.keys(row)));
    expect(ours[0]).toMatchObject({ id: "a", count: 42, active: true, details: { x: [1, 2] }, big: "9007199254740993", constructor: "c" });
    expect((ours[0]!.startsAt as Date).toISOString()).toBe("2026-11-22T10:00:00.000Z");
    expect(Object.getPrototypeOf(ours[0])).toBe(Object.prototype);
  });

  it("keeps a column named __proto__ as a property, as pg does, instead of setting the prototype", () => {
    const fields = [...FIELDS.slice(0, 1), { ...FIELDS[0]!, name: "__proto__" }];
    const [row] = parseWith(LeanResult, fields, [["a", "b"]]);
    expect(Object.getOwnPropertyDescriptor(row, "__proto__")?.value).toBe("b");
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(row).toEqual(parseWith(pg.Result, fields, [["a", "b"]])[0]);
  });
});

// Against a PostgreSQL server, when the suite has one: statements that read no table.
describe.skipIf(!process.env.TEST_DATABASE_URL)("leanQuery on a PostgreSQL server", () => {
  const pool = new pg.Pool({ connectionString: process.env.TEST_DATABASE_URL, max: 2 });
  afterAll(() => pool.end());

  it("answers on a pool and on a checked-out connection, named (prepared once) or not", async () => {
    const text = "SELECT $1::int + 1 AS \"next\", $2::timestamptz AS \"at\", NULL::text AS \"none\"";
    const at = new Date("2026-11-22T10:00:00Z");
    for (let round = 0; round < 3; round++) {
      const { rows, rowCount, fields } = await leanQuery<{ next: number; at: Date; none: null }>(pool, text, [round, at], "dp_lean_query_test");
      expect(rows).toEqual([{ next: round + 1, at, none: null }]);
      expect(rowCount).toBe(1);
      expect(fields.map((field) => field.name)).toEqual(["next", "at", "none"]);
    }
    const client = await pool.connect();
    try {
      expect((await leanQuery(client, text, [7, at], "dp_lean_query_test")).rows).toEqual([{ next: 8, at, none: null }]);
      expect((await leanQuery(client, "SELECT $1::text AS \"echo\"", ["x"])).rows).toEqual([{ echo: "x" }]);
    } finally {
      client.release();
    }
  });

  it("sends a Date as its instant, whatever the process's time zone, and an invalid one to the database's error", async () => {
    const at = new Date("2026-03-29T00:30:00.123Z"); // 01:30 in Berlin, half an hour before the spring change
    const { rows } = await leanQuery<{ same: boolean; wall: string; text: string }>(
      pool,
      `SELECT $1::timestamptz = '2026-03-29T00:30:00.123Z'::timestamptz AS "same", to_char($1::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') AS "wall", $2::text AS "text"`,
      [at, "unchanged"],
    );
    expect(rows).toEqual([{ same: true, wall: "2026-03-29 00:30:00.123", text: "unchanged" }]);
    const values: unknown[] = [at];
    await leanQuery(pool, "SELECT $1::timestamptz AS \"at\"", values);
    expect(values[0]).toBe(at);
    await expect(leanQuery(pool, "SELECT $1::timestamptz AS \"at\"", [new Date(Number.NaN)])).rejects.toMatchObject({ code: "22007" });
  });

  it("rejects with the database's error and gives the pool's connection back", async () => {
    await expect(leanQuery(pool, "SELECT 1 / $1::int AS \"q\"", [0])).rejects.toMatchObject({ code: "22012" });
    const client = await pool.connect();
    try {
      await expect(leanQuery(client, "SELECT 1 / $1::int AS \"q\"", [0])).rejects.toMatchObject({ code: "22012" });
      expect((await leanQuery(client, "SELECT 1 / $1::int AS \"q\"", [1])).rows).toEqual([{ q: 1 }]);
    } finally {
      client.release();
    }
    // Both connections are idle again: the failed statements released theirs.
    expect(pool.idleCount).toBe(pool.totalCount);
    expect(pool.waitingCount).toBe(0);
  });
});
