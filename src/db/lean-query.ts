import pg from "pg";

/** What pg's Result keeps about a result's columns (not in its type declarations). */
interface ResultInternals {
  fields: pg.FieldDef[];
  _types: { getTypeParser(oid: number, format: "text" | "binary"): (value: unknown) => unknown } | undefined;
  _parsers: ((value: unknown) => unknown)[] | undefined;
  _prebuiltEmptyResultObject: Record<string, null> | null;
}

/**
 * pg's Result with a cheaper `addFields`. pg (8.23) builds, for every result, the empty row each
 * row is copied from as a null-prototype object and then spreads it into a plain one: V8 turns
 * that into a dictionary and back, 18 µs for a booking's 44 columns and a tenth of that as a plain
 * object (RESULTS.md, fix 44; upstream brianc/node-postgres#3753). The rows come out the same: the
 * same own properties in the same order, each parsed by the same type parser. A column named
 * `__proto__` would set a plain object's prototype instead: such a result takes pg's own way.
 */
export class LeanResult extends pg.Result {
  addFields(fieldDescriptions: pg.FieldDef[]): void {
    if (fieldDescriptions.some((field) => field.name === "__proto__")) {
      (pg.Result.prototype as unknown as { addFields(fields: pg.FieldDef[]): void }).addFields.call(this, fieldDescriptions);
      return;
    }
    const self = this as unknown as ResultInternals;
    const types = self._types ?? (pg.types as unknown as NonNullable<ResultInternals["_types"]>);
    const parsers = new Array<(value: unknown) => unknown>(fieldDescriptions.length);
    const empty: Record<string, null> = {};
    for (let i = 0; i < fieldDescriptions.length; i++) {
      const field = fieldDescriptions[i]!;
      empty[field.name] = null;
      parsers[i] = types.getTypeParser(field.dataTypeID, field.format === "binary" ? "binary" : "text");
    }
    self.fields = fieldDescriptions;
    self._parsers = parsers;
    self._prebuiltEmptyResultObject = empty;
  }
}

/**
 * A pg Query built from its text (pg copies a config object property by property, 4 µs a
 * statement) that collects its rows in a `LeanResult`.
 */
class LeanQuery extends pg.Query {
  constructor(text: string, values: unknown[], name: string | undefined) {
    super(text, values);
    if (name) (this as unknown as { name: string }).name = name;
    // No row mode, and the connection's types (pg sets them on a result that has none).
    const result = new LeanResult("", undefined as unknown as typeof pg.types);
    const self = this as unknown as { _result: pg.Result; _results: pg.Result };
    self._result = result;
    self._results = result;
  }
}

/**
 * The values with each Date as its ISO text (UTC). pg writes a Date in the process's local time
 * with its offset, from a dozen padded pieces (2.6 % of what a booking pipeline allocated,
 * RESULTS.md, fix 45); the instant is the same, and a wall-clock column gets UTC as Prisma writes
 * it, whatever the process's time zone. The caller's array is left as it is.
 */
function withIsoDates(values: unknown[]): unknown[] {
  if (!values.some((value) => value instanceof Date)) return values;
  // An invalid Date has no ISO text. It goes as text the database refuses (22007), as pg's own
  // text for it did; pg itself now warns of it, and will throw instead.
  return values.map((value) => (value instanceof Date ? (Number.isNaN(value.getTime()) ? "invalid date" : value.toISOString()) : value));
}

/**
 * Runs one statement on a pool (a connection of its own) or a checked-out connection, as
 * `query({ text, values, name })` does, with `LeanQuery`'s cheaper start and result.
 *
 * @example
 * const { rows } = await leanQuery<{ id: string }>(pool, 'SELECT "id"::text AS "id" FROM "Booking" WHERE "code" = $1', ["123456"], "dp_code");
 */
export function leanQuery<Row extends pg.QueryResultRow>(client: pg.Pool | pg.PoolClient, text: string, values: unknown[], name?: string): Promise<pg.QueryResult<Row>> {
  const query = new LeanQuery(text, withIsoDates(values), name);
  // The pool answers with a promise and releases its connection in the callback it gives the query.
  if (client instanceof pg.Pool) return client.query(query as unknown as pg.QueryConfig) as unknown as Promise<pg.QueryResult<Row>>;
  return new Promise((resolve, reject) => {
    (query as unknown as { callback: (error: Error | undefined, result: pg.QueryResult<Row>) => void }).callback = (error, result) => (error ? reject(error) : resolve(result));
    client.query(query as unknown as pg.QueryConfig);
  });
}
