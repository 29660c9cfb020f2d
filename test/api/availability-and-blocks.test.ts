import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createTestContext,
  newInterpreter,
  newOrganisation,
  type ApiClient,
  type TestContext,
} from "../helpers/test-app";
import { expectError, expectValidationError } from "../helpers/assertions";
import { ISO_TIMESTAMP } from "../helpers/fixtures";

describe("/v1/interpreters/{id}/availability and /blocks", () => {
  let ctx: TestContext;
  let requester: ApiClient;

  beforeAll(async () => {
    ctx = await createTestContext();
    requester = (await ctx.newRequester()).client;
  });

  /** An interpreter of this file (a language no other file books, so nobody's candidates change). */
  async function interpreter(): Promise<string> {
    const created = await newInterpreter(ctx.coordinator, { languages: [{ code: "bqi", level: "native" }] });
    return created.id;
  }

  describe("PUT/GET /v1/interpreters/{id}/availability", () => {
    it("starts empty for a new interpreter", async () => {
      const id = await interpreter();
      const response = await ctx.coordinator.get(`/v1/interpreters/${id}/availability`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ interpreterId: id, weekly: [], absences: [] });
    });

    it("stores weekly slots and absences, sorted, and reads them back", async () => {
      const id = await interpreter();
      const response = await ctx.coordinator.put(`/v1/interpreters/${id}/availability`, {
        weekly: [
          { weekday: 4, from: "14:00", to: "24:00" },
          { weekday: 2, from: "13:00", to: "17:30" },
          { weekday: 2, from: "08:15", to: "12:00" },
          { weekday: 7, from: "00:00", to: "06:00" },
        ],
        absences: [
          { from: "2027-01-10", to: "2027-01-10" },
          { from: "2026-12-21", to: "2027-01-03", note: " Urlaub " },
        ],
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      const expected = {
        interpreterId: id,
        weekly: [
          { weekday: 2, from: "08:15", to: "12:00" },
          { weekday: 2, from: "13:00", to: "17:30" },
          { weekday: 4, from: "14:00", to: "24:00" },
          { weekday: 7, from: "00:00", to: "06:00" },
        ],
        absences: [
          { from: "2026-12-21", to: "2027-01-03", note: "Urlaub" },
          { from: "2027-01-10", to: "2027-01-10", note: null },
        ],
      };
      expect(response.body).toEqual(expected);

      const read = await ctx.coordinator.get(`/v1/interpreters/${id}/availability`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(expected);
    });

    it("replaces both lists on every PUT (nothing is merged)", async () => {
      const id = await interpreter();
      const first = await ctx.coordinator.put(`/v1/interpreters/${id}/availability`, {
        weekly: [
          { weekday: 1, from: "09:00", to: "12:00" },
          { weekday: 3, from: "09:00", to: "12:00" },
        ],
        absences: [{ from: "2026-12-01", to: "2026-12-05", note: "Kur" }],
      });
      expect(first.status).toBe(200);

      const second = await ctx.coordinator.put(`/v1/interpreters/${id}/availability`, {
        weekly: [{ weekday: 5, from: "10:00", to: "11:00" }],
        absences: [{ from: "2027-02-01", to: "2027-02-02" }],
      });
      expect(second.status).toBe(200);
      expect(second.body).toEqual({
        interpreterId: id,
        weekly: [{ weekday: 5, from: "10:00", to: "11:00" }],
        absences: [{ from: "2027-02-01", to: "2027-02-02", note: null }],
      });

      // Absences may be left out: they default to none, and the old ones are gone as well.
      const third = await ctx.coordinator.put(`/v1/interpreters/${id}/availability`, { weekly: [{ weekday: 6, from: "08:00", to: "09:00" }] });
      expect(third.status).toBe(200);
      expect(third.body).toEqual({ interpreterId: id, weekly: [{ weekday: 6, from: "08:00", to: "09:00" }], absences: [] });

      const cleared = await ctx.coordinator.put(`/v1/interpreters/${id}/availability`, { weekly: [], absences: [] });
      expect(cleared.status).toBe(200);
      expect((await ctx.coordinator.get(`/v1/interpreters/${id}/availability`)).body).toEqual({ interpreterId: id, weekly: [], absences: [] });
    });

    it("only touches the interpreter it is called for", async () => {
      const mine = await interpreter();
      const other = await interpreter();
      const slots = { weekly: [{ weekday: 1, from: "07:00", to: "08:00" }], absences: [] };
      expect((await ctx.coordinator.put(`/v1/interpreters/${other}/availability`, slots)).status).toBe(200);
      expect((await ctx.coordinator.put(`/v1/interpreters/${mine}/availability`, { weekly: [] })).status).toBe(200);
      expect((await ctx.coordinator.get(`/v1/interpreters/${other}/availability`)).body.weekly).toEqual(slots.weekly);
    });

    it("accepts 24:00 as the end of the day and full-day slots", async () => {
      const id = await interpreter();
      const response = await ctx.coordinator.put(`/v1/interpreters/${id}/availability`, {
        weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, from: "00:00", to: "24:00" })),
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body.weekly).toHaveLength(7);
      expect(response.body.weekly.every((slot: { from: string; to: string }) => slot.from === "00:00" && slot.to === "24:00")).toBe(true);
    });

    const invalid: { name: string; body: unknown; path: (string | number)[]; message?: RegExp }[] = [
      { name: "weekday 0", body: { weekly: [{ weekday: 0, from: "09:00", to: "12:00" }] }, path: ["weekly", 0, "weekday"] },
      { name: "weekday 8", body: { weekly: [{ weekday: 8, from: "09:00", to: "12:00" }] }, path: ["weekly", 0, "weekday"] },
      { name: "a fractional weekday", body: { weekly: [{ weekday: 2.5, from: "09:00", to: "12:00" }] }, path: ["weekly", 0, "weekday"] },
      { name: "25:00", body: { weekly: [{ weekday: 1, from: "09:00", to: "25:00" }] }, path: ["weekly", 0, "to"] },
      { name: "24:30", body: { weekly: [{ weekday: 1, from: "09:00", to: "24:30" }] }, path: ["weekly", 0, "to"] },
      { name: "a time without leading zero", body: { weekly: [{ weekday: 1, from: "9:00", to: "12:00" }] }, path: ["weekly", 0, "from"] },
      { name: "from after to", body: { weekly: [{ weekday: 1, from: "12:00", to: "09:00" }] }, path: ["weekly", 0, "to"], message: /before/ },
      { name: "from equal to to", body: { weekly: [{ weekday: 1, from: "09:00", to: "09:00" }] }, path: ["weekly", 0, "to"], message: /before/ },
      {
        name: "a bad second slot",
        body: { weekly: [{ weekday: 1, from: "09:00", to: "10:00" }, { weekday: 9, from: "09:00", to: "10:00" }] },
        path: ["weekly", 1, "weekday"],
      },
      {
        name: "an absence ending before it starts",
        body: { weekly: [], absences: [{ from: "2026-12-05", to: "2026-12-01" }] },
        path: ["absences", 0, "to"],
        message: /after/,
      },
      { name: "an impossible absence date", body: { weekly: [], absences: [{ from: "2026-13-01", to: "2026-13-02" }] }, path: ["absences", 0, "from"] },
      { name: "missing weekly", body: { absences: [] }, path: ["weekly"] },
      { name: "an extra top-level field", body: { weekly: [], holidays: [] }, path: [], message: /holidays/ },
      { name: "an extra field in a slot", body: { weekly: [{ weekday: 1, from: "09:00", to: "10:00", label: "x" }] }, path: ["weekly", 0], message: /label/ },
      { name: "an extra field in an absence", body: { weekly: [], absences: [{ from: "2026-12-01", to: "2026-12-01", reason: "x" }] }, path: ["absences", 0], message: /reason/ },
    ];

    it.each(invalid)("answers 422 for $name and keeps what was stored", async ({ body, path, message }) => {
      const id = await interpreter();
      const stored = { weekly: [{ weekday: 3, from: "10:00", to: "11:00" }], absences: [{ from: "2026-12-24", to: "2026-12-26", note: "Feiertage" }] };
      expect((await ctx.coordinator.put(`/v1/interpreters/${id}/availability`, stored)).status).toBe(200);

      expectValidationError(await ctx.coordinator.put(`/v1/interpreters/${id}/availability`, body), path, message);

      expect((await ctx.coordinator.get(`/v1/interpreters/${id}/availability`)).body).toEqual({ interpreterId: id, ...stored });
    });

    it("answers 404 for an unknown interpreter", async () => {
      for (const id of [randomUUID(), "not-a-uuid"]) {
        expectError(await ctx.coordinator.get(`/v1/interpreters/${id}/availability`), 404, "NOT_FOUND");
        expectError(await ctx.coordinator.put(`/v1/interpreters/${id}/availability`, { weekly: [] }), 404, "NOT_FOUND");
      }
    });

    it("lets coordinators write, finance read, and nobody else in", async () => {
      const id = await interpreter();
      const body = { weekly: [{ weekday: 2, from: "09:00", to: "12:00" }], absences: [] };
      expect((await ctx.coordinator.put(`/v1/interpreters/${id}/availability`, body)).status).toBe(200);

      const financeRead = await ctx.finance.get(`/v1/interpreters/${id}/availability`);
      expect(financeRead.status).toBe(200);
      expect(financeRead.body).toEqual({ interpreterId: id, ...body });
      expectError(await ctx.finance.put(`/v1/interpreters/${id}/availability`, { weekly: [] }), 403, "FORBIDDEN");

      expectError(await requester.get(`/v1/interpreters/${id}/availability`), 403, "FORBIDDEN");
      expectError(await requester.put(`/v1/interpreters/${id}/availability`, { weekly: [] }), 403, "FORBIDDEN");

      expectError(await ctx.anonymous.get(`/v1/interpreters/${id}/availability`), 401, "UNAUTHORIZED");
      expectError(await ctx.anonymous.put(`/v1/interpreters/${id}/availability`, { weekly: [] }), 401, "UNAUTHORIZED");

      // None of the refused writes changed anything.
      expect((await ctx.coordinator.get(`/v1/interpreters/${id}/availability`)).body.weekly).toEqual(body.weekly);
    });
  });

  describe("/v1/interpreters/{id}/blocks", () => {
    it("blocks an interpreter for an organisation and lists the block", async () => {
      const id = await interpreter();
      const organisation = await newOrganisation(ctx.coordinator);
      const response = await ctx.coordinator.post(`/v1/interpreters/${id}/blocks`, {
        organisationId: organisation.id,
        reason: "  Beschwerde der Einrichtung vom 12.10.  ",
      });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      expect(response.body).toEqual({
        interpreterId: id,
        organisationId: organisation.id,
        reason: "Beschwerde der Einrichtung vom 12.10.",
        createdAt: expect.stringMatching(ISO_TIMESTAMP),
      });

      const list = await ctx.coordinator.get(`/v1/interpreters/${id}/blocks`);
      expect(list.status).toBe(200);
      expect(list.body).toEqual({ items: [response.body], nextCursor: null });
    });

    it("keeps separate blocks per organisation", async () => {
      const id = await interpreter();
      const first = await newOrganisation(ctx.coordinator);
      const second = await newOrganisation(ctx.coordinator);
      expect((await ctx.coordinator.post(`/v1/interpreters/${id}/blocks`, { organisationId: first.id, reason: "A" })).status).toBe(201);
      expect((await ctx.coordinator.post(`/v1/interpreters/${id}/blocks`, { organisationId: second.id, reason: "B" })).status).toBe(201);
      const list = await ctx.coordinator.get(`/v1/interpreters/${id}/blocks`);
      expect(list.body.items.map((block: { organisationId: string; reason: string }) => [block.organisationId, block.reason]).sort()).toEqual(
        [
          [first.id, "A"],
          [second.id, "B"],
        ].sort(),
      );
      // Another interpreter's blocks are not listed here.
      expect((await ctx.coordinator.get(`/v1/interpreters/${await interpreter()}/blocks`)).body).toEqual({ items: [], nextCursor: null });
    });

    it("answers 409 for a second block for the same organisation", async () => {
      const id = await interpreter();
      const organisation = await newOrganisation(ctx.coordinator);
      expect((await ctx.coordinator.post(`/v1/interpreters/${id}/blocks`, { organisationId: organisation.id, reason: "erst" })).status).toBe(201);
      expectError(await ctx.coordinator.post(`/v1/interpreters/${id}/blocks`, { organisationId: organisation.id, reason: "zweit" }), 409, "CONFLICT");
      const list = await ctx.coordinator.get(`/v1/interpreters/${id}/blocks`);
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0].reason).toBe("erst");
    });

    it("answers 422 for an unknown organisation and for invalid bodies", async () => {
      const id = await interpreter();
      expectValidationError(await ctx.coordinator.post(`/v1/interpreters/${id}/blocks`, { organisationId: randomUUID(), reason: "x" }), ["organisationId"]);
      expectValidationError(await ctx.coordinator.post(`/v1/interpreters/${id}/blocks`, { organisationId: "nope", reason: "x" }), ["organisationId"]);
      const organisation = await newOrganisation(ctx.coordinator);
      expectValidationError(await ctx.coordinator.post(`/v1/interpreters/${id}/blocks`, { organisationId: organisation.id }), ["reason"]);
      expectValidationError(await ctx.coordinator.post(`/v1/interpreters/${id}/blocks`, { organisationId: organisation.id, reason: "   " }), ["reason"]);
      expectValidationError(
        await ctx.coordinator.post(`/v1/interpreters/${id}/blocks`, { organisationId: organisation.id, reason: "x", until: "2027-01-01" }),
        [],
        /until/,
      );
      expect((await ctx.coordinator.get(`/v1/interpreters/${id}/blocks`)).body.items).toEqual([]);
    });

    it("answers 404 for an unknown interpreter", async () => {
      const organisation = await newOrganisation(ctx.coordinator);
      for (const id of [randomUUID(), "not-a-uuid"]) {
        expectError(await ctx.coordinator.post(`/v1/interpreters/${id}/blocks`, { organisationId: organisation.id, reason: "x" }), 404, "NOT_FOUND");
        expectError(await ctx.coordinator.get(`/v1/interpreters/${id}/blocks`), 404, "NOT_FOUND");
      }
    });

    it("lifts a block with DELETE, and answers 404 for a block that does not exist", async () => {
      const id = await interpreter();
      const kept = await newOrganisation(ctx.coordinator);
      const lifted = await newOrganisation(ctx.coordinator);
      await ctx.coordinator.post(`/v1/interpreters/${id}/blocks`, { organisationId: kept.id, reason: "bleibt" });
      await ctx.coordinator.post(`/v1/interpreters/${id}/blocks`, { organisationId: lifted.id, reason: "weg" });

      const response = await ctx.coordinator.delete(`/v1/interpreters/${id}/blocks/${lifted.id}`);
      expect(response.status).toBe(204);
      expect(response.body).toBe("");
      const list = await ctx.coordinator.get(`/v1/interpreters/${id}/blocks`);
      expect(list.body.items.map((block: { organisationId: string }) => block.organisationId)).toEqual([kept.id]);

      expectError(await ctx.coordinator.delete(`/v1/interpreters/${id}/blocks/${lifted.id}`), 404, "NOT_FOUND");
      expectError(await ctx.coordinator.delete(`/v1/interpreters/${id}/blocks/${randomUUID()}`), 404, "NOT_FOUND");
      expectError(await ctx.coordinator.delete(`/v1/interpreters/${randomUUID()}/blocks/${kept.id}`), 404, "NOT_FOUND");
      expectError(await ctx.coordinator.delete(`/v1/interpreters/${id}/blocks/not-a-uuid`), 404, "NOT_FOUND");

      // Lifted, it can be set again.
      expect((await ctx.coordinator.post(`/v1/interpreters/${id}/blocks`, { organisationId: lifted.id, reason: "wieder" })).status).toBe(201);
    });

    it("is for coordinators only", async () => {
      const id = await interpreter();
      const organisation = await newOrganisation(ctx.coordinator);
      expect((await ctx.coordinator.post(`/v1/interpreters/${id}/blocks`, { organisationId: organisation.id, reason: "x" })).status).toBe(201);
      for (const client of [ctx.finance, requester]) {
        expectError(await client.get(`/v1/interpreters/${id}/blocks`), 403, "FORBIDDEN");
        expectError(await client.post(`/v1/interpreters/${id}/blocks`, { organisationId: organisation.id, reason: "y" }), 403, "FORBIDDEN");
        expectError(await client.delete(`/v1/interpreters/${id}/blocks/${organisation.id}`), 403, "FORBIDDEN");
      }
      expectError(await ctx.anonymous.get(`/v1/interpreters/${id}/blocks`), 401, "UNAUTHORIZED");
      expectError(await ctx.anonymous.post(`/v1/interpreters/${id}/blocks`, { organisationId: organisation.id, reason: "y" }), 401, "UNAUTHORIZED");
      expectError(await ctx.anonymous.delete(`/v1/interpreters/${id}/blocks/${organisation.id}`), 401, "UNAUTHORIZED");
      // The block survived every refused call.
      const list = await ctx.coordinator.get(`/v1/interpreters/${id}/blocks`);
      expect(list.body.items).toEqual([expect.objectContaining({ organisationId: organisation.id, reason: "x" })]);
    });
  });
});
