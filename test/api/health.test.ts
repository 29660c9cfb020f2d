import { beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../helpers/test-app";
import { testDbKind } from "../helpers/test-database";

describe("GET /healthz", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });

  it("answers without a key and reports the database", async () => {
    const response = await ctx.anonymous.get("/healthz");
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: "ok", database: { kind: testDbKind(), ok: true } });
    expect(response.headers.get("x-request-id")).toMatch(/\S+/);
  });

  it("answers 503 when the database does not answer", async () => {
    const broken = await createTestContext({
      deps: { db: { ...ctx.deps.db, ping: () => Promise.reject(new Error("connection refused")) } },
    });
    const response = await broken.anonymous.get("/healthz");
    expect(response.status).toBe(503);
    expect(response.body.status).toBe("unavailable");
  });
});
