import { beforeAll, describe, expect, it } from "vitest";
import { createTestContext, newOrganisation, uniqueToken, type ApiResponse, type TestContext } from "../helpers/test-app";
import { expectValidationError } from "../helpers/assertions";
import { ISO_TIMESTAMP, NIL_UUID, UUID } from "../helpers/fixtures";
import { walkPages } from "../helpers/pagination";

const ORGANISATION_FIELDS = [
  "active",
  "address",
  "contactEmail",
  "costCentre",
  "createdAt",
  "id",
  "kind",
  "municipality",
  "name",
  "updatedAt",
];

/** A cursor that points before every id, as the API would encode it. */
const CURSOR_BEFORE_ALL = btoa("00000000-0000-0000-0000-000000000000").replace(/=+$/, "");

function ids(response: { body: { items: { id: string }[] } }): string[] {
  return response.body.items.map((item) => item.id);
}

/** expectValidationError, and every problem of the answer complete (with a code) and in the same part of the request. */
function expectCompleteValidationError(response: ApiResponse, path: (string | number)[], options: { in?: string } = {}): void {
  expectValidationError(response, path, options);
  for (const problem of response.body.error.details) {
    expect(problem).toEqual(
      expect.objectContaining({ path: expect.any(Array), message: expect.any(String), code: expect.any(String), in: options.in ?? "body" }),
    );
  }
}

function fullOrganisation(overrides: Record<string, unknown> = {}) {
  return {
    name: `Grundschule ${uniqueToken()}`,
    kind: "school",
    municipality: "Langerwehe",
    costCentre: "KST-0815",
    address: { street: "Schulstr. 1", postcode: "52379", city: "Langerwehe" },
    contactEmail: "sekretariat@gs-langerwehe.de",
    active: true,
    ...overrides,
  };
}

