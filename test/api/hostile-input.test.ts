// Hostile input, generated from the service's own /openapi.json: every operation gets requests
// with odd path ids, wrong and repeated query parameters, malformed or wrongly typed bodies,
// nearly valid bodies (a valid one from the request schema with one field broken), wrong or
// missing content types and bodies over the limit. Whatever comes in, the answer is below 500 and
// every 4xx is the one error format; the Twilio webhooks refuse anything not signed by Twilio.
//
// The requests are random but reproducible: fast-check runs with a fixed seed (HOSTILE_SEED),
// and HOSTILE_REQUESTS sets how many requests are sent in all (default 1,000). A failure names
// the operation, the seed and fast-check's counterexample path, and shows the (shrunk) request
// with what the app logged for it.
//
// This file runs on a database of its own (embedded, or a scratch database on the PostgreSQL
// server in the "postgres" project): random but valid requests replace tariffs, sweep allowances
// into exports, run dispatch ticks and deactivate organisations, none of which other test files
// should see.
import fc from "fast-check";
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_STATUS } from "../../src/lib/api-error";
import { silentLogger, type Logger } from "../../src/lib/logger";
import { createServices } from "../../src/services";
import { ALL_WEEK, NIL_UUID } from "../helpers/fixtures";
import { createTestContext, newInterpreter, newOrganisation, type TestContext } from "../helpers/test-app";
import { recordReliability } from "../helpers/reliability-summary";
import { privateDatabase, testDbKind, type PrivateDatabase } from "../helpers/test-database";
import { messageSid, POOL_NUMBER, PUBLIC_BASE_URL, smsTestConfig, TWILIO_TEST_TOKEN } from "../helpers/twilio";

function positiveInteger(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

const TOTAL_REQUESTS = positiveInteger(process.env.HOSTILE_REQUESTS, 1000);
const SEED = positiveInteger(process.env.HOSTILE_SEED, 20261124);
const BODY_LIMIT = 4096;
/** How the requests are shared out among the properties below. */
const BUDGET = {
  main: Math.round(TOTAL_REQUESTS * 0.7),
  oversize: Math.round(TOTAL_REQUESTS * 0.1),
  unsigned: Math.round(TOTAL_REQUESTS * 0.12),
  signed: Math.round(TOTAL_REQUESTS * 0.08),
};
/** Generous: 1,000 requests take about 10 s on the embedded database, 10,000 a few minutes. */
const TIMEOUT = Math.max(120_000, TOTAL_REQUESTS * 200);
const WEBHOOKS = ["/v1/sms/inbound", "/v1/sms/status"] as const;
const NOW = "2026-11-24T08:00:00.000Z";

// ---------------------------------------------------------------------------------------------
// The spec

/** A JSON Schema as the spec has it (only the keywords zod-openapi emits are looked at). */
type JsonSchema = { [keyword: string]: any };

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: JsonSchema;
}

interface Operation {
  method: string;
  path: string;
  roles: string[];
  pathParams: Parameter[];
  queryParams: Parameter[];
  body: { mediaType: string; schema: JsonSchema; required: boolean } | null;
}

function operationsOf(spec: any): Operation[] {
  return Object.entries(spec.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const parameters = (operation.parameters ?? []) as Parameter[];
      const content = operation.requestBody?.content as Record<string, { schema?: JsonSchema }> | undefined;
      const mediaType = content ? Object.keys(content)[0] : undefined;
      return {
        method: method.toUpperCase(),
        path,
        roles: operation["x-roles"] ?? [],
        pathParams: parameters.filter((parameter) => parameter.in === "path"),
        queryParams: parameters.filter((parameter) => parameter.in === "query"),
        body: mediaType
          ? { mediaType, schema: content![mediaType]!.schema ?? {}, required: operation.requestBody.required === true }
          : null,
      };
    }),
  );
}

const labelOf = (operation: Operation) => `${operation.method} ${operation.path}`;

type IdKind = "organisation" | "interpreter" | "booking" | "series" | "allowance" | "export" | "apiKey";

/** Which kind of row an id names: by field name, or for a path's `{id}` by the collection. */
function idKindOf(key: string, path = ""): IdKind | undefined {
  if (key === "organisationId") return "organisation";
  if (key === "interpreterId" || key === "interpreterIds") return "interpreter";
  if (key === "bookingId") return "booking";
  if (key === "seriesId") return "series";
  if (key !== "id") return undefined;
  const collection = /^\/v1\/([a-z-]+)\//.exec(path)?.[1];
  return ({ organisations: "organisation", interpreters: "interpreter", bookings: "booking", "booking-series": "series", allowances: "allowance", exports: "export", "api-keys": "apiKey" } as const)[
    collection as "organisations"
  ];
}

// ---------------------------------------------------------------------------------------------
// Hostile values

const headerSafe = (value: string) => /^[\t\x20-\x7e\x80-\xff]*$/.test(value);
/** Lone surrogates become U+FFFD, as any HTTP client would have to send them. */
const wellFormed = (value: string) => value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
const encode = (value: string) => encodeURIComponent(wellFormed(value));

const SPECIAL_STRINGS = [
  "", " ", "  padded  ", "\u0000", "a\u0000b", "%00", "../", "../../etc/passwd", "..%2F..%2F", "%2e%2e%2f", "..\\..\\",
  "%", "%zz", "%C0%AF", "%ff", "%uD800", "\r\n", "\t", "\u202Eevil\u202C", "\u200B", "\u200F\u05E9\u05DC\u05D5\u05DD", "مرحبا",
  "😀", "👨‍👩‍👧‍👦", "\uD800", "\uDFFF", "a\uD83D", "\uFEFF", "\uFFFF", "ß", "İı", "Ⅻ", "e\u0301", "null", "undefined", "NaN",
  "Infinity", "-Infinity", "-1", "0", "-0", "1e309", "1e-400", "0x1F", "1_000", "9007199254740993", "99999999999999999999999",
  "true", "false", "[]", "{}", "[object Object]", "' OR '1'='1", "'; DROP TABLE \"Booking\"; --", "<script>alert(1)</script>",
  "${jndi:ldap://x}", "{{7*7}}", "__proto__", "constructor", "prototype", "=cmd|' /C calc'!A0", "2026-02-30", "2026-11-24T25:00:00Z",
  "+275760-09-13T00:00:00.000Z", "-271821-04-20T00:00:00.000Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z",
  "00000000-0000-0000-0000-000000000000", NIL_UUID, "ffffffff-ffff-ffff-ffff-ffffffffffff", "01936C1E-7A4B-7C3D-9F2E-0A1B2C3D4E5F",
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const hugeString = fc
  .tuple(fc.integer({ min: 200, max: 3500 }), fc.constantFrom("a", "ä", "😀", "\u0000", "%", "/", "\u202E", "9"))
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)));
const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.string({ unit: "binary", maxLength: 3 }), loneSurrogate), { maxLength: 8 }).map((parts) => parts.join("")) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: hugeString },
);

/** Nesting deep enough to hurt a recursive parser or validator, but under the body limit. */
const deepJsonText = fc
  .tuple(fc.integer({ min: 20, max: 1800 }), fc.constantFrom("array", "object"))
  .map(([depth, kind]) =>
    kind === "array" ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(Math.min(depth, 650)) + "1" + "}".repeat(Math.min(depth, 650)),
  );
const deepValue = deepJsonText.map((text) => JSON.parse(text) as unknown);

const hostileJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, -0, 0.5, 1e308, -1e308, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER + 2, [], {}, [null], { "": "" }, [[]], "", " "),
  },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deepValue },
);

