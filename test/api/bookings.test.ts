import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createTestContext,
  newInterpreter,
  newOrganisation,
  type ApiClient,
  type TestContext,
} from "../helpers/test-app";
import { serverPrivateDatabase } from "../helpers/test-database";
import { cryptoRandom, type RandomSource } from "../../src/lib/random";
import { expectError, expectValidationError } from "../helpers/assertions";
import { ALL_WEEK, ISO_TIMESTAMP, UUID } from "../helpers/fixtures";

// Time plan. The database is shared with the other test files of a worker (and, in the
// "postgres" project, with files running at the same moment), and POST /v1/dispatch/tick marks
// every open booking whose start has passed. So this file books in March 2027 (winter time,
// +01:00), far from the weeks other files book and tick in, and runs its own tick in February
// 2026, before anything another file books.
const NOW = "2027-03-02T08:00:00.000Z"; // Tuesday 09:00 in Berlin
const LANGUAGE = "aii"; // Assyrian Neo-Aramaic: booked by no other test file

const HOUR = 3_600_000;

/** A local (Europe/Berlin, winter) time as the API takes it. */
const local = (date: string, time: string) => `${date}T${time}:00+01:00`;
const utc = (iso: string) => new Date(iso).toISOString();

describe("/v1/bookings", () => {
  let ctx: TestContext;
  // On the PostgreSQL server a database of this file's own: its ticks act on the whole database.
  let privateDb: Awaited<ReturnType<typeof serverPrivateDatabase>>;
  const organisationsToClean: string[] = [];

  beforeAll(async () => {
    privateDb = await serverPrivateDatabase("bookings");
    ctx = await createTestContext(privateDb ? { deps: { db: privateDb.db } } : {});
  });

  afterAll(async () => {
    await privateDb?.dispose();
  });

  beforeEach(() => {
    ctx.clock.set(NOW);
  });

  // Leave no open bookings behind that another file's tick would have to deal with.
  afterAll(async () => {
    if (!ctx) return;
    for (const organisationId of organisationsToClean) {
      const open = await ctx.coordinator.get(`/v1/bookings?organisationId=${organisationId}&status=open,offered,assigned&limit=200`);
      for (const booking of open.body.items ?? []) {
        await ctx.coordinator.post(`/v1/bookings/${booking.id}/cancel`, { reason: "Testende" });
      }
    }
  });

  async function organisation(): Promise<{ id: string; name: string }> {
    const created = await newOrganisation(ctx.coordinator);
    organisationsToClean.push(created.id);
    return created;
  }

  async function requester(): Promise<{ client: ApiClient; organisationId: string; keyId: string }> {
    const created = await ctx.newRequester();
    organisationsToClean.push(created.organisationId);
    return created;
  }

  /** An interpreter for this file's language (and Arabic), available around the clock unless told otherwise. */
  async function interpreter(options: { weekly?: unknown[]; overrides?: Record<string, unknown> } = {}): Promise<{ id: string; name: string; phone: string }> {
    const created = await newInterpreter(ctx.coordinator, {
      languages: [
        { code: LANGUAGE, level: "native" },
        { code: "ar", level: "fluent" },
      ],
      modes: ["onsite", "phone", "video"],
      ...options.overrides,
    });
    const availability = await ctx.coordinator.put(`/v1/interpreters/${created.id}/availability`, { weekly: options.weekly ?? ALL_WEEK });
    expect(availability.status, JSON.stringify(availability.body)).toBe(200);
    return created;
  }

  const minimal = (organisationId: string | undefined, overrides: Record<string, unknown> = {}) => ({
    ...(organisationId ? { organisationId } : {}),
    language: LANGUAGE,
    startsAt: local("2027-03-10", "10:00"),
    durationMinutes: 60,
    mode: "phone",
    ...overrides,
  });

  async function book(client: ApiClient, body: Record<string, unknown>): Promise<any> {
    const response = await client.post("/v1/bookings", body);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body;
  }

  async function read(id: string, client: ApiClient = ctx.coordinator): Promise<any> {
    const response = await client.get(`/v1/bookings/${id}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  async function assign(bookingId: string, interpreterId: string): Promise<any> {
    const response = await ctx.coordinator.post(`/v1/bookings/${bookingId}/assign`, { interpreterId });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  async function listIds(query: string, client: ApiClient = ctx.coordinator): Promise<string[]> {
    const response = await client.get(`/v1/bookings?${query}&limit=200`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.nextCursor).toBeNull();
    return response.body.items.map((item: { id: string }) => item.id);
  }

  describe("POST /v1/bookings", () => {
    it("creates an open booking with every field and shows it with its history", async () => {
      const org = await organisation();
      const input = {
        organisationId: org.id,
        language: "ara",
        dialect: "levantinisch",
        startsAt: local("2027-03-04", "09:30"),
        durationMinutes: 90,
        mode: "onsite",
        location: { street: "Bismarckstr. 10", postcode: "52351", city: "Düren", room: "Raum 2.14" },
        setting: "Elterngespräch",
        topic: "school",
        sensitive: true,
        genderPreference: { gender: "female", required: false },
        caseReference: "BG-2027-0815",
        contactName: "Frau Schmitz",
        contactPhone: "02421 123-456",
        notes: "Bitte am Empfang melden",
      };
      const response = await ctx.coordinator.post("/v1/bookings", input);
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      const created = response.body;
      expect(created).toEqual({
        id: expect.stringMatching(UUID),
        code: expect.stringMatching(/^\d{4,}$/),
        status: "open",
        organisationId: org.id,
        organisationName: org.name,
        seriesId: null,
        language: "ar",
        dialect: "levantinisch",
        startsAt: "2027-03-04T08:30:00.000Z",
        endsAt: "2027-03-04T10:00:00.000Z",
        durationMinutes: 90,
        mode: "onsite",
        location: { street: "Bismarckstr. 10", postcode: "52351", city: "Düren", room: "Raum 2.14" },
        setting: "Elterngespräch",
        topic: "school",
        sensitive: true,
        genderPreference: { gender: "female", required: false },
        caseReference: "BG-2027-0815",
        contactName: "Frau Schmitz",
        contactPhone: "02421 123-456",
        notes: "Bitte am Empfang melden",
        interpreterId: null,
        interpreter: null,
        assignedAt: null,
        cancellation: null,
        completion: null,
        needsAttention: false,
        createdAt: expect.stringMatching(ISO_TIMESTAMP),
        updatedAt: expect.stringMatching(ISO_TIMESTAMP),
      });
      expect(new Date(created.endsAt).getTime() - new Date(created.startsAt).getTime()).toBe(90 * 60_000);

      const fetched = await read(created.id);
      const { history, ...withoutHistory } = fetched;
      expect(withoutHistory).toEqual(created);
      expect(history).toEqual([
        {
          at: NOW,
          actor: { type: "key", keyId: expect.stringMatching(UUID), phone: null },
          action: "created",
          from: null,
          to: "open",
          reason: null,
          details: null,
        },
      ]);
    });

    it("fills defaults and keeps a phone booking without a place", async () => {
      const org = await organisation();
      const created = await book(ctx.coordinator, minimal(org.id, { durationMinutes: 15, startsAt: local("2027-03-05", "23:50") }));
      expect(created).toMatchObject({
        language: LANGUAGE,
        dialect: null,
        mode: "phone",
        location: null,
        setting: null,
        topic: "general",
        sensitive: false,
        genderPreference: null,
        caseReference: null,
        contactName: null,
        contactPhone: null,
        notes: null,
        durationMinutes: 15,
        startsAt: "2027-03-05T22:50:00.000Z",
        // Across local midnight.
        endsAt: "2027-03-05T23:05:00.000Z",
      });
      const longest = await book(ctx.coordinator, minimal(org.id, { durationMinutes: 600 }));
      expect(longest.endsAt).toBe(utc("2027-03-10T20:00:00+01:00"));
    });

    it("lets a requester key book for its own organisation only", async () => {
      const own = await requester();
      const other = await organisation();

      const implicit = await book(own.client, minimal(undefined));
      expect(implicit.organisationId).toBe(own.organisationId);
      expect((await read(implicit.id)).history[0].actor).toEqual({ type: "key", keyId: own.keyId, phone: null });

      const explicit = await book(own.client, minimal(own.organisationId, { startsAt: local("2027-03-11", "10:00") }));
      expect(explicit.organisationId).toBe(own.organisationId);

      expectError(await own.client.post("/v1/bookings", minimal(other.id)), 403, "FORBIDDEN");
      expect(await listIds(`organisationId=${other.id}`)).toEqual([]);
    });

    it("requires an organisation from coordinator keys", async () => {
      expectValidationError(await ctx.coordinator.post("/v1/bookings", minimal(undefined)), ["organisationId"], { message: /required/ });
    });

    const invalid: { name: string; body: Record<string, unknown>; path: (string | number)[]; message?: RegExp }[] = [
      { name: "a start in the past", body: { startsAt: local("2027-03-02", "08:59") }, path: ["startsAt"], message: /past/ },
      { name: "a start right now", body: { startsAt: NOW }, path: ["startsAt"], message: /past/ },
      { name: "a start more than two years ahead", body: { startsAt: local("2029-03-10", "10:00") }, path: ["startsAt"] },
      { name: "a start without offset", body: { startsAt: "2027-03-10T10:00:00" }, path: ["startsAt"] },
      { name: "a date instead of a start", body: { startsAt: "2027-03-10" }, path: ["startsAt"] },
      { name: "an unknown language", body: { language: "xx" }, path: ["language"], message: /ISO 639/ },
      { name: "an on-site booking without a place", body: { mode: "onsite" }, path: ["location"], message: /place/ },
      { name: "an on-site booking with a null place", body: { mode: "onsite", location: null }, path: ["location"] },
      {
        name: "a place with a bad postcode",
        body: { mode: "onsite", location: { street: "Markt 1", postcode: "5235", city: "Düren" } },
        path: ["location", "postcode"],
      },
      { name: "a duration of 14 minutes", body: { durationMinutes: 14 }, path: ["durationMinutes"] },
      { name: "a duration of 601 minutes", body: { durationMinutes: 601 }, path: ["durationMinutes"] },
      { name: "a fractional duration", body: { durationMinutes: 30.5 }, path: ["durationMinutes"] },
      { name: "an unknown mode", body: { mode: "letter" }, path: ["mode"] },
      { name: "an unknown topic", body: { topic: "sports" }, path: ["topic"] },
      { name: "a gender wish without required", body: { genderPreference: { gender: "female" } }, path: ["genderPreference", "required"] },
      { name: "an unknown field", body: { priority: "high" }, path: [], message: /priority/ },
    ];

    it.each(invalid)("answers 422 with the field for $name and stores nothing", async ({ body, path, message }) => {
      const org = await organisation();
      expectValidationError(await ctx.coordinator.post("/v1/bookings", minimal(org.id, body)), path, { message });
      expect(await listIds(`organisationId=${org.id}`)).toEqual([]);
    });

    it("answers 422 for an unknown or inactive organisation", async () => {
      expectValidationError(await ctx.coordinator.post("/v1/bookings", minimal(randomUUID())), ["organisationId"]);
      expectValidationError(await ctx.coordinator.post("/v1/bookings", minimal("Jobcenter")), ["organisationId"]);

      const org = await organisation();
      const deactivated = await ctx.coordinator.patch(`/v1/organisations/${org.id}`, { active: false });
      expect(deactivated.status, JSON.stringify(deactivated.body)).toBe(200);
      expectValidationError(await ctx.coordinator.post("/v1/bookings", minimal(org.id)), ["organisationId"], { message: /inactive/ });

      const own = await requester();
      expect((await ctx.coordinator.patch(`/v1/organisations/${own.organisationId}`, { active: false })).status).toBe(200);
      expectValidationError(await own.client.post("/v1/bookings", minimal(undefined)), ["organisationId"], { message: /inactive/ });
      expect(await listIds(`organisationId=${org.id}`)).toEqual([]);
      expect(await listIds(`organisationId=${own.organisationId}`)).toEqual([]);
    });

    it("gives active bookings distinct numeric codes", async () => {
      const org = await organisation();
      const codes: string[] = [];
      for (let day = 10; day < 22; day++) {
        const created = await book(ctx.coordinator, minimal(org.id, { startsAt: local(`2027-03-${day}`, "10:00") }));
        expect(created.code).toMatch(/^\d{4,}$/);
        codes.push(created.code);
      }
      expect(new Set(codes).size).toBe(codes.length);
    });

    it("skips a code an active booking holds for another, writes one history entry, and reuses a code once its booking ended", async () => {
      // Codes come from 4 random bytes: these tests replay the bytes that gave the first booking its code.
      let replay: Uint8Array | null = null;
      let last: Uint8Array | null = null;
      const random: RandomSource = {
        bytes(length) {
          const bytes = length === 4 && replay ? replay : cryptoRandom.bytes(length);
          if (length === 4) [last, replay] = [bytes, null];
          return bytes;
        },
      };
      const own = await createTestContext({ deps: { random, ...(privateDb ? { db: privateDb.db } : {}) } });
      own.clock.set(NOW);
      const org = await newOrganisation(own.coordinator);
      organisationsToClean.push(org.id);
      const first = (await own.coordinator.post("/v1/bookings", minimal(org.id, { startsAt: local("2027-03-23", "10:00") }))).body;
      const taken = last!;

      replay = taken;
      const second = await own.coordinator.post("/v1/bookings", minimal(org.id, { startsAt: local("2027-03-23", "12:00") }));
      expect(second.status, JSON.stringify(second.body)).toBe(201);
      expect(second.body.code).not.toBe(first.code);
      expect(second.body.code).toMatch(/^\d{4,}$/);
      expect((await read(second.body.id)).history.map((entry: { action: string }) => entry.action)).toEqual(["created"]);

      // Two clashes in a row (a crowded four-digit range): the next try has five digits.
      let clashes = 2;
      const crowded = await createTestContext({
        deps: { random: { bytes: (length) => (length === 4 && clashes-- > 0 ? taken : cryptoRandom.bytes(length)) }, ...(privateDb ? { db: privateDb.db } : {}) },
      });
      crowded.clock.set(NOW);
      const longer = await crowded.coordinator.post("/v1/bookings", minimal(org.id, { startsAt: local("2027-03-24", "10:00") }));
      expect(longer.status, JSON.stringify(longer.body)).toBe(201);
      expect(longer.body.code).toMatch(/^[1-9]\d{4}$/);

      expect((await own.coordinator.post(`/v1/bookings/${first.id}/cancel`, { reason: "Termin entfällt" })).status).toBe(200);
      replay = taken;
      const third = await own.coordinator.post("/v1/bookings", minimal(org.id, { startsAt: local("2027-03-23", "14:00") }));
      expect(third.status, JSON.stringify(third.body)).toBe(201);
      expect(third.body.code).toBe(first.code);
    });

    it("is not open to finance keys or callers without a key", async () => {
      const org = await organisation();
      expectError(await ctx.finance.post("/v1/bookings", minimal(org.id)), 403, "FORBIDDEN");
      expectError(await ctx.anonymous.post("/v1/bookings", minimal(org.id)), 401, "UNAUTHORIZED");
      expect(await listIds(`organisationId=${org.id}`)).toEqual([]);
    });
  });

  describe("GET /v1/bookings", () => {
    let org: { id: string };
    let interpreterId: string;
    let open1: any;
    let assigned: any;
    let cancelled: any;
    let open2: any;

    beforeAll(async () => {
      ctx.clock.set(NOW);
      org = await organisation();
      interpreterId = (await interpreter()).id;
      // Created out of order: lists are ordered by start, not by creation.
      open2 = await book(ctx.coordinator, minimal(org.id, { startsAt: local("2027-03-11", "09:00") }));
      cancelled = await book(ctx.coordinator, minimal(org.id, { startsAt: local("2027-03-10", "09:00"), language: "ar" }));
      assigned = await book(ctx.coordinator, minimal(org.id, { startsAt: local("2027-03-09", "09:00"), language: "ar" }));
      open1 = await book(ctx.coordinator, minimal(org.id, { startsAt: local("2027-03-08", "09:00") }));
      await assign(assigned.id, interpreterId);
      expect((await ctx.coordinator.post(`/v1/bookings/${cancelled.id}/cancel`, { reason: "entfällt" })).status).toBe(200);
    });

    it("lists an organisation's bookings by start time", async () => {
      expect(await listIds(`organisationId=${org.id}`)).toEqual([open1.id, assigned.id, cancelled.id, open2.id]);
      const page = await ctx.coordinator.get(`/v1/bookings?organisationId=${org.id}`);
      expect(page.body.items[1]).toMatchObject({ id: assigned.id, status: "assigned", interpreterId });
      // Lists do not carry the history.
      expect(page.body.items[0]).not.toHaveProperty("history");
    });

    it("filters by one status or several", async () => {
      expect(await listIds(`organisationId=${org.id}&status=open`)).toEqual([open1.id, open2.id]);
      expect(await listIds(`organisationId=${org.id}&status=open,assigned`)).toEqual([open1.id, assigned.id, open2.id]);
      expect(await listIds(`organisationId=${org.id}&status=cancelled`)).toEqual([cancelled.id]);
      expect(await listIds(`organisationId=${org.id}&status=completed,unfilled`)).toEqual([]);
      expectValidationError(await ctx.coordinator.get(`/v1/bookings?organisationId=${org.id}&status=open,done`), ["status"], {
        in: "query",
        message: /done/,
      });
    });

    it("filters by start time: from inclusive, to exclusive", async () => {
      const q = (value: string) => encodeURIComponent(value);
      expect(await listIds(`organisationId=${org.id}&from=${q(assigned.startsAt)}`)).toEqual([assigned.id, cancelled.id, open2.id]);
      expect(await listIds(`organisationId=${org.id}&to=${q(cancelled.startsAt)}`)).toEqual([open1.id, assigned.id]);
      expect(
        await listIds(`organisationId=${org.id}&from=${q(local("2027-03-09", "00:00"))}&to=${q(local("2027-03-11", "00:00"))}`),
      ).toEqual([assigned.id, cancelled.id]);
      expectValidationError(await ctx.coordinator.get(`/v1/bookings?from=2027-03-09T00:00:00`), ["from"], { in: "query" });
    });

    it("filters by language (any ISO code), organisation and interpreter", async () => {
      expect(await listIds(`organisationId=${org.id}&language=${LANGUAGE}`)).toEqual([open1.id, open2.id]);
      expect(await listIds(`organisationId=${org.id}&language=ara`)).toEqual([assigned.id, cancelled.id]);
      expect(await listIds(`organisationId=${org.id}&language=ar&status=assigned`)).toEqual([assigned.id]);
      expectValidationError(await ctx.coordinator.get(`/v1/bookings?language=xx`), ["language"], { in: "query" });

      expect(await listIds(`interpreterId=${interpreterId}`)).toEqual([assigned.id]);
      expect(await listIds(`interpreterId=${randomUUID()}`)).toEqual([]);
      expect(await listIds(`organisationId=${randomUUID()}`)).toEqual([]);
      expect(await listIds(`organisationId=not-a-uuid`)).toEqual([]);
    });

    it("pages with limit and cursor by start time, then id", async () => {
      const paged = await organisation();
      const starts = ["11:00", "09:00", "10:00", "10:00", "08:00", "10:00"].map((time) => local("2027-03-15", time));
      const created = [];
      for (const startsAt of starts) created.push(await book(ctx.coordinator, minimal(paged.id, { startsAt })));
      const expected = [...created]
        .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map((booking) => booking.id);

      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      for (let guard = 0; guard < 10; guard++) {
        const url: string = `/v1/bookings?organisationId=${paged.id}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const page = await ctx.coordinator.get(url);
        expect(page.status, JSON.stringify(page.body)).toBe(200);
        seen.push(...page.body.items.map((item: { id: string }) => item.id));
        sizes.push(page.body.items.length);
        cursor = page.body.nextCursor;
        if (cursor === null) break;
      }
      expect(sizes).toEqual([2, 2, 2]);
      expect(seen).toEqual(expected);

      expectValidationError(await ctx.coordinator.get(`/v1/bookings?cursor=garbage`), ["cursor"], { in: "query" });
      expectValidationError(await ctx.coordinator.get(`/v1/bookings?limit=0`), ["limit"], { in: "query" });
      expectValidationError(await ctx.coordinator.get(`/v1/bookings?limit=201`), ["limit"], { in: "query" });
    });
  });

  describe("GET /v1/bookings/{id}", () => {
    it("answers 404 for an unknown id", async () => {
      expectError(await ctx.coordinator.get(`/v1/bookings/${randomUUID()}`), 404, "NOT_FOUND");
      expectError(await ctx.coordinator.get(`/v1/bookings/4711`), 404, "NOT_FOUND");
    });

    it("records every change in the history: who, from which state to which, and why", async () => {
      const own = await requester();
      const first = await interpreter();
      const second = await interpreter();
      const booking = await book(own.client, minimal(undefined, { startsAt: local("2027-03-03", "10:00") }));

      ctx.clock.set("2027-03-02T08:10:00Z");
      await assign(booking.id, first.id);
      // Less than 24 hours before the start: late.
      ctx.clock.set("2027-03-02T09:20:00Z");
      const dropped = await ctx.coordinator.post(`/v1/bookings/${booking.id}/cancel`, { reason: "krank", cancelledBy: "interpreter" });
      expect(dropped.status, JSON.stringify(dropped.body)).toBe(200);
      ctx.clock.set("2027-03-02T09:30:00Z");
      await assign(booking.id, second.id);
      ctx.clock.set("2027-03-03T09:05:00Z");
      const completed = await own.client.post(`/v1/bookings/${booking.id}/complete`, { outcome: "client_no_show", note: "niemand erschienen" });
      expect(completed.status, JSON.stringify(completed.body)).toBe(200);

      const { history } = await read(booking.id);
      const coordinatorKey = history[1].actor.keyId;
      expect(coordinatorKey).toMatch(UUID);
      expect(coordinatorKey).not.toBe(own.keyId);
      expect(history).toEqual([
        { at: NOW, actor: { type: "key", keyId: own.keyId, phone: null }, action: "created", from: null, to: "open", reason: null, details: null },
        {
          at: "2027-03-02T08:10:00.000Z",
          actor: { type: "key", keyId: coordinatorKey, phone: null },
          action: "assigned",
          from: "open",
          to: "assigned",
          reason: null,
          details: { interpreterId: first.id },
        },
        {
          at: "2027-03-02T09:20:00.000Z",
          actor: { type: "key", keyId: coordinatorKey, phone: null },
          action: "interpreter_cancelled",
          from: "assigned",
          to: "open",
          reason: "krank",
          details: { interpreterId: first.id, late: true },
        },
        {
          at: "2027-03-02T09:30:00.000Z",
          actor: { type: "key", keyId: coordinatorKey, phone: null },
          action: "assigned",
          from: "open",
          to: "assigned",
          reason: null,
          details: { interpreterId: second.id },
        },
        {
          at: "2027-03-03T09:05:00.000Z",
          actor: { type: "key", keyId: own.keyId, phone: null },
          action: "completed",
          from: "assigned",
          to: "completed",
          reason: "niemand erschienen",
          details: { outcome: "client_no_show" },
        },
      ]);
    });
  });

  describe("visibility", () => {
    it("shows requesters their own organisation's bookings only", async () => {
      const mine = await requester();
      const theirs = await requester();
      const myBooking = await book(mine.client, minimal(undefined));
      const theirBooking = await book(theirs.client, minimal(undefined));

      const myList = await mine.client.get("/v1/bookings?limit=200");
      expect(myList.status).toBe(200);
      expect(myList.body.items.map((item: { id: string }) => item.id)).toEqual([myBooking.id]);
      expect(await listIds(`organisationId=${theirs.organisationId}`, mine.client)).toEqual([]);
      expect(await listIds(`language=${LANGUAGE}`, mine.client)).toEqual([myBooking.id]);

      expectError(await mine.client.get(`/v1/bookings/${theirBooking.id}`), 404, "NOT_FOUND");
      expectError(await mine.client.post(`/v1/bookings/${theirBooking.id}/cancel`, { reason: "x" }), 404, "NOT_FOUND");
      expect((await read(theirBooking.id)).status).toBe("open");

      // Coordinators see both.
      expect(await listIds(`organisationId=${mine.organisationId}`)).toEqual([myBooking.id]);
      expect(await listIds(`organisationId=${theirs.organisationId}`)).toEqual([theirBooking.id]);
    });

    it("shows requesters the assigned interpreter's name but not the phone", async () => {
      const own = await requester();
      const person = await interpreter();
      const booking = await book(own.client, minimal(undefined));
      const assigned = await assign(booking.id, person.id);
      expect(assigned.interpreter).toEqual({ id: person.id, name: person.name, phone: person.phone });

      const seen = await read(booking.id, own.client);
      expect(seen.interpreterId).toBe(person.id);
      expect(seen.interpreter).toEqual({ id: person.id, name: person.name });
      const listed = await own.client.get("/v1/bookings");
      expect(listed.body.items[0].interpreter).toEqual({ id: person.id, name: person.name });
      expect(JSON.stringify(listed.body)).not.toContain(person.phone);
    });

    it("shows requesters the phone when the pool shares it", async () => {
      const sharing = await createTestContext({ config: { SHARE_INTERPRETER_PHONE: "true" }, ...(privateDb ? { deps: { db: privateDb.db } } : {}) });
      sharing.clock.set(NOW);
      const own = await sharing.newRequester();
      organisationsToClean.push(own.organisationId);
      const person = await interpreter();
      const booking = await book(own.client, minimal(undefined));
      const response = await sharing.coordinator.post(`/v1/bookings/${booking.id}/assign`, { interpreterId: person.id });
      expect(response.status, JSON.stringify(response.body)).toBe(200);

      const seen = await own.client.get(`/v1/bookings/${booking.id}`);
      expect(seen.body.interpreter).toEqual({ id: person.id, name: person.name, phone: person.phone });
      // Finance still gets no phone.
      expect((await sharing.finance.get(`/v1/bookings/${booking.id}`)).body.interpreter).toEqual({ id: person.id, name: person.name });
    });

    it("lets finance read bookings without case and contact details, and change nothing", async () => {
      const org = await organisation();
      const person = await interpreter();
      const booking = await book(
        ctx.coordinator,
        minimal(org.id, { caseReference: "AZ-1", contactName: "Herr Meyer", contactPhone: "02421 999", notes: "vertraulich" }),
      );

      const seen = await ctx.finance.get(`/v1/bookings/${booking.id}`);
      expect(seen.status).toBe(200);
      for (const field of ["caseReference", "contactName", "contactPhone", "notes"]) expect(seen.body).not.toHaveProperty(field);
      expect(seen.body).toMatchObject({ id: booking.id, code: booking.code, status: "open", organisationId: org.id });
      expect(seen.body.history).toHaveLength(1);
      const listed = await ctx.finance.get(`/v1/bookings?organisationId=${org.id}`);
      expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([booking.id]);
      expect(JSON.stringify(listed.body)).not.toContain("vertraulich");
      expect(JSON.stringify(listed.body)).not.toContain("Herr Meyer");

      expectError(await ctx.finance.post(`/v1/bookings/${booking.id}/assign`, { interpreterId: person.id }), 403, "FORBIDDEN");
      expectError(await ctx.finance.post(`/v1/bookings/${booking.id}/cancel`, { reason: "x" }), 403, "FORBIDDEN");
      expectError(await ctx.finance.post(`/v1/bookings/${booking.id}/complete`, { outcome: "done" }), 403, "FORBIDDEN");
      expect((await read(booking.id)).history.map((entry: { action: string }) => entry.action)).toEqual(["created"]);

      // Coordinators see the details.
      expect(await read(booking.id)).toMatchObject({ caseReference: "AZ-1", contactName: "Herr Meyer", contactPhone: "02421 999", notes: "vertraulich" });
    });

    it("refuses callers without a key", async () => {
      expectError(await ctx.anonymous.get("/v1/bookings"), 401, "UNAUTHORIZED");
      expectError(await ctx.anonymous.get(`/v1/bookings/${randomUUID()}`), 401, "UNAUTHORIZED");
    });
  });

  describe("lifecycle", () => {
    it("assigns an interpreter who speaks the language, offers the mode and has a covering slot, then completes after the start", async () => {
      const org = await organisation();
      // Wednesday 10:00–11:00, covered by Wednesday 08:00–12:00.
      const person = await interpreter({ weekly: [{ weekday: 3, from: "08:00", to: "12:00" }], overrides: { modes: ["phone"] } });
      const booking = await book(ctx.coordinator, minimal(org.id, { startsAt: local("2027-03-03", "10:00") }));

      ctx.clock.set("2027-03-02T09:00:00Z");
      const assigned = await ctx.coordinator.post(`/v1/bookings/${booking.id}/assign`, { interpreterId: person.id });
      expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
      expect(assigned.body).toMatchObject({
        id: booking.id,
        status: "assigned",
        interpreterId: person.id,
        interpreter: { id: person.id, name: person.name, phone: person.phone },
        assignedAt: "2027-03-02T09:00:00.000Z",
      });

      // Not before the start.
      ctx.clock.set("2027-03-03T08:59:00Z");
      const early = await ctx.coordinator.post(`/v1/bookings/${booking.id}/complete`, { outcome: "done" });
      expectError(early, 409, "INVALID_TRANSITION");
      expect(early.body.error.details).toEqual({ from: "assigned", to: "completed" });
      expect((await read(booking.id)).status).toBe("assigned");

      ctx.clock.set("2027-03-03T10:30:00Z");
      const completed = await ctx.coordinator.post(`/v1/bookings/${booking.id}/complete`, {
        outcome: "done",
        actualStartsAt: local("2027-03-03", "10:05"),
        actualMinutes: 55,
        travelKm: 12,
        note: "gut gelaufen",
      });
      expect(completed.status, JSON.stringify(completed.body)).toBe(200);
      expect(completed.body).toMatchObject({
        status: "completed",
        interpreterId: person.id,
        completion: {
          at: "2027-03-03T10:30:00.000Z",
          outcome: "done",
          actualStartsAt: "2027-03-03T09:05:00.000Z",
          actualMinutes: 55,
          travelKm: 12,
          note: "gut gelaufen",
        },
        cancellation: null,
      });

      // A completed booking stays completed.
      expectError(await ctx.coordinator.post(`/v1/bookings/${booking.id}/cancel`, { reason: "zu spät" }), 409, "INVALID_TRANSITION");
      expectError(await ctx.coordinator.post(`/v1/bookings/${booking.id}/complete`, { outcome: "done" }), 409, "INVALID_TRANSITION");
      expectError(await ctx.coordinator.post(`/v1/bookings/${booking.id}/assign`, { interpreterId: person.id }), 409, "INVALID_TRANSITION");
      expect((await read(booking.id)).history.map((entry: { action: string }) => entry.action)).toEqual(["created", "assigned", "completed"]);
    });

    it("does not complete an open booking", async () => {
      const org = await organisation();
      const booking = await book(ctx.coordinator, minimal(org.id, { startsAt: local("2027-03-02", "10:00") }));
      ctx.clock.set("2027-03-02T09:30:00Z");
      const response = await ctx.coordinator.post(`/v1/bookings/${booking.id}/complete`, { outcome: "done" });
      expectError(response, 409, "INVALID_TRANSITION");
      expect(response.body.error.details).toEqual({ from: "open", to: "completed" });
    });

    it("validates the completion", async () => {
      const org = await organisation();
      const booking = await book(ctx.coordinator, minimal(org.id));
      expectValidationError(await ctx.coordinator.post(`/v1/bookings/${booking.id}/complete`, { outcome: "great" }), ["outcome"]);
      expectValidationError(await ctx.coordinator.post(`/v1/bookings/${booking.id}/complete`, { outcome: "done", actualMinutes: -1 }), [
        "actualMinutes",
      ]);
    });

    it("records a requester's cancellation more than 24 hours ahead as not late", async () => {
      const own = await requester();
      const booking = await book(own.client, minimal(undefined, { startsAt: local("2027-03-05", "10:00") }));
      const response = await own.client.post(`/v1/bookings/${booking.id}/cancel`, { reason: "Termin entfällt" });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toMatchObject({
        status: "cancelled",
        cancellation: { at: NOW, by: "requester", reason: "Termin entfällt", late: false },
      });
      const { history } = await read(booking.id);
      expect(history[1]).toEqual({
        at: NOW,
        actor: { type: "key", keyId: own.keyId, phone: null },
        action: "cancelled",
        from: "open",
        to: "cancelled",
        reason: "Termin entfällt",
        details: { cancelledBy: "requester", late: false },
      });
    });

    it("records a cancellation less than 24 hours ahead as late (exactly 24 hours is not late)", async () => {
      const own = await requester();
      const start = local("2027-03-05", "10:00");
      const late = await book(own.client, minimal(undefined, { startsAt: start }));
      const onTime = await book(own.client, minimal(undefined, { startsAt: start }));

      ctx.clock.set(new Date(new Date(start).getTime() - 24 * HOUR));
      const exactly = await own.client.post(`/v1/bookings/${onTime.id}/cancel`, { reason: "frühzeitig" });
      expect(exactly.status, JSON.stringify(exactly.body)).toBe(200);
      expect(exactly.body.cancellation).toMatchObject({ by: "requester", late: false });

      ctx.clock.set(new Date(new Date(start).getTime() - 24 * HOUR + 60_000));
      const response = await own.client.post(`/v1/bookings/${late.id}/cancel`, { reason: "kurzfristig" });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toMatchObject({
        status: "cancelled",
        cancellation: { at: "2027-03-04T09:01:00.000Z", by: "requester", reason: "kurzfristig", late: true },
      });
    });

    it("puts an assigned booking back to open when its interpreter cancels", async () => {
      const org = await organisation();
      const first = await interpreter();
      const second = await interpreter();
      const booking = await book(ctx.coordinator, minimal(org.id, { startsAt: local("2027-03-09", "10:00") }));
      await assign(booking.id, first.id);

      const response = await ctx.coordinator.post(`/v1/bookings/${booking.id}/cancel`, { reason: "krank", cancelledBy: "interpreter" });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toMatchObject({ status: "open", interpreterId: null, interpreter: null, assignedAt: null, cancellation: null });
      const last = (await read(booking.id)).history.at(-1);
      expect(last).toMatchObject({
        action: "interpreter_cancelled",
        from: "assigned",
        to: "open",
        reason: "krank",
        details: { interpreterId: first.id, late: false },
      });
      // The code still belongs to the booking, and it can be assigned again, to someone else or the same person.
      expect(response.body.code).toBe(booking.code);
      expect(await listIds(`interpreterId=${first.id}`)).toEqual([]);
      expect((await assign(booking.id, second.id)).interpreterId).toBe(second.id);
      expect((await ctx.coordinator.post(`/v1/bookings/${booking.id}/cancel`, { reason: "doch nicht", cancelledBy: "interpreter" })).status).toBe(200);
      expect((await assign(booking.id, first.id)).interpreterId).toBe(first.id);
    });

    it("refuses an interpreter's cancellation when nobody is assigned", async () => {
      const org = await organisation();
      const booking = await book(ctx.coordinator, minimal(org.id));
      const response = await ctx.coordinator.post(`/v1/bookings/${booking.id}/cancel`, { reason: "x", cancelledBy: "interpreter" });
      expectError(response, 409, "INVALID_TRANSITION");
      expect((await read(booking.id)).status).toBe("open");
    });

    it("refuses to cancel a cancelled booking or to assign an assigned one", async () => {
      const org = await organisation();
      const person = await interpreter();
      const other = await interpreter();

      const cancelled = await book(ctx.coordinator, minimal(org.id));
      expect((await ctx.coordinator.post(`/v1/bookings/${cancelled.id}/cancel`, { reason: "erst" })).body.cancellation.by).toBe("coordinator");
      const again = await ctx.coordinator.post(`/v1/bookings/${cancelled.id}/cancel`, { reason: "zweit" });
      expectError(again, 409, "INVALID_TRANSITION");
      expect(again.body.error.details).toEqual({ from: "cancelled", to: "cancelled" });
      expectError(await ctx.coordinator.post(`/v1/bookings/${cancelled.id}/assign`, { interpreterId: person.id }), 409, "INVALID_TRANSITION");
      expect((await read(cancelled.id)).cancellation.reason).toBe("erst");

      const assigned = await book(ctx.coordinator, minimal(org.id, { startsAt: local("2027-03-12", "10:00") }));
      await assign(assigned.id, person.id);
      for (const interpreterId of [other.id, person.id]) {
        const response = await ctx.coordinator.post(`/v1/bookings/${assigned.id}/assign`, { interpreterId });
        expectError(response, 409, "INVALID_TRANSITION");
        expect(response.body.error.details).toEqual({ from: "assigned", to: "assigned" });
      }
      expect((await read(assigned.id)).interpreterId).toBe(person.id);
    });

    it("lets requesters cancel only as requester", async () => {
      const own = await requester();
      const person = await interpreter();
      const booking = await book(own.client, minimal(undefined));
      await assign(booking.id, person.id);
      for (const cancelledBy of ["coordinator", "interpreter"]) {
        expectError(await own.client.post(`/v1/bookings/${booking.id}/cancel`, { reason: "x", cancelledBy }), 403, "FORBIDDEN");
      }
      expect((await read(booking.id)).status).toBe("assigned");
      const response = await own.client.post(`/v1/bookings/${booking.id}/cancel`, { reason: "doch nicht", cancelledBy: "requester" });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: "cancelled", cancellation: { by: "requester" } });
    });

    it("validates cancellations and answers 404 for unknown bookings", async () => {
      const org = await organisation();
      const booking = await book(ctx.coordinator, minimal(org.id));
      expectValidationError(await ctx.coordinator.post(`/v1/bookings/${booking.id}/cancel`, {}), ["reason"]);
      expectValidationError(await ctx.coordinator.post(`/v1/bookings/${booking.id}/cancel`, { reason: "x", cancelledBy: "finance" }), ["cancelledBy"]);
      expect((await read(booking.id)).status).toBe("open");
      expectError(await ctx.coordinator.post(`/v1/bookings/${randomUUID()}/cancel`, { reason: "x" }), 404, "NOT_FOUND");
      expectError(await ctx.coordinator.post(`/v1/bookings/${randomUUID()}/complete`, { outcome: "done" }), 404, "NOT_FOUND");
    });
  });

  describe("POST /v1/dispatch/tick", () => {
    it("marks an open booking whose start passed as unfilled, once, and leaves the others alone", async () => {
      // See the time plan at the top: this tick runs in February 2026.
      ctx.clock.set("2026-02-10T08:00:00Z");
      const org = await organisation();
      const person = await interpreter();
      const held = await book(ctx.coordinator, minimal(org.id, { startsAt: local("2026-02-10", "10:00") }));
      const dropped = await book(ctx.coordinator, minimal(org.id, { startsAt: local("2026-02-10", "09:30") }));
      await assign(held.id, person.id);
      expect((await ctx.coordinator.post(`/v1/bookings/${dropped.id}/cancel`, { reason: "entfällt" })).status).toBe(200);
      const later = await book(ctx.coordinator, minimal(org.id, { startsAt: local("2026-02-10", "10:02") }));
      const due = await book(ctx.coordinator, minimal(org.id, { startsAt: local("2026-02-10", "10:00") }));

      ctx.clock.set("2026-02-10T09:01:00Z");
      const tick = await ctx.coordinator.post("/v1/dispatch/tick");
      expect(tick.status, JSON.stringify(tick.body)).toBe(200);
      expect(tick.body).toMatchObject({ unfilled: expect.any(Number) });
      expect(tick.body.unfilled).toBeGreaterThanOrEqual(1);

      const unfilled = await read(due.id);
      expect(unfilled.status).toBe("unfilled");
      expect(unfilled.history).toHaveLength(2);
      expect(unfilled.history[1]).toEqual({
        at: "2026-02-10T09:01:00.000Z",
        actor: { type: "system", keyId: null, phone: null },
        action: "unfilled",
        from: "open",
        to: "unfilled",
        reason: expect.any(String),
        details: null,
      });
      // A booking that has not started, and assigned and cancelled ones, are not the tick's business.
      expect((await read(later.id)).status).toBe("open");
      expect((await read(held.id)).status).toBe("assigned");
      expect((await read(dropped.id)).status).toBe("cancelled");
      expect((await ctx.coordinator.post(`/v1/bookings/${later.id}/cancel`, { reason: "Testende" })).status).toBe(200);

      ctx.clock.set("2026-02-10T10:00:00Z");
      const second = await ctx.coordinator.post("/v1/dispatch/tick");
      expect(second.status).toBe(200);
      const after = await read(due.id);
      expect(after.status).toBe("unfilled");
      expect(after.history).toEqual(unfilled.history);

      // An unfilled booking is final.
      expectError(await ctx.coordinator.post(`/v1/bookings/${due.id}/cancel`, { reason: "x" }), 409, "INVALID_TRANSITION");
      expectError(await ctx.coordinator.post(`/v1/bookings/${due.id}/assign`, { interpreterId: person.id }), 409, "INVALID_TRANSITION");
      expect((await read(due.id)).history).toHaveLength(2);
    });

    it("is for coordinators only", async () => {
      const own = await requester();
      expectError(await ctx.finance.post("/v1/dispatch/tick"), 403, "FORBIDDEN");
      expectError(await own.client.post("/v1/dispatch/tick"), 403, "FORBIDDEN");
      expectError(await ctx.anonymous.post("/v1/dispatch/tick"), 401, "UNAUTHORIZED");
    });
  });
});