describe("/v1/organisations", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });

  describe("POST /v1/organisations", () => {
    it("creates an organisation with all fields and answers its exact shape", async () => {
      const input = fullOrganisation();
      const response = await ctx.coordinator.post("/v1/organisations", input);
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      const body = response.body;
      expect(Object.keys(body).sort()).toEqual(ORGANISATION_FIELDS);
      expect(body).toEqual({
        ...input,
        id: expect.stringMatching(UUID),
        createdAt: expect.stringMatching(ISO_TIMESTAMP),
        updatedAt: expect.stringMatching(ISO_TIMESTAMP),
      });
      expect(typeof body.id).toBe("string");
      expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);

      const read = await ctx.coordinator.get(`/v1/organisations/${body.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(body);
    });

    it("fills defaults for the optional fields", async () => {
      const name = `Kita ${uniqueToken()}`;
      const response = await ctx.coordinator.post("/v1/organisations", { name, kind: "kindergarten", municipality: "Düren" });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        name,
        kind: "kindergarten",
        municipality: "Düren",
        costCentre: null,
        address: null,
        contactEmail: null,
        active: true,
      });
    });

    it("trims text and accepts every kind", async () => {
      for (const kind of ["authority", "school", "kindergarten", "clinic", "counselling", "other"]) {
        const token = uniqueToken();
        const response = await ctx.coordinator.post("/v1/organisations", {
          name: `  Org ${token} `,
          kind,
          municipality: " Düren ",
          address: { street: " Markt 1 ", postcode: " 52349 ", city: " Düren " },
        });
        expect(response.status, JSON.stringify(response.body)).toBe(201);
        expect(response.body).toMatchObject({
          name: `Org ${token}`,
          kind,
          municipality: "Düren",
          address: { street: "Markt 1", postcode: "52349", city: "Düren" },
        });
      }
    });

    it("can create an inactive organisation", async () => {
      const response = await ctx.coordinator.post("/v1/organisations", fullOrganisation({ active: false }));
      expect(response.status).toBe(201);
      expect(response.body.active).toBe(false);
    });

    it("refuses missing required fields with one issue per field", async () => {
      const response = await ctx.coordinator.post("/v1/organisations", {});
      expectCompleteValidationError(response, ["name"]);
      const paths = response.body.error.details.map((problem: { path: unknown }) => problem.path);
      expect(paths).toContainEqual(["kind"]);
      expect(paths).toContainEqual(["municipality"]);

      expectCompleteValidationError(await ctx.coordinator.post("/v1/organisations", fullOrganisation({ name: "  " })), ["name"]);
      const { municipality: _m, ...withoutMunicipality } = fullOrganisation();
      expectCompleteValidationError(await ctx.coordinator.post("/v1/organisations", withoutMunicipality), ["municipality"]);
    });

    it("refuses a bad kind", async () => {
      const response = await ctx.coordinator.post("/v1/organisations", fullOrganisation({ kind: "church" }));
      expectCompleteValidationError(response, ["kind"]);
      expect(response.body.error.details[0].code).toBe("invalid_value");
    });

    it.each(["1234", "123456", "5235a", "52 351"])("refuses the postcode %j", async (postcode) => {
      const response = await ctx.coordinator.post(
        "/v1/organisations",
        fullOrganisation({ address: { street: "Markt 1", postcode, city: "Düren" } }),
      );
      expectCompleteValidationError(response, ["address", "postcode"]);
    });

    it("refuses an incomplete address and extra address fields", async () => {
      expectCompleteValidationError(
        await ctx.coordinator.post("/v1/organisations", fullOrganisation({ address: { street: "Markt 1", postcode: "52349" } })),
        ["address", "city"],
      );
      const extra = await ctx.coordinator.post(
        "/v1/organisations",
        fullOrganisation({ address: { street: "Markt 1", postcode: "52349", city: "Düren", country: "DE" } }),
      );
      expect(extra.status).toBe(422);
      expect(JSON.stringify(extra.body.error.details)).toContain("country");
    });

    it.each(["not-an-email", "a@", "@b.de", "a b@c.de"])("refuses the email %j", async (contactEmail) => {
      const response = await ctx.coordinator.post("/v1/organisations", fullOrganisation({ contactEmail }));
      expectCompleteValidationError(response, ["contactEmail"]);
    });

    it("refuses an unknown extra field", async () => {
      const response = await ctx.coordinator.post("/v1/organisations", fullOrganisation({ id: NIL_UUID, website: "x" }));
      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe("VALIDATION_FAILED");
      const problem = response.body.error.details.find((item: { code: string }) => item.code === "unrecognized_keys");
      expect(problem).toMatchObject({ path: [], in: "body", message: expect.any(String) });
      expect(problem.message).toContain("website");
    });

    it("refuses wrong types", async () => {
      expectCompleteValidationError(await ctx.coordinator.post("/v1/organisations", fullOrganisation({ active: "yes" })), ["active"]);
      expectCompleteValidationError(await ctx.coordinator.post("/v1/organisations", fullOrganisation({ name: 42 })), ["name"]);
      expectCompleteValidationError(await ctx.coordinator.post("/v1/organisations", fullOrganisation({ name: "x".repeat(201) })), ["name"]);
      const array = await ctx.coordinator.post("/v1/organisations", [fullOrganisation()]);
      expect(array.status).toBe(422);
    });

    it("answers malformed JSON with 400 and a wrong content type with 415", async () => {
      const malformed = await ctx.coordinator.request("POST", "/v1/organisations", {
        rawBody: "{'name': 'x'}",
        headers: { "content-type": "application/json" },
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe("MALFORMED_JSON");

      const text = await ctx.coordinator.request("POST", "/v1/organisations", {
        rawBody: JSON.stringify(fullOrganisation()),
        headers: { "content-type": "text/plain" },
      });
      expect(text.status).toBe(415);
      expect(text.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    });
  });

  describe("GET /v1/organisations/{id}", () => {
    it("answers 404 for an unknown or malformed id", async () => {
      for (const id of [NIL_UUID, "not-an-id", "123", "0193-bad"]) {
        const response = await ctx.coordinator.get(`/v1/organisations/${id}`);
        expect(response.status, id).toBe(404);
        expect(response.body.error.code).toBe("NOT_FOUND");
      }
    });
  });

  describe("PATCH /v1/organisations/{id}", () => {
    it("changes single fields and leaves the others alone", async () => {
      const created = (await ctx.coordinator.post("/v1/organisations", fullOrganisation())).body;
      const newName = `Umbenannt ${uniqueToken()}`;
      const renamed = await ctx.coordinator.patch(`/v1/organisations/${created.id}`, { name: newName });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toEqual({ ...created, name: newName, updatedAt: expect.stringMatching(ISO_TIMESTAMP) });
      expect(renamed.body.createdAt).toBe(created.createdAt);
      expect(Date.parse(renamed.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));

      const rekinded = await ctx.coordinator.patch(`/v1/organisations/${created.id}`, { kind: "clinic" });
      expect(rekinded.body).toMatchObject({ name: newName, kind: "clinic", costCentre: "KST-0815" });

      const moved = await ctx.coordinator.patch(`/v1/organisations/${created.id}`, {
        address: { street: "Neue Str. 5", postcode: "52062", city: "Aachen" },
        municipality: "Aachen",
      });
      expect(moved.body).toMatchObject({
        municipality: "Aachen",
        address: { street: "Neue Str. 5", postcode: "52062", city: "Aachen" },
        contactEmail: created.contactEmail,
      });

      const read = await ctx.coordinator.get(`/v1/organisations/${created.id}`);
      expect(read.body).toEqual(moved.body);
    });

    it("answers an empty patch with the unchanged organisation", async () => {
      const created = (await ctx.coordinator.post("/v1/organisations", fullOrganisation())).body;
      const response = await ctx.coordinator.patch(`/v1/organisations/${created.id}`, {});
      expect(response.status).toBe(200);
      expect({ ...response.body, updatedAt: created.updatedAt }).toEqual(created);
    });

    it("clears nullable fields with null", async () => {
      const created = (await ctx.coordinator.post("/v1/organisations", fullOrganisation())).body;
      const response = await ctx.coordinator.patch(`/v1/organisations/${created.id}`, {
        costCentre: null,
        address: null,
        contactEmail: null,
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ costCentre: null, address: null, contactEmail: null, name: created.name });
      const read = await ctx.coordinator.get(`/v1/organisations/${created.id}`);
      expect(read.body).toMatchObject({ costCentre: null, address: null, contactEmail: null });

      // And sets them again.
      const again = await ctx.coordinator.patch(`/v1/organisations/${created.id}`, {
        address: { street: "Markt 2", postcode: "52349", city: "Düren" },
        contactEmail: "neu@example.org",
      });
      expect(again.body).toMatchObject({
        address: { street: "Markt 2", postcode: "52349", city: "Düren" },
        contactEmail: "neu@example.org",
        costCentre: null,
      });
    });

    it("refuses null for required fields", async () => {
      const created = await newOrganisation(ctx.coordinator);
      for (const field of ["name", "kind", "municipality", "active"]) {
        expectCompleteValidationError(await ctx.coordinator.patch(`/v1/organisations/${created.id}`, { [field]: null }), [field]);
      }
      const read = await ctx.coordinator.get(`/v1/organisations/${created.id}`);
      expect(read.body.name).toBe(created.name);
    });

    it("deactivates and reactivates", async () => {
      const created = await newOrganisation(ctx.coordinator);
      const off = await ctx.coordinator.patch(`/v1/organisations/${created.id}`, { active: false });
      expect(off.status).toBe(200);
      expect(off.body.active).toBe(false);
      expect((await ctx.coordinator.get(`/v1/organisations/${created.id}`)).body.active).toBe(false);
      const on = await ctx.coordinator.patch(`/v1/organisations/${created.id}`, { active: true });
      expect(on.body.active).toBe(true);
    });

    it("refuses invalid values and extra fields without changing anything", async () => {
      const created = await newOrganisation(ctx.coordinator);
      expectCompleteValidationError(await ctx.coordinator.patch(`/v1/organisations/${created.id}`, { kind: "bank" }), ["kind"]);
      expectCompleteValidationError(await ctx.coordinator.patch(`/v1/organisations/${created.id}`, { contactEmail: "nope" }), [
        "contactEmail",
      ]);
      expectCompleteValidationError(
        await ctx.coordinator.patch(`/v1/organisations/${created.id}`, {
          address: { street: "A", postcode: "999", city: "B" },
        }),
        ["address", "postcode"],
      );
      const extra = await ctx.coordinator.patch(`/v1/organisations/${created.id}`, { name: "Changed", createdAt: "2020-01-01" });
      expect(extra.status).toBe(422);
      expect(JSON.stringify(extra.body.error.details)).toContain("createdAt");
      const read = await ctx.coordinator.get(`/v1/organisations/${created.id}`);
      expect(read.body).toEqual(created);
    });

    it("answers 404 for an unknown or malformed id", async () => {
      for (const id of [NIL_UUID, "nope"]) {
        const response = await ctx.coordinator.patch(`/v1/organisations/${id}`, { name: "x" });
        expect(response.status).toBe(404);
        expect(response.body.error.code).toBe("NOT_FOUND");
      }
    });
  });

  describe("DELETE /v1/organisations/{id}", () => {
    it("deletes an organisation without history: 204, then 404", async () => {
      const created = await newOrganisation(ctx.coordinator);
      const response = await ctx.coordinator.delete(`/v1/organisations/${created.id}`);
      expect(response.status).toBe(204);
      expect(response.body).toBe("");
      expect((await ctx.coordinator.get(`/v1/organisations/${created.id}`)).status).toBe(404);
      const again = await ctx.coordinator.delete(`/v1/organisations/${created.id}`);
      expect(again.status).toBe(404);
      expect(again.body.error.code).toBe("NOT_FOUND");
      const list = await ctx.coordinator.get(`/v1/organisations?q=${encodeURIComponent(created.name)}`);
      expect(list.body.items).toEqual([]);
    });

    it("refuses an organisation with a requester key: 409 HAS_HISTORY, and keeps it", async () => {
      const { organisationId, client } = await ctx.newRequester();
      const response = await ctx.coordinator.delete(`/v1/organisations/${organisationId}`);
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe("HAS_HISTORY");
      expect(response.body.error.message).toMatch(/active/);
      const read = await ctx.coordinator.get(`/v1/organisations/${organisationId}`);
      expect(read.status).toBe(200);
      expect(read.body.active).toBe(true);
      expect((await client.get(`/v1/organisations/${organisationId}`)).status).toBe(200);
    });

    it("keeps the history after the key is revoked", async () => {
      const { organisationId, keyId } = await ctx.newRequester();
      expect((await ctx.coordinator.delete(`/v1/api-keys/${keyId}`)).status).toBe(200);
      const response = await ctx.coordinator.delete(`/v1/organisations/${organisationId}`);
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe("HAS_HISTORY");
      expect((await ctx.coordinator.get(`/v1/organisations/${organisationId}`)).status).toBe(200);
    });

    it("answers 404 for an unknown or malformed id", async () => {
      for (const id of [NIL_UUID, "nope"]) {
        const response = await ctx.coordinator.delete(`/v1/organisations/${id}`);
        expect(response.status).toBe(404);
        expect(response.body.error.code).toBe("NOT_FOUND");
      }
    });
  });

  describe("GET /v1/organisations (list)", () => {
    let token: string;
    const created: Record<string, any> = {};
    beforeAll(async () => {
      token = uniqueToken("Filt");
      const make = async (label: string, overrides: Record<string, unknown>) => {
        const response = await ctx.coordinator.post("/v1/organisations", fullOrganisation({ name: `${label} ${token}`, ...overrides }));
        if (response.status !== 201) throw new Error(JSON.stringify(response.body));
        created[label] = response.body;
      };
      await make("Schule Alpha", { kind: "school", municipality: "Düren", active: true });
      await make("Klinik Beta", { kind: "clinic", municipality: "Düren", active: true });
      await make("Beratung Gamma", { kind: "counselling", municipality: "Jülich", active: false });
      await make("Schule Delta", { kind: "school", municipality: "Jülich", active: false });
    });

    const q = () => `q=${encodeURIComponent(token)}`;

    it("answers {items, nextCursor} with the full shape", async () => {
      const response = await ctx.coordinator.get(`/v1/organisations?${q()}`);
      expect(response.status).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual(["items", "nextCursor"]);
      expect(response.body.nextCursor).toBeNull();
      expect(response.body.items).toHaveLength(4);
      for (const item of response.body.items) expect(Object.keys(item).sort()).toEqual(ORGANISATION_FIELDS);
      expect([...response.body.items].sort((a: any, b: any) => a.id.localeCompare(b.id))).toEqual(
        Object.values(created).sort((a, b) => a.id.localeCompare(b.id)),
      );
      expect(ids(response)).toEqual([...ids(response)].sort());
    });

    it("finds by part of the name in any case", async () => {
      const lower = await ctx.coordinator.get(`/v1/organisations?q=${encodeURIComponent(`schule alpha ${token}`.toLowerCase())}`);
      expect(ids(lower)).toEqual([created["Schule Alpha"].id]);
      const upper = await ctx.coordinator.get(`/v1/organisations?q=${encodeURIComponent(token.toUpperCase())}`);
      expect(ids(upper).sort()).toEqual(Object.values(created).map((item) => item.id).sort());
      const none = await ctx.coordinator.get(`/v1/organisations?q=${encodeURIComponent(`${token}-nothing`)}`);
      expect(none.body).toEqual({ items: [], nextCursor: null });
    });

    it("treats q literally, not as a pattern", async () => {
      const response = await ctx.coordinator.get(`/v1/organisations?q=${encodeURIComponent(`%${token}`)}`);
      expect(response.status).toBe(200);
      expect(response.body.items).toEqual([]);

      const wild = uniqueToken("Wild");
      const percent = await newOrganisation(ctx.coordinator, { name: `Praxis ${wild} 50%` });
      const underscore = await newOrganisation(ctx.coordinator, { name: `Praxis ${wild} a_b` });
      const lookalike = await newOrganisation(ctx.coordinator, { name: `Praxis ${wild} axb` });
      const backslash = await newOrganisation(ctx.coordinator, { name: `Praxis ${wild} c\\d` });
      const search = async (term: string) => ids(await ctx.coordinator.get(`/v1/organisations?q=${encodeURIComponent(term)}`)).sort();
      expect(await search(wild)).toEqual([percent.id, underscore.id, lookalike.id, backslash.id].sort());
      expect(await search(`${wild} a_b`)).toEqual([underscore.id]);
      expect(await search(`${wild} A_B`)).toEqual([underscore.id]);
      expect(await search(`${wild} 50%`)).toEqual([percent.id]);
      expect(await search(`${wild} %`)).toEqual([]);
      expect(await search(`${wild} c\\d`)).toEqual([backslash.id]);
      expect(await search(`${wild} c\\`)).toEqual([backslash.id]);
    });

    it("filters by active", async () => {
      const active = await ctx.coordinator.get(`/v1/organisations?${q()}&active=true`);
      expect(ids(active).sort()).toEqual([created["Schule Alpha"].id, created["Klinik Beta"].id].sort());
      const inactive = await ctx.coordinator.get(`/v1/organisations?${q()}&active=false`);
      expect(ids(inactive).sort()).toEqual([created["Beratung Gamma"].id, created["Schule Delta"].id].sort());
      const zero = await ctx.coordinator.get(`/v1/organisations?${q()}&active=0`);
      expect(ids(zero).sort()).toEqual(ids(inactive).sort());
    });

    it("filters by kind", async () => {
      const schools = await ctx.coordinator.get(`/v1/organisations?${q()}&kind=school`);
      expect(ids(schools).sort()).toEqual([created["Schule Alpha"].id, created["Schule Delta"].id].sort());
      const clinics = await ctx.coordinator.get(`/v1/organisations?${q()}&kind=clinic`);
      expect(ids(clinics)).toEqual([created["Klinik Beta"].id]);
    });

    it("filters by municipality in any case", async () => {
      const juelich = await ctx.coordinator.get(`/v1/organisations?${q()}&municipality=${encodeURIComponent("jülich")}`);
      expect(ids(juelich).sort()).toEqual([created["Beratung Gamma"].id, created["Schule Delta"].id].sort());
      const partial = await ctx.coordinator.get(`/v1/organisations?${q()}&municipality=J`);
      expect(partial.body.items).toEqual([]);
    });

    it("combines filters", async () => {
      const response = await ctx.coordinator.get(
        `/v1/organisations?${q()}&kind=school&active=false&municipality=${encodeURIComponent("Jülich")}`,
      );
      expect(ids(response)).toEqual([created["Schule Delta"].id]);
    });

    it("pages with limit and cursor", async () => {
      const pages = await walkPages(ctx.coordinator, `/v1/organisations?${q()}&limit=3`);
      expect(pages.map((page) => page.items.length)).toEqual([3, 1]);
      const all = pages.flatMap((page) => page.items.map((item) => item.id));
      expect(all).toEqual([...all].sort());
      expect(new Set(all).size).toBe(4);
      expect([...all].sort()).toEqual(Object.values(created).map((item) => item.id).sort());

      const byOne = await walkPages(ctx.coordinator, `/v1/organisations?${q()}&limit=1`);
      expect(byOne.map((page) => page.items.length)).toEqual([1, 1, 1, 1]);
      expect(byOne.flatMap((page) => page.items.map((item) => item.id))).toEqual(all);

      const exact = await ctx.coordinator.get(`/v1/organisations?${q()}&limit=4`);
      expect(exact.body.items).toHaveLength(4);
      expect(exact.body.nextCursor).toBeNull();
    });

    it("refuses invalid list parameters with 422 in the query", async () => {
      expectCompleteValidationError(await ctx.coordinator.get("/v1/organisations?cursor=garbage"), ["cursor"], { in: "query" });
      expectCompleteValidationError(await ctx.coordinator.get(`/v1/organisations?cursor=${btoa("not-a-uuid")}`), ["cursor"], { in: "query" });
      expectCompleteValidationError(await ctx.coordinator.get("/v1/organisations?limit=0"), ["limit"], { in: "query" });
      expectCompleteValidationError(await ctx.coordinator.get("/v1/organisations?limit=201"), ["limit"], { in: "query" });
      expectCompleteValidationError(await ctx.coordinator.get("/v1/organisations?kind=church"), ["kind"], { in: "query" });
      expectCompleteValidationError(await ctx.coordinator.get("/v1/organisations?active=yes"), ["active"], { in: "query" });
    });
  });

  describe("roles", () => {
    it("lets a requester see only its own organisation", async () => {
      const token = uniqueToken("Req");
      const own = await ctx.newRequester({ name: `Eigene ${token}` });
      const other = await newOrganisation(ctx.coordinator, { name: `Fremde ${token}` });

      const list = await own.client.get("/v1/organisations");
      expect(list.status).toBe(200);
      expect(ids(list)).toEqual([own.organisationId]);
      expect(list.body.nextCursor).toBeNull();

      const searched = await own.client.get(`/v1/organisations?q=${encodeURIComponent(token)}`);
      expect(ids(searched)).toEqual([own.organisationId]);
      const searchedOther = await own.client.get(`/v1/organisations?q=${encodeURIComponent(`Fremde ${token}`)}`);
      expect(searchedOther.body.items).toEqual([]);

      // The coordinator sees both.
      const coordinatorList = await ctx.coordinator.get(`/v1/organisations?q=${encodeURIComponent(token)}`);
      expect(ids(coordinatorList).sort()).toEqual([own.organisationId, other.id].sort());

      expect((await own.client.get(`/v1/organisations/${own.organisationId}`)).status).toBe(200);
      const foreign = await own.client.get(`/v1/organisations/${other.id}`);
      expect(foreign.status).toBe(404);
      expect(foreign.body.error.code).toBe("NOT_FOUND");
      // Same answer as for an id that does not exist, so nothing leaks.
      const missing = await own.client.get(`/v1/organisations/${NIL_UUID}`);
      expect(missing.status).toBe(404);
    });

    it("does not let a requester page past its own organisation with a cursor", async () => {
      const own = await ctx.newRequester();
      const other = await newOrganisation(ctx.coordinator);
      const response = await own.client.get(`/v1/organisations?cursor=${CURSOR_BEFORE_ALL}&limit=200`);
      expect(response.status).toBe(200);
      expect(ids(response)).not.toContain(other.id);
      expect(ids(response)).toEqual([own.organisationId]);
      expect(response.body.nextCursor).toBeNull();

      // A cursor past its own organisation gives an empty page.
      const after = await own.client.get(`/v1/organisations?cursor=${btoa(own.organisationId).replace(/=+$/, "")}`);
      expect(after.status).toBe(200);
      expect(after.body.items).toEqual([]);
    });

    it("does not let a requester write", async () => {
      const own = await ctx.newRequester();
      const before = (await ctx.coordinator.get(`/v1/organisations/${own.organisationId}`)).body;
      const attempts = [
        await own.client.post("/v1/organisations", fullOrganisation()),
        await own.client.patch(`/v1/organisations/${own.organisationId}`, { name: "Hijacked" }),
        await own.client.delete(`/v1/organisations/${own.organisationId}`),
      ];
      for (const response of attempts) {
        expect(response.status).toBe(403);
        expect(response.body.error.code).toBe("FORBIDDEN");
      }
      expect((await ctx.coordinator.get(`/v1/organisations/${own.organisationId}`)).body).toEqual(before);
    });

    it("lets finance read but not write", async () => {
      const token = uniqueToken("Fin");
      const created = await newOrganisation(ctx.coordinator, { name: `Finanz ${token}` });
      const list = await ctx.finance.get(`/v1/organisations?q=${encodeURIComponent(token)}`);
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([created]);
      const read = await ctx.finance.get(`/v1/organisations/${created.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created);

      const attempts = [
        await ctx.finance.post("/v1/organisations", fullOrganisation({ name: `Finanz ${token} neu` })),
        await ctx.finance.patch(`/v1/organisations/${created.id}`, { name: "Changed" }),
        await ctx.finance.delete(`/v1/organisations/${created.id}`),
      ];
      for (const response of attempts) {
        expect(response.status).toBe(403);
        expect(response.body.error.code).toBe("FORBIDDEN");
      }
      const after = await ctx.coordinator.get(`/v1/organisations?q=${encodeURIComponent(token)}`);
      expect(after.body.items).toEqual([created]);
    });

    it("answers 401 without a key on every route", async () => {
      const created = await newOrganisation(ctx.coordinator);
      const attempts = [
        await ctx.anonymous.get("/v1/organisations"),
        await ctx.anonymous.get(`/v1/organisations/${created.id}`),
        await ctx.anonymous.post("/v1/organisations", fullOrganisation()),
        await ctx.anonymous.patch(`/v1/organisations/${created.id}`, { name: "x" }),
        await ctx.anonymous.delete(`/v1/organisations/${created.id}`),
        await ctx.as("dp_not-a-real-key").get("/v1/organisations"),
      ];
      for (const response of attempts) {
        expect(response.status).toBe(401);
        expect(response.body.error.code).toBe("UNAUTHORIZED");
      }
      expect((await ctx.coordinator.get(`/v1/organisations/${created.id}`)).body).toEqual(created);
    });
  });
});