const MALFORMED_JSON = [
  "{", "}", "[", "{\"a\":}", "{'a':1}", "{a:1}", "[1,]", "{\"a\":1,}", "nul", "tru", "\"unterminated", "{} {}", "{}x", "NaN", "Infinity",
  "-", "{\"a\":1e400}", "{\"a\":-1e400}", "{\"a\":01}", "{\"a\":.5}", "{\"a\":-}", "[\"\\u00\"]", "[\"\\x41\"]", "\"\\ud800\"", "{\"a\":\"\\u0000\"}",
  "\uFEFF{}", "/* comment */ {}", "{\"__proto__\":{\"polluted\":true}}", "{\"constructor\":{\"prototype\":{\"polluted\":true}}}",
  "\u0000", "{\"a\":\"\u0000\"}", "{\"a\":\"\n\"}", "{\"a\" 1}", "[1 2]", "{\"\":\"\"}", "\"\"", "", " ", "\n", "[]", "0", "null", "true", "\"string\"",
];

const PLAIN_CONTENT_TYPES = [
  "text/plain", "text/plain;charset=UTF-8", "application/xml", "text/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz",
  "multipart/form-data", "text/csv", "application/octet-stream", "*/*", "", "json", "application", "application/", "text/html; charset=utf-8",
];
const JSON_CONTENT_TYPES = [
  "application/json", "application/json; charset=utf-8", "application/json;charset=latin1", "APPLICATION/JSON", "application/merge-patch+json",
  "application/vnd.api+json", "application/json; x", "application/json, text/plain", "application/jsonx", "application/\u00e9json", "application/json\u00ff",
];
const contentTypeFor = (preferred: string[]) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom<string | null>(...preferred) },
    { weight: 2, arbitrary: fc.constantFrom<string | null>(...PLAIN_CONTENT_TYPES, ...JSON_CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 40 }).filter(headerSafe) },
    { weight: 2, arbitrary: fc.constant<string | null>(null) },
  );

// ---------------------------------------------------------------------------------------------
// Requests

type Who = "coordinator" | "requester" | "finance" | "anonymous" | { authorization: string };

interface HostileRequest {
  method: string;
  url: string;
  who: Who;
  headers: Record<string, string>;
  body: Uint8Array | null;
  /** What kind of body it is and which part is hostile, for the report. */
  note: string;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

interface BodyPart {
  payload: string | Uint8Array | null;
  contentType: string | null;
  chunked: boolean;
  note: string;
}

const NO_BODY: BodyPart = { payload: null, contentType: null, chunked: false, note: "none" };

const whoArb: fc.Arbitrary<Who> = fc.oneof(
  { weight: 14, arbitrary: fc.constant<Who>("coordinator") },
  { weight: 3, arbitrary: fc.constant<Who>("requester") },
  { weight: 3, arbitrary: fc.constant<Who>("finance") },
  { weight: 1, arbitrary: fc.constant<Who>("anonymous") },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.constantFrom("Bearer", "Bearer ", "bearer  dp_x", "Basic dXNlcjpwYXNz", "Bearer dp_" + "a".repeat(3000), "Bearer \u00ff\u00fe", "Bearer a b", "Bearer %00"),
        fc.string({ unit: "binary-ascii", maxLength: 80 }).map((token) => `Bearer ${token}`),
      )
      .filter(headerSafe)
      .map((authorization): Who => ({ authorization })),
  },
);

const requestIdArb = fc.option(
  fc.oneof(
    fc.constantFrom("abc-123", "a".repeat(300), "x y", "ü", "../", "", "a=b", "<id>"),
    fc.string({ unit: "binary-ascii", maxLength: 300 }).filter(headerSafe),
  ),
  { freq: 6 },
);

function previewText(text: string, max = 600): string {
  const shown = JSON.stringify(text.length > max ? text.slice(0, max) : text);
  return text.length > max ? `${shown}… (${text.length} chars)` : shown;
}

function describeRequest(request: HostileRequest): string {
  let body: string | null = null;
  if (request.body) {
    try {
      body = previewText(new TextDecoder("utf-8", { fatal: true }).decode(request.body));
    } catch {
      body = `not UTF-8, as base64: ${Buffer.from(request.body.subarray(0, 450)).toString("base64")}${request.body.length > 450 ? "…" : ""}`;
    }
  }
  const who = typeof request.who === "string" ? request.who : `Authorization: ${previewText(request.who.authorization, 120)}`;
  const extra = Object.entries(request.headers)
    .filter(([name]) => !["content-type", "authorization", "content-length"].includes(name))
    .map(([name, value]) => `${name}: ${previewText(value, 120)}`);
  return [
    `  request: ${request.method} ${request.url.length > 800 ? `${request.url.slice(0, 800)}… (${request.url.length} chars)` : request.url}`,
    `  as: ${who}`,
    `  content-type: ${request.headers["content-type"] === undefined ? "(none)" : JSON.stringify(request.headers["content-type"])}`,
    ...(extra.length ? [`  headers: ${extra.join(", ")}`] : []),
    `  body (${request.note}, ${request.body?.length ?? 0} bytes): ${body ?? "(none)"}`,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Request bodies from the spec's schemas

class SchemaArbitraries {
  constructor(
    private readonly spec: any,
    /** Ids of existing rows for a field name (organisationId, interpreterIds, …), so valid bodies get past "not found". */
    private readonly idsFor: (key: string) => readonly string[],
  ) {}

  resolve(schema: JsonSchema): JsonSchema {
    if (typeof schema.$ref === "string") {
      const name = schema.$ref.replace("#/components/schemas/", "");
      return this.resolve(this.spec.components.schemas[name]);
    }
    if (Array.isArray(schema.allOf)) {
      const parts = schema.allOf.map((part: JsonSchema) => this.resolve(part));
      return {
        type: "object",
        properties: Object.assign({}, ...parts.map((part: JsonSchema) => part.properties ?? {})),
        required: parts.flatMap((part: JsonSchema) => part.required ?? []),
      };
    }
    return schema;
  }

  /** A value the schema accepts (as far as JSON Schema can say: zod refinements may still refuse it). */
  valid(schema: JsonSchema, key = "", depth = 0): fc.Arbitrary<unknown> {
    const resolved = this.resolve(schema);
    if (Array.isArray(resolved.enum)) return fc.constantFrom(...(resolved.enum as unknown[]));
    if (resolved.const !== undefined) return fc.constant(resolved.const);
    const alternatives = (resolved.oneOf ?? resolved.anyOf) as JsonSchema[] | undefined;
    if (alternatives) return fc.oneof(...alternatives.map((alternative) => this.valid(alternative, key, depth + 1)));
    const types: string[] = Array.isArray(resolved.type)
      ? resolved.type
      : resolved.type
        ? [resolved.type]
        : resolved.properties
          ? ["object"]
          : ["string"];
    const present = types.filter((type) => type !== "null");
    const value = present.length > 0 ? fc.oneof(...present.map((type) => this.ofType(type, resolved, key, depth))) : fc.constant(null);
    return types.includes("null") ? fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) }) : value;
  }

  private ofType(type: string, schema: JsonSchema, key: string, depth: number): fc.Arbitrary<unknown> {
    switch (type) {
      case "integer":
        return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100_000 });
      case "number":
        return fc.oneof(
          fc.integer({ min: Math.ceil(schema.minimum ?? -1000), max: Math.floor(schema.maximum ?? 100_000) }),
          fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true }),
        );
      case "boolean":
        return fc.boolean();
      case "array": {
        if (depth > 6) return fc.constant([]);
        const minLength = schema.minItems ?? 0;
        return fc.array(this.valid(schema.items ?? {}, key, depth + 1), { minLength, maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 4, 4)) });
      }
      case "object": {
        const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
        if (depth > 6 || Object.keys(properties).length === 0) return fc.constant({});
        const model = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, this.valid(property, name, depth + 1)]));
        return fc.record(model, { requiredKeys: (schema.required ?? []) as string[] });
      }
      default:
        return this.string(schema, key);
    }
  }

  private string(schema: JsonSchema, key: string): fc.Arbitrary<string> {
    const maxLength: number = schema.maxLength ?? 1000;
    if (key === "id" || /Ids?$/.test(key)) return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...this.idsFor(key)) }, { weight: 1, arbitrary: fc.uuid() });
    if (typeof schema.pattern === "string") return fc.stringMatching(new RegExp(schema.pattern));
    if (schema.format === "date-time") return dateTime;
    if (schema.format === "date") return dateTime.map((value) => value.slice(0, 10));
    if (schema.format === "email") {
      return fc.tuple(fc.stringMatching(/^[a-z][a-z0-9.]{0,20}[a-z0-9]$/), fc.constantFrom("example.org", "jobcenter-dueren.de", "schule.nrw.de"))
        .map(([local, domain]) => `${local.replace(/\.{2,}/g, ".")}@${domain}`);
    }
    if (schema.format === "uri") {
      return fc.oneof(fc.constantFrom("https://hooks.example.org/dolmetscherpool", "http://127.0.0.1:1/x", "https://[::1]/", "ftp://example.org/"), fc.webUrl().filter((value) => value.length <= maxLength));
    }
    if (key === "phone") return fc.integer({ min: 0, max: 99_999_999 }).map((digits) => `0151 ${String(digits).padStart(8, "0")}`);
    if (key === "iban") return fc.constantFrom("DE89 3704 0044 0532 0130 00", "DE02120300000000202051", "GB82WEST12345698765432");
    if (key === "language" || key === "code") return fc.constantFrom("ar", "de", "tr", "fa", "uk", "ru", "ti", "prs", "ckb", "ara", "AR");
    const generic = fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.max(schema.minLength ?? 0, Math.min(maxLength, 40)) });
    return schema.example === undefined || typeof schema.example !== "string"
      ? generic
      : fc.oneof({ weight: 3, arbitrary: fc.constant(schema.example as string) }, { weight: 1, arbitrary: generic });
  }

  /** A valid value with one thing wrong: a field replaced by a hostile value, removed, added, or wrapped. */
  almostValid(schema: JsonSchema): fc.Arbitrary<unknown> {
    return fc
      .record({
        value: this.valid(schema),
        kind: fc.constantFrom("replace", "replace", "replace", "poison", "poison", "blank", "delete", "extra", "wrap", "stringify"),
        pick: fc.nat(),
        replacement: hostileJsonValue,
        extraKey: fc.oneof(fc.constantFrom("unexpected", "__proto__", "constructor", "", "id", "createdAt", "role"), hostileString.filter((text) => text.length < 50)),
      })
      .map(({ value, kind, pick, replacement, extraKey }) => mutate(value, kind, pick, replacement, extraKey));
  }
}

