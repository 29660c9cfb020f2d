import { beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client";
import { ERROR_STATUS } from "../../src/lib/api-error";
import type { Logger } from "../../src/lib/logger";
import { createTestContext, newOrganisation, uniqueToken, type ApiResponse, type TestContext } from "../helpers/test-app";
import { testDatabase } from "../helpers/test-database";
import { NIL_UUID } from "../helpers/fixtures";

const SECRET = "secret internal detail";

/** Asserts the one error body and that its request id is the response's X-Request-Id. */
function expectErrorBody(response: ApiResponse, status: number, code: string) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  expect(Object.keys(response.body)).toEqual(["error"]);
  expect(Object.keys(response.body.error).sort()).toEqual(["code", "details", "message", "requestId"]);
  const { error } = response.body;
  expect(error.code).toBe(code);
  expect(ERROR_STATUS[code as keyof typeof ERROR_STATUS]).toBe(status);
  expect(typeof error.message).toBe("string");
  expect(error.message.length).toBeGreaterThan(0);
  expect(error.requestId).toEqual(expect.any(String));
  expect(error.requestId.length).toBeGreaterThan(0);
  expect(error.requestId).toBe(response.headers.get("x-request-id"));
  if (code === "VALIDATION_FAILED") {
    expect(Array.isArray(error.details)).toBe(true);
  } else {
    expect(error.details).toBeNull();
  }
}

describe("the error format", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });

  it("is the same for every kind of error", async () => {
    const { client: requester } = await ctx.newRequester();
    const { organisationId: busyOrganisation } = await ctx.newRequester();
    const cases: [ApiResponse, number, string][] = [
      [await ctx.anonymous.get("/v1/organisations"), 401, "UNAUTHORIZED"],
      [await ctx.as("dp_unknown").get("/v1/organisations"), 401, "UNAUTHORIZED"],
      [await requester.post("/v1/organisations", { name: "x" }), 403, "FORBIDDEN"],
      [await ctx.finance.get("/v1/api-keys"), 403, "FORBIDDEN"],
      [await ctx.coordinator.get(`/v1/organisations/${NIL_UUID}`), 404, "NOT_FOUND"],
      [await ctx.coordinator.delete(`/v1/api-keys/${NIL_UUID}`), 404, "NOT_FOUND"],
      [await ctx.anonymous.get("/nope"), 404, "NOT_FOUND"],
      [await ctx.coordinator.get("/v1/nope"), 404, "NOT_FOUND"],
      [
        await ctx.coordinator.request("POST", "/v1/organisations", {
          rawBody: "{not json",
          headers: { "content-type": "application/json" },
        }),
        400,
        "MALFORMED_JSON",
      ],
      [
        await ctx.coordinator.request("POST", "/v1/organisations", {
          rawBody: "name=x",
          headers: { "content-type": "text/plain" },
        }),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      [await ctx.coordinator.post("/v1/organisations", { name: "x", kind: "nope" }), 422, "VALIDATION_FAILED"],
      [await ctx.coordinator.get("/v1/organisations?limit=-1"), 422, "VALIDATION_FAILED"],
      [await ctx.coordinator.get("/v1/organisations?cursor=bogus"), 422, "VALIDATION_FAILED"],
      [await ctx.coordinator.post("/v1/api-keys", { name: "r", role: "requester" }), 422, "VALIDATION_FAILED"],
      [await ctx.coordinator.delete(`/v1/organisations/${busyOrganisation}`), 409, "HAS_HISTORY"],
    ];
    const requestIds = new Set<string>();
    for (const [response, status, code] of cases) {
      expectErrorBody(response, status, code);
      requestIds.add(response.body.error.requestId);
    }
    // Every request gets an id of its own.
    expect(requestIds.size).toBe(cases.length);
  });

  it("lists validation problems with path, message, code and location", async () => {
    const response = await ctx.coordinator.post("/v1/organisations", {
      name: "",
      kind: "church",
      municipality: "Düren",
      address: { street: "Markt 1", postcode: "1", city: "Düren" },
    });
    expectErrorBody(response, 422, "VALIDATION_FAILED");
    const details = response.body.error.details as { path: unknown[]; message: string; code: string; in: string }[];
    expect(details.map((problem) => problem.path)).toEqual(
      expect.arrayContaining([["name"], ["kind"], ["address", "postcode"]]),
    );
    for (const problem of details) {
      expect(Object.keys(problem).sort()).toEqual(["code", "in", "message", "path"]);
      expect(problem.in).toBe("body");
      expect(typeof problem.message).toBe("string");
      expect(typeof problem.code).toBe("string");
    }
    expect(response.body.error.message).toMatch(/^Invalid body/);

    const query = await ctx.coordinator.get("/v1/organisations?limit=1000");
    expectErrorBody(query, 422, "VALIDATION_FAILED");
    expect(query.body.error.details).toEqual([expect.objectContaining({ path: ["limit"], in: "query", code: "too_big" })]);
  });

  it("names the method and path of an unknown route", async () => {
    for (const [method, path] of [
      ["GET", "/nope"],
      ["GET", "/v1/nope"],
      ["POST", "/v1/nope"],
      ["PUT", "/v1/organisations"],
      ["GET", "/v1/api-keys/some/deeper/path"],
    ] as const) {
      const response = await ctx.coordinator.request(method, path);
      expectErrorBody(response, 404, "NOT_FOUND");
      expect(response.body.error.message).toContain(`${method} ${path}`);
    }
    // Unknown routes need no key: they are 404, not 401.
    expectErrorBody(await ctx.anonymous.get("/v1/nope"), 404, "NOT_FOUND");
  });
});

