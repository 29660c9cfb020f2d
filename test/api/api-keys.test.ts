import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { createApiKeyService } from "../../src/features/api-keys/api-keys.service";
import { ApiError } from "../../src/lib/api-error";
import { openDatabase, type NodeDatabase } from "../../src/db/open-database";
import { ApiClient, createTestContext, newOrganisation, uniqueToken, type TestContext } from "../helpers/test-app";
import { expectValidationError } from "../helpers/assertions";
import { ISO_TIMESTAMP, NIL_UUID, UUID } from "../helpers/fixtures";
import { walkPages } from "../helpers/pagination";

const VIEW_FIELDS = ["createdAt", "id", "name", "organisationId", "prefix", "revokedAt", "role"];

function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

describe("/v1/api-keys", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });

  describe("POST /v1/api-keys", () => {
    it.each(["coordinator", "finance"] as const)("creates a %s key and returns the key once", async (role) => {
      const name = `key ${uniqueToken()}`;
      const response = await ctx.coordinator.post("/v1/api-keys", { name, role });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      const body = response.body;
      expect(Object.keys(body).sort()).toEqual([...VIEW_FIELDS, "key"].sort());
      expect(body).toMatchObject({ name, role, organisationId: null, revokedAt: null });
      expect(body.id).toMatch(UUID);
      expect(body.createdAt).toMatch(ISO_TIMESTAMP);
      // dp_ + base64url: at least 128 random bits means at least 22 characters of 6 bits each.
      expect(body.key).toMatch(/^dp_[A-Za-z0-9_-]+$/);
      expect((body.key.length - "dp_".length) * 6).toBeGreaterThanOrEqual(128);
      expect(body.key.startsWith(body.prefix)).toBe(true);
      expect(body.prefix.startsWith("dp_")).toBe(true);
      expect(body.prefix.length).toBeGreaterThan("dp_".length);
      expect(body.prefix.length).toBeLessThan(body.key.length);
      expect(JSON.stringify(body)).not.toContain(sha256Hex(body.key));
      expect(response.headers.get("content-type")).toMatch(/application\/json/);
    });

    it("creates a requester key bound to an organisation", async () => {
      const organisation = await newOrganisation(ctx.coordinator);
      const name = `requester ${uniqueToken()}`;
      const response = await ctx.coordinator.post("/v1/api-keys", { name, role: "requester", organisationId: organisation.id });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      expect(response.body).toMatchObject({ name, role: "requester", organisationId: organisation.id, revokedAt: null });
      expect(response.body.key).toMatch(/^dp_/);
    });

    it("trims the name", async () => {
      const token = uniqueToken();
      const response = await ctx.coordinator.post("/v1/api-keys", { name: `  ${token}  `, role: "finance" });
      expect(response.status).toBe(201);
      expect(response.body.name).toBe(token);
    });

    it("hands out a different key every time", async () => {
      const keys = new Set<string>();
      for (let i = 0; i < 5; i += 1) {
        const response = await ctx.coordinator.post("/v1/api-keys", { name: `distinct ${uniqueToken()}`, role: "finance" });
        expect(response.status).toBe(201);
        keys.add(response.body.key);
      }
      expect(keys.size).toBe(5);
    });

    it("makes a key that works right away", async () => {
      const coordinator = await ctx.coordinator.post("/v1/api-keys", { name: `works ${uniqueToken()}`, role: "coordinator" });
      expect(coordinator.status).toBe(201);
      const coordinatorResponse = await ctx.as(coordinator.body.key).get("/v1/organisations?limit=1");
      expect(coordinatorResponse.status).toBe(200);
      expect(coordinatorResponse.body).toHaveProperty("items");
      // A new coordinator key may itself manage keys.
      expect((await ctx.as(coordinator.body.key).get("/v1/api-keys?limit=1")).status).toBe(200);

      const finance = await ctx.coordinator.post("/v1/api-keys", { name: `works ${uniqueToken()}`, role: "finance" });
      expect((await ctx.as(finance.body.key).get("/v1/organisations?limit=1")).status).toBe(200);

      const organisation = await newOrganisation(ctx.coordinator);
      const requester = await ctx.coordinator.post("/v1/api-keys", {
        name: `works ${uniqueToken()}`,
        role: "requester",
        organisationId: organisation.id,
      });
      const list = await ctx.as(requester.body.key).get("/v1/organisations");
      expect(list.status).toBe(200);
      expect(list.body.items.map((item: { id: string }) => item.id)).toEqual([organisation.id]);
    });

    it("refuses a requester key without organisationId", async () => {
      const response = await ctx.coordinator.post("/v1/api-keys", { name: `r ${uniqueToken()}`, role: "requester" });
      expectValidationError(response, ["organisationId"]);
    });

    it("refuses a requester key for an unknown organisation", async () => {
      const unknownUuid = await ctx.coordinator.post("/v1/api-keys", {
        name: `r ${uniqueToken()}`,
        role: "requester",
        organisationId: NIL_UUID,
      });
      expectValidationError(unknownUuid, ["organisationId"]);

      const notAUuid = await ctx.coordinator.post("/v1/api-keys", {
        name: `r ${uniqueToken()}`,
        role: "requester",
        organisationId: "not-an-id",
      });
      expectValidationError(notAUuid, ["organisationId"]);
    });

    it.each(["finance", "coordinator"] as const)("refuses organisationId on a %s key", async (role) => {
      const organisation = await newOrganisation(ctx.coordinator);
      const name = `bound ${uniqueToken()}`;
      const response = await ctx.coordinator.post("/v1/api-keys", { name, role, organisationId: organisation.id });
      expectValidationError(response, ["organisationId"]);
      // Nothing was created.
      const list = await ctx.coordinator.get(`/v1/api-keys?organisationId=${organisation.id}&includeRevoked=true`);
      expect(list.body.items).toEqual([]);
    });

    it("refuses an unknown role", async () => {
      const response = await ctx.coordinator.post("/v1/api-keys", { name: `x ${uniqueToken()}`, role: "admin" });
      expectValidationError(response, ["role"]);
      expect(response.body.error.details[0]).toMatchObject({ in: "body" });
    });

    it("refuses missing and empty fields", async () => {
      expectValidationError(await ctx.coordinator.post("/v1/api-keys", { role: "finance" }), ["name"]);
      expectValidationError(await ctx.coordinator.post("/v1/api-keys", { name: "   ", role: "finance" }), ["name"]);
      expectValidationError(await ctx.coordinator.post("/v1/api-keys", { name: `x ${uniqueToken()}` }), ["role"]);
      expectValidationError(await ctx.coordinator.post("/v1/api-keys", { name: "x".repeat(101), role: "finance" }), ["name"]);
    });

    it("refuses an extra field", async () => {
      const response = await ctx.coordinator.post("/v1/api-keys", {
        name: `x ${uniqueToken()}`,
        role: "finance",
        keyHash: "0".repeat(64),
      });
      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe("VALIDATION_FAILED");
      expect(JSON.stringify(response.body.error.details)).toContain("keyHash");
    });

    it("answers malformed JSON with 400 MALFORMED_JSON", async () => {
      const response = await ctx.coordinator.request("POST", "/v1/api-keys", {
        rawBody: '{"name": "x", "role": ',
        headers: { "content-type": "application/json" },
      });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe("MALFORMED_JSON");
    });

    it("answers a non-JSON content type with 415", async () => {
      const body = JSON.stringify({ name: `x ${uniqueToken()}`, role: "finance" });
      const asText = await ctx.coordinator.request("POST", "/v1/api-keys", { rawBody: body, headers: { "content-type": "text/plain" } });
      expect(asText.status).toBe(415);
      expect(asText.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");

      const withoutType = await ctx.coordinator.request("POST", "/v1/api-keys", { rawBody: body });
      expect(withoutType.status).toBe(415);
      expect(withoutType.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");

      const asForm = await ctx.coordinator.request("POST", "/v1/api-keys", {
        rawBody: "name=x&role=finance",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(asForm.status).toBe(415);
    });

    it("accepts JSON with a charset parameter", async () => {
      const response = await ctx.coordinator.request("POST", "/v1/api-keys", {
        rawBody: JSON.stringify({ name: `charset ${uniqueToken()}`, role: "finance" }),
        headers: { "content-type": "application/json; charset=utf-8" },
      });
      expect(response.status).toBe(201);
    });
  });

  describe("GET /v1/api-keys", () => {
    it("lists keys without the key itself or its hash", async () => {
      const organisation = await newOrganisation(ctx.coordinator);
      const created = await ctx.coordinator.post("/v1/api-keys", {
        name: `listed ${uniqueToken()}`,
        role: "requester",
        organisationId: organisation.id,
      });
      expect(created.status).toBe(201);
      const response = await ctx.coordinator.get(`/v1/api-keys?organisationId=${organisation.id}`);
      expect(response.status).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual(["items", "nextCursor"]);
      expect(response.body.nextCursor).toBeNull();
      expect(response.body.items).toHaveLength(1);
      const item = response.body.items[0];
      expect(Object.keys(item).sort()).toEqual(VIEW_FIELDS);
      const { key, ...view } = created.body;
      expect(item).toEqual(view);
      expect(item.prefix).toBe(key.slice(0, item.prefix.length));
      const text = JSON.stringify(response.body);
      expect(text).not.toContain(key);
      expect(text).not.toContain(sha256Hex(key));
      expect(text).not.toMatch(/keyHash|"key"/);
    });

    it("never shows keys or hashes in a full page of the list", async () => {
      const response = await ctx.coordinator.get("/v1/api-keys?limit=200&includeRevoked=true");
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeGreaterThan(0);
      for (const item of response.body.items) {
        expect(Object.keys(item).sort()).toEqual(VIEW_FIELDS);
        expect(item.prefix).toMatch(/^dp_/);
      }
      expect(JSON.stringify(response.body)).not.toMatch(/[0-9a-f]{64}/);
    });

    it("filters by role", async () => {
      const name = `role-filter ${uniqueToken()}`;
      const created = await ctx.coordinator.post("/v1/api-keys", { name, role: "finance" });
      const pages = await walkPages(ctx.coordinator, "/v1/api-keys?role=finance&limit=200");
      const items = pages.flatMap((page) => page.items);
      expect(items.every((item) => item.role === "finance")).toBe(true);
      expect(items.map((item) => item.id)).toContain(created.body.id);

      const coordinators = await walkPages(ctx.coordinator, "/v1/api-keys?role=coordinator&limit=200");
      expect(coordinators.flatMap((page) => page.items).map((item) => item.id)).not.toContain(created.body.id);
    });

    it("pages with limit and cursor, filtered by organisationId", async () => {
      const organisation = await newOrganisation(ctx.coordinator);
      const createdIds: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const created = await ctx.coordinator.post("/v1/api-keys", {
          name: `page ${uniqueToken()}`,
          role: "requester",
          organisationId: organisation.id,
        });
        expect(created.status).toBe(201);
        createdIds.push(created.body.id);
      }
      const pages = await walkPages(ctx.coordinator, `/v1/api-keys?organisationId=${organisation.id}&limit=2`);
      expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
      expect(pages[0]!.nextCursor).toEqual(expect.any(String));
      expect(pages[2]!.nextCursor).toBeNull();
      const ids = pages.flatMap((page) => page.items.map((item) => item.id));
      expect(new Set(ids).size).toBe(5);
      expect([...ids].sort()).toEqual([...createdIds].sort());
      expect(ids).toEqual([...ids].sort());
      for (const item of pages.flatMap((page) => page.items)) expect(item.organisationId).toBe(organisation.id);

      // Exactly one full page: no next cursor.
      const exact = await ctx.coordinator.get(`/v1/api-keys?organisationId=${organisation.id}&limit=5`);
      expect(exact.body.items).toHaveLength(5);
      expect(exact.body.nextCursor).toBeNull();
    });

    it("hides revoked keys unless includeRevoked=true", async () => {
      const organisation = await newOrganisation(ctx.coordinator);
      const keep = await ctx.coordinator.post("/v1/api-keys", { name: `keep ${uniqueToken()}`, role: "requester", organisationId: organisation.id });
      const gone = await ctx.coordinator.post("/v1/api-keys", { name: `gone ${uniqueToken()}`, role: "requester", organisationId: organisation.id });
      expect((await ctx.coordinator.delete(`/v1/api-keys/${gone.body.id}`)).status).toBe(200);

      const active = await ctx.coordinator.get(`/v1/api-keys?organisationId=${organisation.id}`);
      expect(active.body.items.map((item: { id: string }) => item.id)).toEqual([keep.body.id]);

      const all = await ctx.coordinator.get(`/v1/api-keys?organisationId=${organisation.id}&includeRevoked=true`);
      expect(all.body.items.map((item: { id: string }) => item.id).sort()).toEqual([keep.body.id, gone.body.id].sort());
      const revoked = all.body.items.find((item: { id: string }) => item.id === gone.body.id);
      expect(revoked.revokedAt).toMatch(ISO_TIMESTAMP);
    });

    it("answers an unknown or malformed organisationId with an empty page", async () => {
      for (const id of [NIL_UUID, "nope"]) {
        const response = await ctx.coordinator.get(`/v1/api-keys?organisationId=${id}`);
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ items: [], nextCursor: null });
      }
    });

    it("refuses an invalid cursor with 422", async () => {
      for (const cursor of ["not-a-cursor", btoa("hello"), "%%%"]) {
        const response = await ctx.coordinator.get(`/v1/api-keys?cursor=${encodeURIComponent(cursor)}`);
        expectValidationError(response, ["cursor"], { in: "query" });
        expect(response.body.error.details[0]).toMatchObject({ in: "query" });
      }
    });

    it("refuses bad query parameters with 422", async () => {
      expectValidationError(await ctx.coordinator.get("/v1/api-keys?limit=0"), ["limit"], { in: "query" });
      expectValidationError(await ctx.coordinator.get("/v1/api-keys?limit=201"), ["limit"], { in: "query" });
      expectValidationError(await ctx.coordinator.get("/v1/api-keys?limit=abc"), ["limit"], { in: "query" });
      expectValidationError(await ctx.coordinator.get("/v1/api-keys?role=admin"), ["role"], { in: "query" });
      expectValidationError(await ctx.coordinator.get("/v1/api-keys?includeRevoked=maybe"), ["includeRevoked"], { in: "query" });
    });
  });

  describe("DELETE /v1/api-keys/{id}", () => {
    it("revokes a key, which is refused from the next request on", async () => {
      const created = await ctx.coordinator.post("/v1/api-keys", { name: `revoke ${uniqueToken()}`, role: "finance" });
      const client = ctx.as(created.body.key);
      expect((await client.get("/v1/organisations?limit=1")).status).toBe(200);

      const response = await ctx.coordinator.delete(`/v1/api-keys/${created.body.id}`);
      expect(response.status).toBe(200);
      const { key: _key, ...view } = created.body;
      expect(response.body).toEqual({ ...view, revokedAt: expect.stringMatching(ISO_TIMESTAMP) });
      expect(Object.keys(response.body)).not.toContain("key");
      // The app's clock decides the revocation time.
      expect(response.body.revokedAt).toBe(ctx.clock.now().toISOString());

      const refused = await client.get("/v1/organisations?limit=1");
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe("UNAUTHORIZED");
    });

    it("revokes a requester key at once", async () => {
      const { client, keyId } = await ctx.newRequester();
      expect((await client.get("/v1/organisations")).status).toBe(200);
      expect((await ctx.coordinator.delete(`/v1/api-keys/${keyId}`)).status).toBe(200);
      expect((await client.get("/v1/organisations")).status).toBe(401);
    });

    it("revokes a coordinator key while another coordinator key stays active", async () => {
      const created = await ctx.coordinator.post("/v1/api-keys", { name: `coord ${uniqueToken()}`, role: "coordinator" });
      const client = ctx.as(created.body.key);
      // A coordinator may revoke its own key as long as another coordinator key is active.
      const response = await client.delete(`/v1/api-keys/${created.body.id}`);
      expect(response.status).toBe(200);
      expect(response.body.revokedAt).toMatch(ISO_TIMESTAMP);
      expect((await client.get("/v1/api-keys?limit=1")).status).toBe(401);
      expect((await ctx.coordinator.get("/v1/api-keys?limit=1")).status).toBe(200);
    });

    it("is harmless when repeated", async () => {
      const created = await ctx.coordinator.post("/v1/api-keys", { name: `twice ${uniqueToken()}`, role: "finance" });
      const first = await ctx.coordinator.delete(`/v1/api-keys/${created.body.id}`);
      expect(first.status).toBe(200);
      ctx.clock.advance(60_000);
      const second = await ctx.coordinator.delete(`/v1/api-keys/${created.body.id}`);
      expect(second.status).toBe(200);
      expect(second.body).toEqual(first.body);
      expect((await ctx.as(created.body.key).get("/v1/organisations?limit=1")).status).toBe(401);
    });

    it("answers an unknown or malformed id with 404", async () => {
      for (const id of [NIL_UUID, "not-a-uuid", "1"]) {
        const response = await ctx.coordinator.delete(`/v1/api-keys/${id}`);
        expect(response.status).toBe(404);
        expect(response.body.error.code).toBe("NOT_FOUND");
      }
    });

    describe("the last active coordinator key (on a database of its own)", () => {
      let fresh: NodeDatabase;
      beforeAll(async () => {
        fresh = await openDatabase({ dataDir: "memory://" });
        await fresh.migrate();
      });
      afterAll(async () => {
        await fresh?.close();
      });

      it("cannot be revoked, neither through the service nor the API", async () => {
        const service = createApiKeyService({ db: fresh, random: ctx.deps.random, clock: ctx.clock });
        const app = createApp({ ...ctx.deps, db: fresh });
        const first = await service.create({ name: "only coordinator", role: "coordinator" }, null);
        const firstClient = new ApiClient(app, first.key);

        await expect(service.revoke(first.id)).rejects.toMatchObject({ code: "CONFLICT" });
        await expect(service.revoke(first.id)).rejects.toBeInstanceOf(ApiError);

        const conflict = await firstClient.delete(`/v1/api-keys/${first.id}`);
        expect(conflict.status).toBe(409);
        expect(conflict.body.error.code).toBe("CONFLICT");
        expect((await firstClient.get("/v1/api-keys")).status).toBe(200);

        // Finance and requester keys do not count as coordinators.
        const finance = await firstClient.post("/v1/api-keys", { name: "finance", role: "finance" });
        expect(finance.status).toBe(201);
        expect((await firstClient.delete(`/v1/api-keys/${first.id}`)).status).toBe(409);

        // With a second coordinator key, the first can go; then the second is the last one.
        const second = await firstClient.post("/v1/api-keys", { name: "second coordinator", role: "coordinator" });
        expect(second.status).toBe(201);
        const secondClient = new ApiClient(app, second.body.key);
        expect((await secondClient.delete(`/v1/api-keys/${first.id}`)).status).toBe(200);
        expect((await firstClient.get("/v1/api-keys")).status).toBe(401);

        const last = await secondClient.delete(`/v1/api-keys/${second.body.id}`);
        expect(last.status).toBe(409);
        expect(last.body.error.code).toBe("CONFLICT");
        expect((await secondClient.get("/v1/api-keys")).status).toBe(200);

        // Revoking the already revoked first key again stays harmless.
        expect((await secondClient.delete(`/v1/api-keys/${first.id}`)).status).toBe(200);
      });
    });
  });

  describe("security", () => {
    const routes = (id: string) =>
      [
        ["POST", "/v1/api-keys", { name: "x", role: "finance" }],
        ["GET", "/v1/api-keys", undefined],
        ["DELETE", `/v1/api-keys/${id}`, undefined],
      ] as const;

    it("answers 401 without a key or with a garbage key, and changes nothing", async () => {
      const victim = await ctx.coordinator.post("/v1/api-keys", { name: `victim ${uniqueToken()}`, role: "finance" });
      const clients = [
        ctx.anonymous,
        ctx.as("garbage"),
        ctx.as(`dp_${"A".repeat(43)}`),
        ctx.as(victim.body.key.slice(0, -1) + (victim.body.key.endsWith("A") ? "B" : "A")),
      ];
      for (const client of clients) {
        for (const [method, path, body] of routes(victim.body.id)) {
          const response = await client.request(method, path, { body });
          expect(response.status, `${method} ${path}`).toBe(401);
          expect(response.body.error.code).toBe("UNAUTHORIZED");
        }
      }
      // Other schemes than Bearer are refused too.
      const basic = await ctx.anonymous.get("/v1/api-keys", { headers: { authorization: `Basic ${victim.body.key}` } });
      expect(basic.status).toBe(401);
      const bare = await ctx.anonymous.get("/v1/api-keys", { headers: { authorization: victim.body.key } });
      expect(bare.status).toBe(401);
      // The victim was not revoked.
      expect((await ctx.as(victim.body.key).get("/v1/organisations?limit=1")).status).toBe(200);
    });

    it("answers 401 before validating the body", async () => {
      const response = await ctx.anonymous.request("POST", "/v1/api-keys", {
        rawBody: "{oops",
        headers: { "content-type": "application/json" },
      });
      expect(response.status).toBe(401);
    });

    it("answers 403 to requester and finance keys on every route, and changes nothing", async () => {
      const { client: requester } = await ctx.newRequester();
      const victim = await ctx.coordinator.post("/v1/api-keys", { name: `victim ${uniqueToken()}`, role: "finance" });
      for (const client of [requester, ctx.finance]) {
        for (const [method, path, body] of routes(victim.body.id)) {
          const response = await client.request(method, path, { body });
          expect(response.status, `${method} ${path}`).toBe(403);
          expect(response.body.error.code).toBe("FORBIDDEN");
        }
        // A body that is invalid still gets 403, not 422: roles are checked first.
        const invalid = await client.post("/v1/api-keys", { role: "root" });
        expect(invalid.status).toBe(403);
      }
      expect((await ctx.as(victim.body.key).get("/v1/organisations?limit=1")).status).toBe(200);
    });
  });

  describe("remembered keys (keyCacheMs)", () => {
    const serviceWith = (keyCacheMs: number) => createApiKeyService({ ...ctx.deps, keyCacheMs });

    it("forgets a key revoked through the same service at once", async () => {
      const service = serviceWith(60_000);
      const created = await service.create({ name: `cached ${uniqueToken()}`, role: "finance" }, null);
      expect(await service.authenticate(created.key)).toEqual({ keyId: created.id, role: "finance", organisationId: null });
      await service.revoke(created.id);
      expect(await service.authenticate(created.key)).toBeNull();
    });

    it("accepts a key revoked elsewhere for at most keyCacheMs", async () => {
      const service = serviceWith(300);
      const elsewhere = serviceWith(0);
      const created = await elsewhere.create({ name: `cached ${uniqueToken()}`, role: "finance" }, null);
      expect(await service.authenticate(created.key)).not.toBeNull();
      await elsewhere.revoke(created.id);
      // Another instance (or the command line) revoked it: this one still remembers the key …
      expect(await service.authenticate(created.key)).not.toBeNull();
      // … and looks it up again once the time is up (real time: the cache does not follow the app's clock).
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect(await service.authenticate(created.key)).toBeNull();
      // Without a cache the revocation counts from the next request on.
      expect(await elsewhere.authenticate(created.key)).toBeNull();
    });

    it("does not remember a lookup that overlapped a revocation", async () => {
      const service = serviceWith(60_000);
      const created = await service.create({ name: `cached ${uniqueToken()}`, role: "finance" }, null);
      const [during] = await Promise.all([service.authenticate(created.key), service.revoke(created.id)]);
      // Whatever the overlapping lookup saw, the next one sees the revocation.
      expect(during === null || during.keyId === created.id).toBe(true);
      expect(await service.authenticate(created.key)).toBeNull();
    });
  });
});