const instant = fc
  .date({ min: new Date("2026-06-01T00:00:00Z"), max: new Date("2027-06-30T00:00:00Z"), noInvalidDate: true })
  .map((date) => new Date(Math.floor(date.getTime() / 900_000) * 900_000));
const dateTime: fc.Arbitrary<string> = fc.oneof(
  instant.map((date) => date.toISOString()),
  instant.map((date) => new Date(date.getTime() + 3_600_000).toISOString().replace(/\.000Z$/, "+01:00")),
  fc.constantFrom("2026-11-25T09:30:00+01:00", "2026-11-24T08:00:00.000Z", "2027-01-01T00:00:00Z"),
  // Valid, but at the edges: far away, and in Berlin's daylight-saving gap and overlap.
  fc.constantFrom(
    "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "2100-12-31T23:00:00Z",
    "2027-03-28T02:30:00+01:00", "2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00", "2026-12-31T23:59:59.999+14:00",
  ),
);

function setOwn(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function mutate(original: unknown, kind: string, pick: number, replacement: unknown, extraKey: string): unknown {
  const root: Record<string, unknown> = { value: structuredClone(original) };
  const slots: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (container: Record<string, unknown> | unknown[], key: string | number) => {
    slots.push([container, key]);
    const value = (container as Record<string | number, unknown>)[key];
    if (Array.isArray(value)) value.forEach((_, index) => walk(value, index));
    else if (value && typeof value === "object") Object.keys(value).forEach((name) => walk(value as Record<string, unknown>, name));
  };
  walk(root, "value");
  if (kind === "poison" || kind === "blank") {
    // In one string of the body: a character PostgreSQL cannot store (NUL) or UTF-8 cannot encode
    // (a lone surrogate); or nothing at all (an empty or blank string, e.g. an id "").
    const strings = slots.filter(([container, key]) => typeof (container as Record<string | number, unknown>)[key] === "string");
    const [container, key] = strings.length ? strings[pick % strings.length]! : slots[pick % slots.length]!;
    const current = String((container as Record<string | number, unknown>)[key] ?? "");
    (container as Record<string | number, unknown>)[key] = kind === "poison" ? poisoned(current, pick) : ["", " ", "\t\n"][pick % 3];
    return root.value;
  }
  const [container, key] = slots[pick % slots.length]!;
  const current = (container as Record<string | number, unknown>)[key];
  switch (kind) {
    case "delete":
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
      break;
    case "extra":
      if (current && typeof current === "object" && !Array.isArray(current)) setOwn(current as Record<string, unknown>, extraKey, replacement);
      else if (Array.isArray(current)) current.push(replacement);
      else (container as Record<string | number, unknown>)[key] = replacement;
      break;
    case "wrap":
      (container as Record<string | number, unknown>)[key] = [current];
      break;
    case "stringify":
      (container as Record<string | number, unknown>)[key] = typeof current === "string" ? { value: current } : JSON.stringify(current) ?? "undefined";
      break;
    default:
      (container as Record<string | number, unknown>)[key] = replacement;
  }
  return root.value;
}

const toJson = (value: unknown): string => JSON.stringify(value) ?? "";

const POISON = ["\u0000", "\uD800", "\uDFFF", "\uDBFF", "\u0000\u0000"];
/** The text with a NUL or a lone surrogate put in somewhere. */
function poisoned(text: string, pick: number): string {
  const at = pick % (text.length + 1);
  return text.slice(0, at) + POISON[pick % POISON.length]! + text.slice(at);
}
const poison = <T extends string>(arbitrary: fc.Arbitrary<T>) => fc.tuple(arbitrary, fc.nat()).map(([text, pick]) => poisoned(text, pick));

// ---------------------------------------------------------------------------------------------
// CSV and form bodies

const CSV_HEADER = ["name", "phone", "languages", "email", "gender", "qualification", "trainings", "modes", "homePostcode", "maxTravelKm", "maxAssignmentsPerMonth", "iban", "smsConsent", "active"];
const csvCell = fc.oneof(
  { weight: 2, arbitrary: hostileString.filter((text) => text.length < 300) },
  { weight: 1, arbitrary: poison(fc.constantFrom("Amina Haddad", "0151 23456789", "ar: native", "a@b.de")) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "Amina Haddad", "0151 23456789", "+49 151 23456789", "ar (levantinisch): native", "ar: native, de: fluent", "xx: native", "ar (: native",
      "ja", "nein", "vielleicht", "onsite|phone", "teleport", "Grundkurs (2026-03-14) | Trauma (2026-05-02)", "Kurs (2026-02-30)",
      "DE89 3704 0044 0532 0130 00", "52351", "5235", "-1", "1e9", "female", "certified", '"', '""', '"a;b"', ";", ",", "\n", "\r\n",
    ),
  },
);
const csvBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: fc
    .record({
      separator: fc.constantFrom(";", ","),
      header: fc.oneof(
        { weight: 3, arbitrary: fc.shuffledSubarray(CSV_HEADER, { minLength: 1 }) },
        { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom(...CSV_HEADER), hostileString.filter((text) => text.length < 40)), { maxLength: 20 }) },
      ),
      rows: fc.array(fc.array(csvCell, { maxLength: 16 }), { maxLength: 6 }),
      bom: fc.boolean(),
      newline: fc.constantFrom("\n", "\r\n", "\r"),
    })
    .map(({ separator, header, rows, bom, newline }) =>
      (bom ? "\uFEFF" : "") + [header, ...rows].map((cells) => cells.join(separator)).join(newline),
    ) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.constantFrom("", "\uFEFF", "name;phone;languages", "name;phone;languages\n", "\"unterminated;quote\nx;y;z", "a".repeat(4000)) },
);

