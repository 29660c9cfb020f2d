/**
 * Text PostgreSQL cannot store: a NUL character (refused in `text` columns and parameters), or a
 * lone UTF-16 surrogate (JSON's "\ud800" escape), which has no UTF-8 encoding.
 */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const UNSTORABLE_TEXT_MESSAGE = "Must not contain NUL characters or unpaired surrogates";

/**
 * Paths of the strings (values or object keys) in validated input that the database would refuse,
 * so they are answered as a validation problem instead of failing in the query.
 *
 * @example
 * unstorableTextPaths({ name: "a\u0000b", tags: ["ok"] }); // [["name"]]
 */
export function unstorableTextPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === "string") return UNSTORABLE.test(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => unstorableTextPaths(item, [...path, index]));
  if (value !== null && typeof value === "object") {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return [];
    return Object.entries(value).flatMap(([key, item]) =>
      UNSTORABLE.test(key) ? [[...path, key]] : unstorableTextPaths(item, [...path, key]),
    );
  }
  return [];
}