describe("X-Request-Id", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });

  it("is on every response, successful or not", async () => {
    const organisation = await newOrganisation(ctx.coordinator);
    const responses = [
      await ctx.anonymous.get("/healthz"),
      await ctx.coordinator.get("/v1/organisations?limit=1"),
      await ctx.coordinator.post("/v1/organisations", { name: `Rid ${uniqueToken()}`, kind: "other", municipality: "Düren" }),
      await ctx.coordinator.delete(`/v1/organisations/${organisation.id}`),
      await ctx.anonymous.get("/nope"),
      await ctx.anonymous.get("/v1/nope"),
      await ctx.anonymous.get("/openapi.json"),
      await ctx.anonymous.get("/docs"),
      await ctx.anonymous.get("/v1/organisations"),
    ];
    expect(responses.map((response) => response.status)).toEqual([200, 200, 201, 204, 404, 404, 200, 200, 401]);
    const ids = responses.map((response) => response.headers.get("x-request-id"));
    for (const id of ids) expect(id).toMatch(/^[\w\-=]{8,}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("echoes an incoming request id, also in error bodies", async () => {
    const incoming = `client-${uniqueToken()}_A=1`;
    const ok = await ctx.anonymous.get("/healthz", { headers: { "x-request-id": incoming } });
    expect(ok.headers.get("x-request-id")).toBe(incoming);

    const error = await ctx.anonymous.get("/v1/organisations", { headers: { "X-Request-Id": incoming } });
    expectErrorBody(error, 401, "UNAUTHORIZED");
    expect(error.body.error.requestId).toBe(incoming);

    const notFound = await ctx.anonymous.get("/v1/nope", { headers: { "x-request-id": incoming } });
    expect(notFound.body.error.requestId).toBe(incoming);
    expect(notFound.headers.get("x-request-id")).toBe(incoming);
  });

  it("replaces an incoming request id that is unsafe or too long", async () => {
    for (const incoming of ["has spaces in it", "<script>alert(1)</script>", "a".repeat(256)]) {
      const response = await ctx.anonymous.get("/v1/nope", { headers: { "x-request-id": incoming } });
      const id = response.headers.get("x-request-id");
      expect(id).not.toBe(incoming);
      expect(id).toMatch(/^[\w\-=]{8,255}$/);
      expect(response.body.error.requestId).toBe(id);
    }
  });
});

describe("body size limit", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ config: { BODY_LIMIT_BYTES: "2048" } });
  });

  /** A valid organisation body padded with white space to exactly `bytes` bytes. */
  function bodyOfSize(bytes: number, name = `Size ${uniqueToken()}`): string {
    const json = JSON.stringify({ name, kind: "other", municipality: "Düren" });
    const length = Buffer.byteLength(json);
    if (length > bytes) throw new Error("too small");
    return json + " ".repeat(bytes - length);
  }

  it("answers a larger body with 413 PAYLOAD_TOO_LARGE and creates nothing", async () => {
    const name = `TooBig ${uniqueToken()}`;
    const response = await ctx.coordinator.request("POST", "/v1/organisations", {
      rawBody: bodyOfSize(2049, name),
      headers: { "content-type": "application/json" },
    });
    expectErrorBody(response, 413, "PAYLOAD_TOO_LARGE");
    expect(response.body.error.message).toContain("2048");
    const list = await ctx.coordinator.get(`/v1/organisations?q=${encodeURIComponent(name)}`);
    expect(list.body.items).toEqual([]);
  });

  it("answers 413 when the declared Content-Length is too large", async () => {
    const body = bodyOfSize(5000);
    const response = await ctx.coordinator.request("POST", "/v1/organisations", {
      rawBody: body,
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
    });
    expectErrorBody(response, 413, "PAYLOAD_TOO_LARGE");
  });

  it("counts bytes, not characters", async () => {
    // 1100 "ü" are 1100 characters but 2200 bytes.
    const response = await ctx.coordinator.request("POST", "/v1/organisations", {
      rawBody: JSON.stringify({ name: "ü".repeat(1100), kind: "other", municipality: "Düren" }),
      headers: { "content-type": "application/json" },
    });
    expectErrorBody(response, 413, "PAYLOAD_TOO_LARGE");
  });

  it("accepts a body of exactly the limit", async () => {
    const name = `Exact ${uniqueToken()}`;
    const response = await ctx.coordinator.request("POST", "/v1/organisations", {
      rawBody: bodyOfSize(2048, name),
      headers: { "content-type": "application/json" },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body.name).toBe(name);
  });
});