const formParams = fc.dictionary(
  fc.oneof(fc.constantFrom("MessageSid", "From", "To", "Body", "MessageStatus", "ErrorCode", "AccountSid", "NumMedia", "SmsStatus"), hostileString.filter((text) => text.length < 30)),
  hostileString.filter((text) => text.length < 400),
  { maxKeys: 8 },
);
const formBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 3, arbitrary: formParams.map((params) => new URLSearchParams(Object.entries(params).map(([key, value]): [string, string] => [wellFormed(key), wellFormed(value)])).toString()) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom("=", "&&&", "a=%zz", "%", "Body=%00", "a=1&a=2&a=3", "MessageSid[]=x", "Body=" + "%E2%80%AE".repeat(100)) },
);

/** Any body at all, for routes that take none and for wrong content types. */
const strayBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map(toJson),
  fc.constantFrom(...MALFORMED_JSON),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
  formBody,
);

// ---------------------------------------------------------------------------------------------

const ownDatabase = (): Promise<PrivateDatabase> => privateDatabase("hostile", 10);

describe("hostile input to every operation in /openapi.json", () => {
  let own: PrivateDatabase | undefined;
  let ctx: TestContext;
  let spec: any;
  let operations: Operation[];
  let schemas: SchemaArbitraries;
  let keys: Record<"coordinator" | "requester" | "finance", string>;
  /** Existing rows by kind, for path ids and id fields. */
  let pools: Record<IdKind, string[]>;
  let ids: string[];
  let interpreterPhone: string;
  const sent = { main: 0, oversize: 0, unsigned: 0, signed: 0 };
  /** What the app logged for a 500, by request id: shown with the failing request. */
  const serverErrors = new Map<string, string>();
  const capturingLogger: Logger = {
    ...silentLogger,
    error(object, message) {
      const { err, requestId } = object as { err?: unknown; requestId?: unknown };
      if (typeof requestId !== "string") return;
      // Prisma puts the call site first and the cause last: show the last lines and where it was thrown.
      const lines = err instanceof Error ? err.message.split("\n").filter((line) => line.trim()) : [String(err)];
      const at = err instanceof Error ? err.stack?.split("\n").find((line) => line.includes("/src/")) : undefined;
      const text = [`${err instanceof Error ? err.name : "error"}: ${lines.slice(-4).join(" ").slice(0, 600)}`, ...(at ? [at.trim()] : [])].join("\n      ");
      serverErrors.set(requestId, `${message ?? "error"}: ${text}`);
    },
    child: () => capturingLogger,
  };
  const statuses = new Map<number, number>();
  /** Operations that answered at least one generated request with 2xx (the rest never got past the checks). */
  const succeeded = new Set<string>();

  beforeAll(async () => {
    own = await ownDatabase();
    ctx = await createTestContext({
      // Allowances wait for approval, so approving and rejecting them has something to do.
      config: { ...smsTestConfig, BODY_LIMIT_BYTES: String(BODY_LIMIT), OFFER_TTL_MINUTES: String(7 * 24 * 60), ALLOWANCE_APPROVAL: "coordinator" },
      // Organisation webhooks must not leave the process, whatever URL a generated body names.
      deps: { db: own.db, logger: capturingLogger, fetch: async () => new Response("ok", { status: 200 }) },
    });
    ctx.clock.set(NOW);
    spec = (await ctx.anonymous.get("/openapi.json")).body;
    // Reads first and what removes or closes rows last, so the rows ids point at live long enough to be found.
    const stage = (operation: Operation) =>
      operation.method === "GET" ? 0 : operation.method === "DELETE" || /\/(void|cancel|reject|approve|paid)$/.test(operation.path) ? 2 : 1;
    operations = operationsOf(spec).sort((a, b) => stage(a) - stage(b));

    // Rows for path ids and body ids to point at, so that valid requests get past "not found".
    const requester = await ctx.newRequester();
    keys = { coordinator: ctx.coordinator.key!, finance: ctx.finance.key!, requester: requester.client.key! };
    const interpreter = await newInterpreter(ctx.coordinator, { languages: [{ code: "ar", level: "native" }] });
    interpreterPhone = interpreter.phone;
    expect((await ctx.coordinator.put(`/v1/interpreters/${interpreter.id}/availability`, { weekly: ALL_WEEK, absences: [] })).status).toBe(200);
    const booking = async (startsAt: string) => {
      const created = await requester.client.post("/v1/bookings", { language: "ar", startsAt, durationMinutes: 60, mode: "phone" });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body as { id: string; code: string };
    };
    const open = [
      await booking("2026-12-02T09:00:00+01:00"), await booking("2026-12-04T14:00:00+01:00"), await booking("2026-12-07T11:00:00+01:00"),
    ];
    // Three jobs done today, each with a pending allowance: two approved and exported in batches of their own, one left pending.
    const done: { id: string }[] = [];
    for (const hour of [10, 12, 14]) {
      const job = await booking(`2026-11-24T${hour}:00:00+01:00`);
      expect((await ctx.coordinator.post(`/v1/bookings/${job.id}/assign`, { interpreterId: interpreter.id })).status).toBe(200);
      ctx.clock.set(`2026-11-24T${hour}:00:00Z`);
      expect((await requester.client.post(`/v1/bookings/${job.id}/complete`, { outcome: "done" })).status).toBe(200);
      done.push(job);
    }
    ctx.clock.set(NOW);
    const allowances = (await ctx.finance.get(`/v1/allowances?interpreterId=${interpreter.id}`)).body.items as { id: string; status: string }[];
    expect(allowances.map((allowance) => allowance.status)).toEqual(["pending", "pending", "pending"]);
    const batches: string[] = [];
    for (const allowance of allowances.slice(0, 2)) {
      expect((await ctx.coordinator.post(`/v1/allowances/${allowance.id}/approve`)).status).toBe(200);
      const batch = await ctx.finance.post("/v1/exports", {});
      expect(batch.status, JSON.stringify(batch.body)).toBe(201);
      batches.push(batch.body.id);
    }
    const series = await requester.client.post("/v1/booking-series", {
      language: "ar", startsAt: "2026-12-03T09:00:00+01:00", durationMinutes: 60, mode: "phone", recurrence: { weekdays: [4], count: 3 },
    });
    expect(series.status, JSON.stringify(series.body)).toBe(201);
    const spareKey = await ctx.coordinator.post("/v1/api-keys", { name: "spare", role: "finance" });
    const other = await ctx.newRequester();
    pools = {
      organisation: [requester.organisationId, other.organisationId],
      interpreter: [interpreter.id],
      booking: [...open, ...done].map((job) => job.id),
      series: [series.body.id],
      allowance: allowances.map((allowance) => allowance.id),
      export: batches,
      apiKey: [spareKey.body.id, other.keyId],
    };
    ids = [...Object.values(pools).flat(), NIL_UUID];
    schemas = new SchemaArbitraries(spec, (key) => idsFor(key));
  }, 180_000);

  afterAll(async () => {
    const total = sent.main + sent.oversize + sent.unsigned + sent.signed;
    const byStatus = [...statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(" ");
    console.info(
      `hostile input (${testDbKind()}, seed ${SEED}): ${total} requests over ${operations?.length ?? 0} operations ` +
        `(generated ${sent.main}, over the limit ${sent.oversize}, unsigned webhooks ${sent.unsigned}, signed webhooks ${sent.signed}); statuses ${byStatus}` +
        `; no 2xx for: ${(operations ?? []).map(labelOf).filter((label) => !succeeded.has(label)).join(", ") || "none"}`,
    );
    const serverErrorCount = [...statuses.entries()].filter(([status]) => status >= 500).reduce((sum, [, count]) => sum + count, 0);
    recordReliability("hostile input", { requests: total, serverErrors: serverErrorCount });
    await own?.dispose();
  });

  function headersFor(who: Who): Record<string, string> {
    if (who === "anonymous") return {};
    if (typeof who === "object") return { authorization: who.authorization };
    return { authorization: `Bearer ${keys[who]}` };
  }

  function buildRequest(method: string, url: string, who: Who, body: BodyPart, requestId: string | null, extraHeaders: Record<string, string> = {}): HostileRequest {
    const headers: Record<string, string> = { ...headersFor(who), ...extraHeaders };
    if (requestId !== null) headers["x-request-id"] = requestId;
    let bytes: Uint8Array | null = null;
    // GET and HEAD cannot carry a body in fetch (nor, in practice, through proxies).
    if (body.payload !== null && method !== "GET" && method !== "HEAD") {
      bytes = typeof body.payload === "string" ? new TextEncoder().encode(body.payload) : body.payload;
      // As the Node server passes them on: a length, or chunked framing.
      if (body.chunked) headers["transfer-encoding"] = "chunked";
      else headers["content-length"] = String(bytes.length);
    }
    if (body.contentType !== null) headers["content-type"] = body.contentType;
    return { method, url, who, headers, body: bytes, note: body.note };
  }

  async function send(request: HostileRequest, budget: keyof typeof sent): Promise<Answer> {
    sent[budget] += 1;
    let response: Response;
    try {
      response = await ctx.app.request(request.url, { method: request.method, headers: request.headers, body: request.body });
    } catch (error) {
      throw new Error(`the app threw instead of answering: ${String(error)}\n${describeRequest(request)}`);
    }
    const text = await response.text();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    return { status: response.status, headers: response.headers, text };
  }

  /** What is wrong with an answer: a 5xx, an error body not in the one format, a body over the limit not refused. */
  function problemsWith(request: HostileRequest, answer: Answer, expected?: { status: number; code: string }): string[] {
    const problems: string[] = [];
    if (answer.status >= 500) problems.push(`answered ${answer.status}`);
    if (expected && answer.status !== expected.status) problems.push(`expected ${expected.status}, got ${answer.status}`);
    if ((request.body?.length ?? 0) > BODY_LIMIT && answer.status !== 413) problems.push(`a body of ${request.body!.length} bytes got ${answer.status}, not 413`);
    const contentType = answer.headers.get("content-type") ?? "";
    let json: any;
    if (/json/.test(contentType)) {
      try {
        json = JSON.parse(answer.text);
      } catch {
        problems.push("the JSON answer does not parse");
      }
    }
    if (answer.status >= 400) {
      const requestId = answer.headers.get("x-request-id");
      const error = json?.error;
      if (!/^application\/json/.test(contentType)) problems.push(`error answer with content type ${JSON.stringify(contentType)}`);
      else if (!json || typeof json !== "object" || Array.isArray(json) || Object.keys(json).join() !== "error") problems.push("error body is not {\"error\":{…}}");
      else if (!error || typeof error !== "object" || Object.keys(error).sort().join() !== "code,details,message,requestId") {
        problems.push("error is not exactly {code, message, details, requestId}");
      } else {
        if (ERROR_STATUS[error.code as keyof typeof ERROR_STATUS] !== answer.status) problems.push(`error code ${JSON.stringify(error.code)} does not belong to ${answer.status}`);
        if (typeof error.message !== "string" || error.message.length === 0) problems.push("error message is empty");
        if (typeof error.requestId !== "string" || error.requestId.length === 0) problems.push("error requestId is empty");
        if (error.requestId !== requestId) problems.push(`requestId ${JSON.stringify(error.requestId)} is not X-Request-Id ${JSON.stringify(requestId)}`);
        if (expected && error.code !== expected.code) problems.push(`expected ${expected.code}, got ${error.code}`);
      }
    }
    return problems;
  }

  /**
   * Runs one property: each generated request is sent and checked. A failure (shrunk by fast-check)
   * is collected with the request that shows it, so one run reports every failing operation.
   */
  async function probe<T>(
    label: string,
    seed: number,
    numRuns: number,
    arbitrary: fc.Arbitrary<T>,
    check: (value: T) => Promise<{ request: HostileRequest; answer: Answer; problems: string[] }>,
    failures: string[],
  ) {
    const result = await fc.check(
      fc.asyncProperty(arbitrary, async (value) => {
        const { request, answer, problems } = await check(value);
        if (problems.length > 0) {
          const logged = serverErrors.get(answer.headers.get("x-request-id") ?? "");
          throw new Error(
            `${problems.join("; ")}\n${describeRequest(request)}\n  answer: ${answer.status} ${previewText(answer.text, 400)}` +
              (logged ? `\n  logged: ${logged}` : ""),
          );
        }
      }),
      { seed, numRuns },
    );
    if (result.failed) {
      const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
      failures.push(`${label} (seed ${result.seed}, path ${JSON.stringify(result.counterexamplePath)}): ${error}`);
    }
  }

  function report(failures: string[]) {
    if (failures.length > 0) expect.fail(`${failures.length} failing:\n\n${failures.join("\n\n")}`);
  }

  // --- generated requests per operation ----------------------------------------------------

  function idsFor(key: string, path = ""): string[] {
    const kind = idKindOf(key, path);
    return kind ? pools[kind] : ids;
  }

  /** A path value that names an existing row (or at least passes the parameter's schema). */
  function validPathValue(parameter: Parameter, operation: Operation): fc.Arbitrary<string> {
    if (parameter.name === "id" || /Id$/.test(parameter.name)) {
      return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...idsFor(parameter.name, operation.path)) }, { weight: 1, arbitrary: fc.constantFrom(...ids) });
    }
    return (schemas.valid(parameter.schema, parameter.name) as fc.Arbitrary<unknown>).map(String);
  }

  function hostilePathValue(parameter: Parameter, operation: Operation): fc.Arbitrary<string> {
    const value = fc.oneof(
      { weight: 1, arbitrary: validPathValue(parameter, operation) },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: poison(validPathValue(parameter, operation)) },
      { weight: 4, arbitrary: hostileString },
    );
    // Mostly percent-encoded as a client would; sometimes raw, as far as the URL parser lets it through.
    return fc.tuple(value, fc.constantFrom(true, true, true, false)).map(([text, encoded]) => (encoded ? encode(text) : text));
  }

  const cursorValue = fc.oneof(
    hostileString,
    fc.uuid().map((id) => btoa(id)),
    fc.tuple(fc.constantFrom("2026-11-24T08:00:00.000Z", "+275760-09-13T00:00:00.000Z", "-271821-04-20T00:00:00.000Z", "0000-01-01T00:00:00.000Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "garbage", ""), fc.uuid())
      .map(([time, id]) => btoa(`${time}|${id}`).replace(/=+$/, "")),
    fc.string({ unit: "binary-ascii", maxLength: 40 }).map((text) => btoa(text)),
  );

  const validQueryValue = (parameter: Parameter) =>
    (parameter.name === "organisationId" || parameter.name === "interpreterId" || parameter.name === "bookingId" || parameter.name === "seriesId"
      ? fc.constantFrom(...idsFor(parameter.name))
      : (schemas.valid(parameter.schema, parameter.name) as fc.Arbitrary<unknown>)
    ).map((value) => (typeof value === "string" ? value : toJson(value)));

  function hostileQueryValue(parameter: Parameter): fc.Arbitrary<string> {
    if (parameter.name === "cursor") return cursorValue;
    return fc.oneof(
      { weight: 1, arbitrary: validQueryValue(parameter) },
      { weight: 1, arbitrary: poison(validQueryValue(parameter)) },
      { weight: 4, arbitrary: hostileString },
      { weight: 1, arbitrary: fc.constantFrom("1,2", "a,b,,", ",", "open,,offered", "open,nonsense", "true", "1", "0", "yes", "2026", "-2026", "10000", "1.5", "1e3") },
    );
  }

  const joinQuery = (pairs: [string, string][], encoded = true) =>
    pairs.map(([key, value]) => (encoded ? `${encode(key)}=${encode(value)}` : `${key}=${value}`)).join("&");

  /** Some of the documented parameters, each with a value its schema accepts. */
  function validQuery(operation: Operation): fc.Arbitrary<string | null> {
    const usable = operation.queryParams.filter((parameter) => parameter.name !== "cursor");
    if (usable.length === 0) return fc.constant(null);
    const required = usable.filter((parameter) => parameter.required);
    return fc
      .subarray(usable.filter((parameter) => !parameter.required))
      .map((optional) => [...required, ...optional])
      .chain((chosen) => fc.tuple(...chosen.map((parameter) => validQueryValue(parameter).map((value): [string, string] => [parameter.name, value]))))
      .map((pairs) => (pairs.length ? joinQuery(pairs) : null));
  }

  /**
   * Mostly the valid parameters plus one hostile pair (a documented key with a wrong value, an
   * unknown key, or a key repeated), so the odd value is what gets looked at; sometimes several
   * hostile pairs; sometimes not percent-encoded.
   */
  function hostileQuery(operation: Operation): fc.Arbitrary<string> {
    const documented = operation.queryParams.length
      ? fc.constantFrom(...operation.queryParams).chain((parameter) => fc.tuple(fc.constant(parameter.name), hostileQueryValue(parameter)))
      : null;
    const extra = fc.tuple(
      fc.oneof(fc.constantFrom("__proto__", "constructor", "limit[]", "limit[0]", "a.b", "unknown", ""), hostileString.filter((text) => text.length < 40)),
      hostileString,
    );
    const pair = documented ? fc.oneof({ weight: 5, arbitrary: documented }, { weight: 1, arbitrary: extra }) : extra;
    const usable = operation.queryParams.filter((parameter) => parameter.name !== "cursor");
    const validPairs = usable.length
      ? fc.subarray(usable).chain((chosen) => fc.tuple(...chosen.map((parameter) => validQueryValue(parameter).map((value): [string, string] => [parameter.name, value]))))
      : fc.constant([] as [string, string][]);
    return fc
      .record({
        valid: validPairs,
        hostile: fc.oneof({ weight: 3, arbitrary: pair.map((one) => [one]) }, { weight: 1, arbitrary: fc.array(pair, { minLength: 1, maxLength: 5 }) }),
        repeat: fc.constantFrom(false, false, true),
        encoded: fc.constantFrom(true, true, true, false),
      })
      .map(({ valid, hostile, repeat, encoded }) => {
        const [first] = hostile;
        // The hostile pair replaces a valid one of the same name, or is added; repeated keys come twice.
        const pairs = [...valid.filter(([key]) => !hostile.some(([name]) => name === key)), ...hostile];
        return joinQuery(repeat && first ? [...pairs, first, [first[0], "x"]] : pairs, encoded);
      });
  }

  const part = (payload: fc.Arbitrary<string | Uint8Array>, contentType: fc.Arbitrary<string | null>, note: string) =>
    fc.record({ payload, contentType, chunked: fc.boolean(), note: fc.constant(note) });

  const validCsv = fc
    .array(
      fc.record({
        name: fc.string({ minLength: 1, maxLength: 30 }).filter((name) => !/[;"\r\n]/.test(name) && name.trim().length > 0),
        phone: fc.integer({ min: 0, max: 99_999_999 }).map((digits) => `0151 ${String(digits).padStart(8, "0")}`),
        languages: fc.constantFrom("ar: native", "ar (levantinisch): native, de: fluent", "fa: basic", "tr: fluent"),
      }),
      { minLength: 1, maxLength: 3 },
    )
    .map((rows) => ["name;phone;languages", ...rows.map((row) => `${row.name};${row.phone};${row.languages}`)].join("\n"));

  /** A body the operation accepts, with the right content type (or no body). */
  function validBody(operation: Operation): fc.Arbitrary<BodyPart> {
    const body = operation.body;
    if (!body) return fc.constant(NO_BODY);
    if (body.mediaType === "text/csv") return part(validCsv, fc.constant("text/csv"), "valid CSV");
    if (body.mediaType === "application/x-www-form-urlencoded") return part(formBody, fc.constant("application/x-www-form-urlencoded"), "form");
    return part(schemas.valid(body.schema).map(toJson), fc.constant("application/json"), "valid by the schema");
  }

  /** A valid payload under a wrong, odd or missing content type. */
  function wrongContentType(operation: Operation): fc.Arbitrary<BodyPart> {
    const valid = validBody(operation);
    const contentType = fc.oneof(
      fc.constantFrom<string | null>(...PLAIN_CONTENT_TYPES, ...JSON_CONTENT_TYPES, "text/csv; charset=windows-1252", null),
      fc.string({ unit: "binary-ascii", maxLength: 40 }).filter(headerSafe),
    );
    return fc.tuple(valid, contentType).map(([body, type]) => ({ ...body, contentType: type, note: `${body.note}, content type changed` }));
  }

  function hostileBody(operation: Operation): fc.Arbitrary<BodyPart> {
    const body = operation.body;
    if (!body) {
      if (operation.method === "GET") return fc.constant(NO_BODY);
      return part(strayBody, contentTypeFor(JSON_CONTENT_TYPES), "stray body");
    }
    if (body.mediaType === "text/csv") {
      return fc.oneof(
        { weight: 5, arbitrary: part(csvBody, contentTypeFor(["text/csv", "text/csv; charset=utf-8", "text/csv; charset=windows-1252", "TEXT/CSV"]), "odd CSV") },
        { weight: 1, arbitrary: part(strayBody, contentTypeFor(["text/csv"]), "stray body") },
      );
    }
    if (body.mediaType === "application/x-www-form-urlencoded") {
      return fc.oneof(
        { weight: 4, arbitrary: part(formBody, contentTypeFor(["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8"]), "form") },
        { weight: 1, arbitrary: part(strayBody, contentTypeFor(["application/x-www-form-urlencoded"]), "stray body") },
      );
    }
    const json = fc.constantFrom("application/json", "application/json", "application/json", "application/json; charset=utf-8");
    return fc.oneof(
      { weight: 8, arbitrary: part(schemas.almostValid(body.schema).map(toJson), json, "valid but one field") },
      { weight: 2, arbitrary: part(fc.constantFrom(...MALFORMED_JSON), json, "malformed or odd JSON") },
      { weight: 1, arbitrary: part(fc.tuple(schemas.valid(body.schema).map(toJson), fc.nat()).map(([text, cut]) => text.slice(0, cut % (text.length + 1))), json, "truncated JSON") },
      { weight: 2, arbitrary: part(fc.jsonValue({ maxDepth: 4 }).map(toJson), json, "any JSON") },
      { weight: 1, arbitrary: part(fc.anything({ maxDepth: 3 }).map(toJson), json, "anything") },
      { weight: 1, arbitrary: part(deepJsonText, json, "deeply nested") },
      { weight: 1, arbitrary: part(hugeString.map((text) => toJson({ name: text, reason: text, notes: text })), json, "huge strings") },
      { weight: 1, arbitrary: part(fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), fc.uint8Array({ maxLength: 200 })), json, "not JSON at all") },
      { weight: 1, arbitrary: fc.constant(NO_BODY) },
    );
  }

  /** A role the operation allows, mostly the coordinator. */
  function allowedWho(operation: Operation): fc.Arbitrary<Who> {
    const roles = operation.roles.filter((role): role is "coordinator" | "requester" | "finance" => role in keys);
    if (roles.length === 0) return fc.constant<Who>("anonymous");
    return fc.oneof(...roles.map((role) => ({ weight: role === "coordinator" ? 4 : 1, arbitrary: fc.constant<Who>(role) })));
  }

  type Focus = "nothing" | "everything" | "auth" | "path" | "query" | "body" | "content type";

  /**
   * One request: mostly valid with one hostile part (so it gets past the checks before it), sometimes
   * hostile all over, sometimes entirely valid (which creates, changes and sweeps rows).
   */
  function generatedRequest(operation: Operation): fc.Arbitrary<HostileRequest> {
    const focuses: Focus[] = ["nothing", "everything", "everything", "auth", "query", "query"];
    if (operation.pathParams.length) focuses.push("path", "path", "path");
    if (operation.body) focuses.push("body", "body", "body", "body", "content type");
    else if (operation.method !== "GET") focuses.push("body");
    return fc
      .constantFrom(...focuses)
      .chain((focus) => {
        const hostile = (part: Focus) => focus === part || focus === "everything";
        return fc.record({
          focus: fc.constant(focus),
          who: hostile("auth") ? whoArb : allowedWho(operation),
          path: fc.tuple(...operation.pathParams.map((parameter) => (hostile("path") ? hostilePathValue(parameter, operation) : validPathValue(parameter, operation)))),
          query: hostile("query") ? hostileQuery(operation) : validQuery(operation),
          body: hostile("body") ? hostileBody(operation) : focus === "content type" ? wrongContentType(operation) : validBody(operation),
          requestId: hostile("auth") ? requestIdArb : fc.constant(null),
        });
      })
      .map(({ focus, who, path, query, body, requestId }) => {
        let index = 0;
        const url = operation.path.replace(/\{[^}]+\}/g, () => path[index++] ?? "") + (query === null ? "" : `?${query}`);
        const request = buildRequest(operation.method, url, who, body, requestId);
        request.note = `${request.note}; hostile: ${focus}`;
        return request;
      });
  }

  it(
    "answers every generated request below 500, with every 4xx in the one error format",
    async () => {
      expect(operations.length).toBeGreaterThan(40);
      const weightOf = (operation: Operation) => (operation.body ? 2 : 1);
      const totalWeight = operations.reduce((sum, operation) => sum + weightOf(operation), 0);
      const failures: string[] = [];
      for (const [index, operation] of operations.entries()) {
        const runs = Math.max(2, Math.round((BUDGET.main * weightOf(operation)) / totalWeight));
        await probe(labelOf(operation), SEED + index, runs, generatedRequest(operation), async (request) => {
          const answer = await send(request, "main");
          if (answer.status < 300) succeeded.add(labelOf(operation));
          return { request, answer, problems: problemsWith(request, answer) };
        }, failures);
      }
      report(failures);
    },
    TIMEOUT,
  );

  it(
    `answers bodies over BODY_LIMIT_BYTES (${BODY_LIMIT}) with 413, whatever the route and content type`,
    async () => {
      const withBodies = operations.filter((operation) => operation.method !== "GET");
      const failures: string[] = [];
      const oversized = fc
        .record({
          size: fc.integer({ min: BODY_LIMIT + 1, max: BODY_LIMIT * 4 }),
          kind: fc.constantFrom("json", "text", "bytes"),
          contentType: fc.constantFrom<string | null>("application/json", "text/csv", "application/x-www-form-urlencoded", "text/plain", null),
          chunked: fc.boolean(),
          who: whoArb,
        })
        .map(({ size, kind, contentType, chunked, who }): { body: BodyPart; who: Who } => {
          const payload =
            kind === "json" ? toJson({ name: "x".repeat(size) }) : kind === "text" ? "name;phone;languages\n" + "ä".repeat(size / 2) : new Uint8Array(size).fill(0x7b);
          return { body: { payload, contentType, chunked, note: `${kind} over the limit` }, who };
        });
      for (const [index, operation] of withBodies.entries()) {
        const runs = Math.max(1, Math.round(BUDGET.oversize / withBodies.length));
        const url = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => (name === "file" ? "allowances.csv" : idsFor(name, operation.path)[0]!));
        await probe(labelOf(operation), SEED + 1000 + index, runs, oversized, async ({ body, who }) => {
          const request = buildRequest(operation.method, url, who, body, null);
          const answer = await send(request, "oversize");
          return { request, answer, problems: problemsWith(request, answer, { status: 413, code: "PAYLOAD_TOO_LARGE" }) };
        }, failures);
      }
      report(failures);
    },
    TIMEOUT,
  );

  // --- the Twilio webhooks -----------------------------------------------------------------

  describe("the Twilio webhooks", () => {
    let sids: string[];
    let code: string;

    beforeAll(async () => {
      ctx.clock.set(NOW);
      // An offer waiting for an answer and sent messages with Twilio ids: what a forged webhook would change.
      const person = await newInterpreter(ctx.coordinator, { languages: [{ code: "ar", level: "native" }] });
      await ctx.coordinator.put(`/v1/interpreters/${person.id}/availability`, { weekly: ALL_WEEK, absences: [] });
      interpreterPhone = person.phone;
      const job = await ctx.coordinator.post("/v1/bookings", {
        organisationId: (await newOrganisation(ctx.coordinator)).id, language: "ar", startsAt: "2026-12-09T09:00:00+01:00", durationMinutes: 60, mode: "phone",
      });
      expect(job.status, JSON.stringify(job.body)).toBe(201);
      code = job.body.code;
      const wave = await ctx.coordinator.post(`/v1/bookings/${job.body.id}/offers`, { interpreterIds: [person.id] });
      expect(wave.status, JSON.stringify(wave.body)).toBe(200);
      await createServices(ctx.deps).outbox.deliverDue();
      const sentMessages = await ctx.deps.db.prisma.smsMessage.findMany({ where: { providerSid: { not: null } }, select: { providerSid: true } });
      sids = sentMessages.map((message) => message.providerSid!);
      expect(sids.length).toBeGreaterThan(0);
    });

    /** Everything an SMS webhook may change. */
    async function snapshot() {
      const { prisma } = ctx.deps.db;
      const [messages, offers, bookings, interpreters] = await Promise.all([
        prisma.smsMessage.findMany({ orderBy: { id: "asc" } }),
        prisma.offer.findMany({ orderBy: { id: "asc" } }),
        prisma.booking.findMany({ orderBy: { id: "asc" }, select: { id: true, status: true, updatedAt: true } }),
        prisma.interpreter.findMany({ orderBy: { id: "asc" }, select: { id: true, smsConsentAt: true, updatedAt: true } }),
      ]);
      return { count: messages.length, state: JSON.stringify({ messages, offers, bookings, interpreters }) };
    }

    /** What Twilio would send: real message ids, the interpreter's phone, answers to the open offer. */
    function plausibleParams(path: (typeof WEBHOOKS)[number]): fc.Arbitrary<Record<string, string>> {
      const field = <T extends string>(values: T[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: hostileString.filter((text) => text.length < 400) });
      if (path === "/v1/sms/inbound") {
        return fc.record(
          {
            MessageSid: field([messageSid(), messageSid(), ...sids]),
            From: field([interpreterPhone, "+4915100000000", "0151 00000000"]),
            To: field([POOL_NUMBER]),
            Body: field([`JA ${code}`, `NEIN ${code}`, `ABSAGE ${code}`, "JA", "STOP", "START", "Hilfe", `ja ${code} 😀`]),
            AccountSid: fc.constant("AC0123"),
            NumMedia: field(["0", "1", "-1"]),
          },
          { requiredKeys: [] },
        );
      }
      return fc.record(
        {
          MessageSid: field([...sids, messageSid()]),
          MessageStatus: field(["delivered", "undelivered", "failed", "sent", "queued", "read", "DELIVERED", ""]),
          ErrorCode: field(["30003", "30005", "0", "-1", "9".repeat(30)]),
          AccountSid: fc.constant("AC0123"),
        },
        { requiredKeys: [] },
      );
    }

    function webhookRequest(path: (typeof WEBHOOKS)[number], params: Record<string, string>, options: { signature: string | null; contentType: string | null; raw?: string }) {
      const payload = options.raw ?? new URLSearchParams(params).toString();
      const body: BodyPart = { payload, contentType: options.contentType, chunked: false, note: "form" };
      return buildRequest("POST", path, "anonymous", body, null, options.signature === null ? {} : { "x-twilio-signature": options.signature });
    }

    /** The form as the server will read it (lone surrogates replaced), so a correct signature is correct. */
    function asReceived(params: Record<string, string>): Record<string, string> {
      const received: Record<string, string> = {};
      for (const [key, value] of new URLSearchParams(new URLSearchParams(params).toString())) received[key] = value;
      return received;
    }

    it(
      "refuses requests without Twilio's valid signature with 403 and changes nothing",
      async () => {
        const badSignature = fc.oneof(
          fc.constant({ kind: "missing" }),
          fc.constant({ kind: "empty" }),
          fc.constant({ kind: "wrong token" }),
          fc.constant({ kind: "other url" }),
          fc.constant({ kind: "other params" }),
          fc.constant({ kind: "valid, but not form-encoded" }),
          fc.base64String({ minLength: 1, maxLength: 40 }).map((value) => ({ kind: "random", value })),
          hostileString.filter((text) => text.length > 0 && headerSafe(text)).map((value) => ({ kind: "garbage", value })),
        );
        const failures: string[] = [];
        for (const [index, path] of WEBHOOKS.entries()) {
          const arbitrary = fc.record({
            params: fc.oneof({ weight: 3, arbitrary: plausibleParams(path) }, { weight: 1, arbitrary: formParams }),
            signature: badSignature,
            contentType: fc.oneof(
              { weight: 4, arbitrary: fc.constant<string | null>("application/x-www-form-urlencoded") },
              { weight: 1, arbitrary: fc.constantFrom<string | null>("application/x-www-form-urlencoded; charset=utf-8", "text/plain", "application/json", null) },
            ),
          });
          await probe(`POST ${path}`, SEED + 2000 + index, Math.max(1, Math.round(BUDGET.unsigned / WEBHOOKS.length)), arbitrary, async ({ params, signature, contentType }) => {
            const received = asReceived(params);
            const url = PUBLIC_BASE_URL + path;
            const other = PUBLIC_BASE_URL + (path === "/v1/sms/inbound" ? "/v1/sms/status" : "/v1/sms/inbound");
            let header: string | null;
            let type = contentType;
            switch (signature.kind) {
              case "missing": header = null; break;
              case "empty": header = ""; break;
              case "wrong token": header = getExpectedTwilioSignature("another-twilio-auth-token-98765", url, received); break;
              case "other url": header = getExpectedTwilioSignature(TWILIO_TEST_TOKEN, other, received); break;
              case "other params": header = getExpectedTwilioSignature(TWILIO_TEST_TOKEN, url, { ...received, Forged: "1" }); break;
              case "valid, but not form-encoded":
                header = getExpectedTwilioSignature(TWILIO_TEST_TOKEN, url, received);
                type = "application/json";
                break;
              default: header = (signature as { value: string }).value;
            }
            const request = webhookRequest(path, params, { signature: header, contentType: type });
            request.note = `form, signature: ${signature.kind}`;
            const before = await snapshot();
            const answer = await send(request, "unsigned");
            const after = await snapshot();
            const problems = problemsWith(request, answer, { status: 403, code: "FORBIDDEN" });
            if (after.count !== before.count) problems.push(`SmsMessage rows: ${before.count} before, ${after.count} after`);
            else if (after.state !== before.state) problems.push("messages, offers, bookings or interpreters changed");
            return { request, answer, problems };
          }, failures);
        }
        report(failures);
      },
      TIMEOUT,
    );

    it(
      "answers correctly signed but odd webhooks below 500 (TwiML or the one error format)",
      async () => {
        const failures: string[] = [];
        for (const [index, path] of WEBHOOKS.entries()) {
          const arbitrary = fc.oneof({ weight: 3, arbitrary: plausibleParams(path) }, { weight: 1, arbitrary: formParams });
          await probe(`POST ${path} (signed)`, SEED + 3000 + index, Math.max(1, Math.round(BUDGET.signed / WEBHOOKS.length)), arbitrary, async (params) => {
            const received = asReceived(params);
            const signature = getExpectedTwilioSignature(TWILIO_TEST_TOKEN, PUBLIC_BASE_URL + path, received);
            const request = webhookRequest(path, params, { signature, contentType: "application/x-www-form-urlencoded" });
            request.note = "form, correctly signed";
            const answer = await send(request, "signed");
            const problems = problemsWith(request, answer);
            if (answer.status === 403) problems.push("a correctly signed webhook was refused");
            if (answer.status === 200 && !/^text\/xml/.test(answer.headers.get("content-type") ?? "")) problems.push("200 without TwiML");
            return { request, answer, problems };
          }, failures);
        }
        report(failures);
      },
      TIMEOUT,
    );
  });
});
