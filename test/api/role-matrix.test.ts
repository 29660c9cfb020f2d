import { beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type ApiClient, type TestContext } from "../helpers/test-app";

interface Operation {
  method: string;
  path: string;
  roles: string[];
}

const ROLES = ["coordinator", "requester", "finance"] as const;
const SOME_ID = "01936c1e-7a4b-7c3d-9f2e-0a1b2c3d4e5f";

/**
 * Every operation in /openapi.json, called with no key, a revoked key and a key of each role:
 * keys of roles the route does not name get 403, the others get past authorisation. Routes added
 * later are covered without touching this file.
 */
describe("authorisation matrix over every route in /openapi.json", () => {
  let ctx: TestContext;
  let operations: Operation[];
  let clients: Record<(typeof ROLES)[number] | "revoked", ApiClient>;

  beforeAll(async () => {
    ctx = await createTestContext();
    const spec = (await ctx.anonymous.get("/openapi.json")).body;
    operations = Object.entries(spec.paths as Record<string, Record<string, { "x-roles"?: string[] }>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, roles: operation["x-roles"] ?? [] })),
    );
    const requester = await ctx.newRequester();
    const revoked = await ctx.coordinator.post("/v1/api-keys", { name: "to revoke", role: "finance" });
    await ctx.coordinator.delete(`/v1/api-keys/${revoked.body.id}`);
    clients = { coordinator: ctx.coordinator, finance: ctx.finance, requester: requester.client, revoked: ctx.as(revoked.body.key) };
  });

  const concrete = (path: string) => path.replace(/\{[^}]+\}/g, SOME_ID);
  // A body that passes no validation (unknown field): authorisation must be decided before it is
  // looked at, and no allowed call may change shared data (e.g. sweep allowances into an export).
  const send = (client: ApiClient, operation: Operation) =>
    client.request(operation.method, concrete(operation.path), ["GET", "DELETE"].includes(operation.method) ? {} : { body: { roleMatrixProbe: true } });

  it("documents a role list for every protected operation", () => {
    expect(operations.length).toBeGreaterThan(10);
    const unprotected = operations.filter((operation) => operation.roles.length === 0).map((o) => `${o.method} ${o.path}`);
    // The SMS webhooks are public but signed by Twilio (tested in the SMS tests); a calendar feed's
    // secret address is its key (test/api/calendar.test.ts).
    expect(unprotected.sort()).toEqual(["GET /healthz", "GET /v1/calendar/{token}.ics", "POST /v1/sms/inbound", "POST /v1/sms/status"]);
  });

  it("refuses every protected operation without a key and with a revoked key (401)", async () => {
    for (const operation of operations.filter((o) => o.roles.length > 0)) {
      const anonymous = await send(ctx.anonymous, operation);
      expect(anonymous.status, `${operation.method} ${operation.path} without key`).toBe(401);
      expect(anonymous.body.error.code).toBe("UNAUTHORIZED");
      const revoked = await send(clients.revoked, operation);
      expect(revoked.status, `${operation.method} ${operation.path} with a revoked key`).toBe(401);
    }
  });

  it("answers 403 to roles a route does not name, and lets the named ones through", async () => {
    for (const operation of operations.filter((o) => o.roles.length > 0)) {
      for (const role of ROLES) {
        const response = await send(clients[role], operation);
        const label = `${operation.method} ${operation.path} as ${role}`;
        if (operation.roles.includes(role)) {
          expect([401, 403], label).not.toContain(response.status);
          expect(response.status, label).toBeLessThan(500);
        } else {
          expect(response.status, label).toBe(403);
          expect(response.body.error.code).toBe("FORBIDDEN");
        }
      }
    }
  });
});