describe("unexpected exceptions", () => {
  let ctx: TestContext;
  const logged: { object: Record<string, unknown>; message?: string }[] = [];
  /** Model delegates that throw on access; empty while the context is being built. */
  const failing = new Set<string>();

  beforeAll(async () => {
    const db = await testDatabase();
    const prisma = new Proxy(db.prisma, {
      get(target, property) {
        if (typeof property === "string" && (failing.has(property) || (failing.has("*") && !property.startsWith("$")))) {
          throw new Error(SECRET);
        }
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as PrismaClient;
    const logger: Logger = {
      info: () => {},
      warn: () => {},
      debug: () => {},
      error: (object, message) => void logged.push({ object: object as Record<string, unknown>, message }),
      child: () => logger,
    };
    ctx = await createTestContext({ deps: { db: { ...db, prisma }, logger } });
  });

  function expectOpaque500(response: ApiResponse) {
    expectErrorBody(response, 500, "INTERNAL_ERROR");
    const text = JSON.stringify(response.body);
    expect(text).not.toContain(SECRET);
    expect(text).not.toMatch(/secret|prisma|\.ts\b|\bat\s+\S+\s+\(|Error:/i);
    expect(response.body.error.message).toMatch(/request id/i);
  }

  it("answers 500 INTERNAL_ERROR without revealing internals, from a handler", async () => {
    failing.clear();
    failing.add("organisation");
    try {
      logged.length = 0;
      const list = await ctx.coordinator.get("/v1/organisations");
      expectOpaque500(list);
      const create = await ctx.coordinator.post("/v1/organisations", { name: "x", kind: "other", municipality: "Düren" });
      expectOpaque500(create);
      // The error is logged with the request id the client was given.
      expect(logged).toHaveLength(2);
      expect(logged[0]!.object.requestId).toBe(list.body.error.requestId);
      expect(String((logged[0]!.object.err as Error).message)).toBe(SECRET);
      expect(logged[1]!.object.requestId).toBe(create.body.error.requestId);
    } finally {
      failing.clear();
    }
    // The same app works again once the database does.
    expect((await ctx.coordinator.get("/v1/organisations?limit=1")).status).toBe(200);
  });

  it("answers 500, not 401, when authentication itself fails", async () => {
    failing.add("*");
    try {
      const response = await ctx.coordinator.get("/v1/api-keys");
      expectOpaque500(response);
      const anonymous = await ctx.as("dp_whatever").get("/v1/organisations");
      expectOpaque500(anonymous);
    } finally {
      failing.clear();
    }
  });

  it("still answers routes that need no database", async () => {
    failing.add("*");
    try {
      expect((await ctx.anonymous.get("/openapi.json")).status).toBe(200);
      expectErrorBody(await ctx.anonymous.get("/nope"), 404, "NOT_FOUND");
      // Without a key, authorisation fails before the database is asked.
      expectErrorBody(await ctx.anonymous.get("/v1/organisations"), 401, "UNAUTHORIZED");
    } finally {
      failing.clear();
    }
  });
});

describe("API description", () => {
  let ctx: TestContext;
  let spec: any;
  beforeAll(async () => {
    ctx = await createTestContext();
    const response = await ctx.anonymous.get("/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    spec = response.body;
  });

  const HTTP_METHODS = ["get", "post", "put", "patch", "delete"];
  // The SMS webhooks are signed by Twilio instead of a bearer key (see the SMS webhook tests).
  // Public on purpose: signed by Twilio, or a secret address of its own (the calendar feed).
  const PUBLIC_ROUTES = ["/v1/sms/inbound", "/v1/sms/status", "/v1/calendar/{token}.ics"];
  const v1Operations = () =>
    Object.entries(spec.paths as Record<string, Record<string, any>>)
      .filter(([path]) => path.startsWith("/v1/") && !PUBLIC_ROUTES.includes(path))
      .flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([method]) => HTTP_METHODS.includes(method))
          .map(([method, operation]) => ({ path, method, operation })),
      );

  it("is OpenAPI 3.1 without a key", () => {
    expect(spec.openapi).toMatch(/^3\.1\.\d+$/);
    expect(spec.info.title).toEqual(expect.any(String));
    expect(spec.info.version).toEqual(expect.any(String));
    expect(spec.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("lists every /v1 route", () => {
    const operations = v1Operations().map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(operations).toEqual(
      expect.arrayContaining([
        "POST /v1/api-keys",
        "GET /v1/api-keys",
        "DELETE /v1/api-keys/{id}",
        "POST /v1/organisations",
        "GET /v1/organisations",
        "GET /v1/organisations/{id}",
        "PATCH /v1/organisations/{id}",
        "DELETE /v1/organisations/{id}",
        "POST /v1/interpreters",
        "GET /v1/interpreters",
        "GET /v1/interpreters/{id}",
        "PATCH /v1/interpreters/{id}",
        "POST /v1/interpreters/import",
      ]),
    );
    // Paths use OpenAPI's {param} style, never Hono's :param.
    for (const path of Object.keys(spec.paths)) expect(path).not.toContain(":");
  });

  it("secures every /v1 route with bearerAuth and documents its error responses", () => {
    const operations = v1Operations();
    expect(operations.length).toBeGreaterThanOrEqual(13);
    for (const { method, path, operation } of operations) {
      const label = `${method.toUpperCase()} ${path}`;
      expect(operation.security, label).toEqual([{ bearerAuth: [] }]);
      const hasInput = Boolean(operation.requestBody || operation.parameters?.length);
      for (const status of ["401", "403", ...(hasInput ? ["422"] : []), "500"]) {
        expect(operation.responses[status], `${label} ${status}`).toBeDefined();
        expect(operation.responses[status].content["application/json"].schema, `${label} ${status}`).toEqual({
          $ref: "#/components/schemas/Error",
        });
      }
      if (path.includes("{id}")) expect(operation.responses["404"], `${label} 404`).toBeDefined();
      if (operation.requestBody?.content?.["application/json"]) {
        for (const status of ["400", "413", "415"]) expect(operation.responses[status], `${label} ${status}`).toBeDefined();
      }
    }
    expect(spec.paths["/v1/api-keys/{id}"].delete.responses["409"]).toBeDefined();
    expect(spec.paths["/v1/organisations/{id}"].delete.responses["409"]).toBeDefined();
  });

  it("describes the Error schema as the one error body", () => {
    const schema = spec.components.schemas.Error;
    expect(schema.type).toBe("object");
    expect(schema.required).toEqual(["error"]);
    const inner = schema.properties.error;
    expect(Object.keys(inner.properties).sort()).toEqual(["code", "details", "message", "requestId"]);
    expect(inner.properties.code.enum).toEqual(expect.arrayContaining(Object.keys(ERROR_STATUS)));
  });

  it("leaves the health check public", () => {
    expect(spec.paths["/healthz"].get.security).toEqual([]);
  });

  it("serves the reference documentation as HTML", async () => {
    const response = await ctx.anonymous.get("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.body).toMatch(/^<!doctype html>/i);
    expect(response.body).toContain("/openapi.json");
    expect(response.body).toContain("Dolmetscherpool API");
  });
});
