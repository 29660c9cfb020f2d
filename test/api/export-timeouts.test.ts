// Creating an export batch may take minutes (a year of a large pool moves in one transaction):
// REQUEST_TIMEOUT_MS does not cut it off, while every other request still answers 503 in time.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { isDatabaseUnavailable } from "../../src/db/database";
import { expectError } from "../helpers/assertions";
import { ApiClient, createTestContext, testConfig } from "../helpers/test-app";
import { slowDatabase } from "../helpers/test-database";

describe("request timeout and export creation", () => {
  it("lets POST /v1/exports run past REQUEST_TIMEOUT_MS; other requests, also GET /v1/exports, get 503", async () => {
    const base = await createTestContext();
    const { organisationId } = await base.newRequester();
    const app = createApp({ ...base.deps, config: testConfig({ REQUEST_TIMEOUT_MS: "200" }), db: slowDatabase(base.deps.db, () => 300) });
    const finance = new ApiClient(app, base.finance.key);

    const started = Date.now();
    // Nothing to export for a new organisation: 409 after the whole transaction ran (each statement waits 300 ms), not 503.
    expectError(await finance.post("/v1/exports", { organisationId }), 409, "CONFLICT");
    expect(Date.now() - started).toBeGreaterThan(200);

    const listed = await finance.get("/v1/exports");
    expectError(listed, 503, "SERVICE_UNAVAILABLE");
    expect(listed.headers.get("retry-after")).toBe("1");
    expectError(await finance.get(`/v1/organisations/${organisationId}`), 503, "SERVICE_UNAVAILABLE");
  });

  it("lets voiding and paying a batch run past REQUEST_TIMEOUT_MS too (each moves the whole batch's allowances)", async () => {
    const base = await createTestContext();
    const app = createApp({ ...base.deps, config: testConfig({ REQUEST_TIMEOUT_MS: "200" }), db: slowDatabase(base.deps.db, () => 300) });
    const finance = new ApiClient(app, base.finance.key);
    const unknown = randomUUID();
    // An unknown batch: its 404 comes after the transaction's statements (300 ms each), not a 503.
    expectError(await finance.post(`/v1/exports/${unknown}/void`, {}), 404, "NOT_FOUND");
    expectError(await finance.post(`/v1/exports/${unknown}/paid`, {}), 404, "NOT_FOUND");
    // Other requests below /v1/exports keep the normal limit.
    expectError(await finance.get(`/v1/exports/${unknown}`), 503, "SERVICE_UNAVAILABLE");
  });
});

describe("errors of the export files' direct reads", () => {
  it("count a statement timeout or lock timeout of the pg driver itself as the database being unavailable (503)", () => {
    const driverError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: "ERROR" });
    expect(isDatabaseUnavailable(driverError("57014", "canceling statement due to statement timeout"))).toBe(true);
    expect(isDatabaseUnavailable(driverError("55P03", "canceling statement due to lock timeout"))).toBe(true);
    expect(isDatabaseUnavailable(driverError("42P01", 'relation "Allowance" does not exist'))).toBe(false);
    expect(isDatabaseUnavailable(driverError("P2002", "Unique constraint failed"))).toBe(false);
  });
});
