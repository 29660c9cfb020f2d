import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  byCode,
  newInterpreter,
  spacedInternational,
  toE164,
  uniqueMobile,
  uniqueToken,
  type ApiClient,
  type ApiResponse,
  type TestContext,
  createTestContext,
} from "../helpers/test-app";
import { expectValidationError } from "../helpers/assertions";

const IBAN_WITH_SPACES = "DE89 3704 0044 0532 0130 00";
const IBAN_ELECTRONIC = "DE89370400440532013000";

async function listAll(client: ApiClient, query: string): Promise<any[]> {
  const response = await client.get(`/v1/interpreters?${query}&limit=200`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect(response.body.nextCursor).toBeNull();
  return response.body.items;
}

describe("/v1/interpreters", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });

  describe("POST /v1/interpreters", () => {
    it("registers an interpreter with every field, normalising phone, IBAN, language codes and modes", async () => {
      ctx.clock.set("2026-11-24T09:15:00Z");
      const token = uniqueToken("full");
      const mobile = uniqueMobile();
      const response = await ctx.coordinator.post("/v1/interpreters", {
        name: `  Amina Haddad ${token}  `,
        phone: mobile,
        email: "amina.haddad@example.org",
        languages: [
          { code: "ara", dialect: "levantinisch", level: "native" },
          { code: "apc", level: "fluent" },
          { code: "DEU", dialect: null, level: "fluent" },
        ],
        gender: "female",
        qualification: "certified",
        trainings: [
          { title: "Traumasensibles Dolmetschen", date: "2026-05-02" },
          { title: "Grundlagen des Dolmetschens", date: "2025-03-14" },
        ],
        modes: ["onsite", "video", "onsite"],
        homePostcode: "52351",
        maxTravelKm: 30,
        maxAssignmentsPerMonth: 8,
        iban: IBAN_WITH_SPACES,
        smsConsent: true,
        active: true,
      });

      expect(response.status, JSON.stringify(response.body)).toBe(201);
      const body = response.body;
      expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(body).toMatchObject({
        name: `Amina Haddad ${token}`,
        phone: toE164(mobile),
        email: "amina.haddad@example.org",
        gender: "female",
        qualification: "certified",
        homePostcode: "52351",
        maxTravelKm: 30,
        maxAssignmentsPerMonth: 8,
        iban: IBAN_ELECTRONIC,
        smsConsent: true,
        smsConsentAt: "2026-11-24T09:15:00.000Z",
        active: true,
      });
      expect(body.phone).toMatch(/^\+49151\d{8}$/);
      expect(byCode(body.languages)).toEqual([
        { code: "apc", dialect: null, level: "fluent" },
        { code: "ar", dialect: "levantinisch", level: "native" },
        { code: "de", dialect: null, level: "fluent" },
      ]);
      // Trainings come back in date order.
      expect(body.trainings).toEqual([
        { title: "Grundlagen des Dolmetschens", date: "2025-03-14" },
        { title: "Traumasensibles Dolmetschen", date: "2026-05-02" },
      ]);
      expect(body.modes).toEqual(["onsite", "video"]);
      expect(Date.parse(body.createdAt)).not.toBeNaN();
      expect(Date.parse(body.updatedAt)).not.toBeNaN();

      const read = await ctx.coordinator.get(`/v1/interpreters/${body.id}`);
      expect(read.status).toBe(200);
      expect({ ...read.body, languages: byCode(read.body.languages) }).toEqual({ ...body, languages: byCode(body.languages) });
    });

    it("fills defaults for the optional fields and keeps no consent time without consent", async () => {
      const token = uniqueToken("min");
      const mobile = uniqueMobile();
      const response = await ctx.coordinator.post("/v1/interpreters", {
        name: `Minimal ${token}`,
        phone: mobile,
        languages: [{ code: "tr", level: "fluent" }],
      });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      expect(response.body).toMatchObject({
        name: `Minimal ${token}`,
        phone: toE164(mobile),
        email: null,
        languages: [{ code: "tr", dialect: null, level: "fluent" }],
        gender: null,
        qualification: "volunteer",
        trainings: [],
        modes: ["onsite"],
        homePostcode: null,
        maxTravelKm: null,
        maxAssignmentsPerMonth: null,
        iban: null,
        smsConsent: false,
        smsConsentAt: null,
        active: true,
      });
    });

    it("accepts the same language with different dialects", async () => {
      const created = await newInterpreter(ctx.coordinator, {
        languages: [
          { code: "ar", dialect: "levantinisch", level: "native" },
          { code: "ar", dialect: "irakisch", level: "basic" },
        ],
      });
      expect(byCode(created.languages)).toEqual([
        { code: "ar", dialect: "irakisch", level: "basic" },
        { code: "ar", dialect: "levantinisch", level: "native" },
      ]);
    });

    const invalidBodies: { name: string; body: Record<string, unknown>; path: (string | number)[]; message?: RegExp }[] = [
      { name: "an unknown language code", body: { languages: [{ code: "xx", level: "native" }] }, path: ["languages", 0, "code"], message: /ISO 639/ },
      { name: "no languages", body: { languages: [] }, path: ["languages"], message: /language/i },
      {
        name: "the same language and dialect twice (639-3 code and other case)",
        body: {
          languages: [
            { code: "ar", dialect: "Levantinisch", level: "native" },
            { code: "ara", dialect: "levantinisch", level: "fluent" },
          ],
        },
        path: ["languages", 1],
        message: /twice/,
      },
      { name: "an invalid phone number", body: { phone: "12345" }, path: ["phone"], message: /valid phone/ },
      { name: "a landline number", body: { phone: "02421 12345" }, path: ["phone"], message: /landline/ },
      { name: "an IBAN with a bad checksum", body: { iban: "DE88 3704 0044 0532 0130 00" }, path: ["iban"], message: /IBAN/ },
      { name: "a postcode without five digits", body: { homePostcode: "5235" }, path: ["homePostcode"], message: /five digits/ },
      { name: "an unknown level", body: { languages: [{ code: "ar", level: "expert" }] }, path: ["languages", 0, "level"] },
      { name: "an unknown gender", body: { gender: "unknown" }, path: ["gender"] },
      { name: "an unknown qualification", body: { qualification: "expert" }, path: ["qualification"] },
      { name: "an unknown mode", body: { modes: ["onsite", "teleport"] }, path: ["modes", 1] },
      { name: "no modes", body: { modes: [] }, path: ["modes"] },
      { name: "a negative maxTravelKm", body: { maxTravelKm: -1 }, path: ["maxTravelKm"] },
      { name: "a fractional maxAssignmentsPerMonth", body: { maxAssignmentsPerMonth: 2.5 }, path: ["maxAssignmentsPerMonth"] },
      { name: "an invalid training date", body: { trainings: [{ title: "Kurs", date: "14.03.2026" }] }, path: ["trainings", 0, "date"] },
      { name: "an empty name", body: { name: "   " }, path: ["name"] },
      { name: "an invalid email", body: { email: "not-an-email" }, path: ["email"] },
      { name: "an unknown field", body: { nickname: "Mina" }, path: [], message: /nickname/ },
      { name: "an unknown field in a language", body: { languages: [{ code: "ar", level: "native", years: 3 }] }, path: ["languages", 0], message: /years/ },
    ];

    it.each(invalidBodies)("answers 422 with details for $name and stores nothing", async ({ body, path, message }) => {
      const token = uniqueToken("bad");
      const response = await ctx.coordinator.post("/v1/interpreters", {
        name: `Invalid ${token}`,
        phone: uniqueMobile(),
        languages: [{ code: "ar", level: "native" }],
        ...body,
      });
      expectValidationError(response, path, message);
      expect(await listAll(ctx.coordinator, `q=${token}`)).toEqual([]);
    });

    it("reports every problem of a body at once", async () => {
      const response = await ctx.coordinator.post("/v1/interpreters", {
        name: `Many ${uniqueToken()}`,
        phone: "02421 12345",
        languages: [{ code: "xx", level: "native" }],
        iban: "DE00 1234",
      });
      expectValidationError(response, ["phone"]);
      expectValidationError(response, ["languages", 0, "code"]);
      expectValidationError(response, ["iban"]);
    });

    it("answers 409 for a phone number already registered, however it is written", async () => {
      const mobile = uniqueMobile();
      const first = await newInterpreter(ctx.coordinator, { phone: mobile });
      expect(first.phone).toBe(toE164(mobile));

      const token = uniqueToken("dup");
      for (const notation of [spacedInternational(mobile), toE164(mobile), mobile.replace(" ", "/")]) {
        const response = await ctx.coordinator.post("/v1/interpreters", {
          name: `Duplicate ${token}`,
          phone: notation,
          languages: [{ code: "fa", level: "native" }],
        });
        expect(response.status, `${notation}: ${JSON.stringify(response.body)}`).toBe(409);
        expect(response.body.error.code).toBe("CONFLICT");
        expect(response.body.error.details).toEqual([expect.objectContaining({ path: ["phone"], message: expect.any(String) })]);
      }
      expect(await listAll(ctx.coordinator, `q=${token}`)).toEqual([]);
    });

    it("answers 400 for malformed JSON", async () => {
      const response = await ctx.coordinator.request("POST", "/v1/interpreters", {
        rawBody: '{"name": "Amina", "phone": ',
        headers: { "content-type": "application/json" },
      });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe("MALFORMED_JSON");
    });

    it("answers 415 for a body that is not sent as JSON", async () => {
      const token = uniqueToken("ct");
      const body = JSON.stringify({ name: `Content ${token}`, phone: uniqueMobile(), languages: [{ code: "ar", level: "native" }] });
      for (const headers of [{ "content-type": "text/plain" }, { "content-type": "application/x-www-form-urlencoded" }, { "content-type": "text/csv" }]) {
        const response = await ctx.coordinator.request("POST", "/v1/interpreters", { rawBody: body, headers });
        expect(response.status, JSON.stringify(headers)).toBe(415);
        expect(response.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
      }
      expect(await listAll(ctx.coordinator, `q=${token}`)).toEqual([]);
    });
  });

  describe("GET /v1/interpreters/{id}", () => {
    it("answers 404 for an unknown or malformed id", async () => {
      for (const id of [randomUUID(), "not-a-uuid", "123"]) {
        const response = await ctx.coordinator.get(`/v1/interpreters/${id}`);
        expect(response.status, id).toBe(404);
        expect(response.body.error.code).toBe("NOT_FOUND");
      }
    });
  });

  describe("PATCH /v1/interpreters/{id}", () => {
    it("replaces languages and trainings as a whole and keeps what is not sent", async () => {
      const created = await newInterpreter(ctx.coordinator, {
        languages: [
          { code: "ar", dialect: "levantinisch", level: "native" },
          { code: "de", level: "fluent" },
        ],
        trainings: [
          { title: "Grundkurs", date: "2026-03-14" },
          { title: "Trauma", date: "2026-05-02" },
        ],
      });

      const languagesOnly = await ctx.coordinator.patch(`/v1/interpreters/${created.id}`, {
        languages: [{ code: "tur", dialect: "Kurmanci-nah", level: "basic" }],
      });
      expect(languagesOnly.status, JSON.stringify(languagesOnly.body)).toBe(200);
      expect(languagesOnly.body.languages).toEqual([{ code: "tr", dialect: "Kurmanci-nah", level: "basic" }]);
      expect(languagesOnly.body.trainings).toEqual([
        { title: "Grundkurs", date: "2026-03-14" },
        { title: "Trauma", date: "2026-05-02" },
      ]);
      expect(languagesOnly.body).toMatchObject({
        name: created.name,
        phone: created.phone,
        iban: created.iban,
        modes: created.modes,
        qualification: created.qualification,
      });

      const trainingsOnly = await ctx.coordinator.patch(`/v1/interpreters/${created.id}`, {
        trainings: [{ title: "Aufbaukurs", date: "2026-10-01" }],
      });
      expect(trainingsOnly.status).toBe(200);
      expect(trainingsOnly.body.trainings).toEqual([{ title: "Aufbaukurs", date: "2026-10-01" }]);
      expect(trainingsOnly.body.languages).toEqual([{ code: "tr", dialect: "Kurmanci-nah", level: "basic" }]);

      const cleared = await ctx.coordinator.patch(`/v1/interpreters/${created.id}`, { trainings: [] });
      expect(cleared.status).toBe(200);
      expect(cleared.body.trainings).toEqual([]);

      const read = await ctx.coordinator.get(`/v1/interpreters/${created.id}`);
      expect(read.body.languages).toEqual([{ code: "tr", dialect: "Kurmanci-nah", level: "basic" }]);
      expect(read.body.trainings).toEqual([]);
    });

    it("changes scalar fields, clears nullable ones and normalises the new phone and IBAN", async () => {
      const created = await newInterpreter(ctx.coordinator, {
        email: "old@example.org",
        gender: "male",
        maxTravelKm: 20,
        maxAssignmentsPerMonth: 4,
      });
      const token = uniqueToken("renamed");
      const mobile = uniqueMobile();
      const response = await ctx.coordinator.patch(`/v1/interpreters/${created.id}`, {
        name: `Renamed ${token}`,
        phone: spacedInternational(mobile),
        email: null,
        gender: null,
        qualification: "certified",
        modes: ["video", "video", "phone"],
        homePostcode: "52062",
        maxTravelKm: null,
        maxAssignmentsPerMonth: 12,
        iban: "de44 5001 0517 5407 3249 31",
        active: false,
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body).toMatchObject({
        id: created.id,
        name: `Renamed ${token}`,
        phone: toE164(mobile),
        email: null,
        gender: null,
        qualification: "certified",
        modes: ["video", "phone"],
        homePostcode: "52062",
        maxTravelKm: null,
        maxAssignmentsPerMonth: 12,
        iban: "DE44500105175407324931",
        active: false,
        languages: created.languages,
      });
      const read = await ctx.coordinator.get(`/v1/interpreters/${created.id}`);
      expect(read.body).toEqual(response.body);
    });

    it("keeps the consent time while consent stays given, clears it on withdrawal and sets it anew", async () => {
      ctx.clock.set("2026-11-24T10:00:00Z");
      const created = await newInterpreter(ctx.coordinator, { smsConsent: true });
      expect(created.smsConsent).toBe(true);
      expect(created.smsConsentAt).toBe("2026-11-24T10:00:00.000Z");

      ctx.clock.advance(3 * 24 * 3600_000);
      const stillTrue = await ctx.coordinator.patch(`/v1/interpreters/${created.id}`, { smsConsent: true, name: created.name });
      expect(stillTrue.status).toBe(200);
      expect(stillTrue.body.smsConsent).toBe(true);
      expect(stillTrue.body.smsConsentAt).toBe("2026-11-24T10:00:00.000Z");

      const untouched = await ctx.coordinator.patch(`/v1/interpreters/${created.id}`, { maxTravelKm: 5 });
      expect(untouched.body.smsConsentAt).toBe("2026-11-24T10:00:00.000Z");

      const withdrawn = await ctx.coordinator.patch(`/v1/interpreters/${created.id}`, { smsConsent: false });
      expect(withdrawn.status).toBe(200);
      expect(withdrawn.body.smsConsent).toBe(false);
      expect(withdrawn.body.smsConsentAt).toBeNull();
      expect((await ctx.coordinator.get(`/v1/interpreters/${created.id}`)).body.smsConsentAt).toBeNull();

      ctx.clock.set("2026-12-01T07:30:00Z");
      const givenAgain = await ctx.coordinator.patch(`/v1/interpreters/${created.id}`, { smsConsent: true });
      expect(givenAgain.body.smsConsent).toBe(true);
      expect(givenAgain.body.smsConsentAt).toBe("2026-12-01T07:30:00.000Z");
    });

    it("lets an interpreter keep their own number written differently", async () => {
      const mobile = uniqueMobile();
      const created = await newInterpreter(ctx.coordinator, { phone: mobile });
      const response = await ctx.coordinator.patch(`/v1/interpreters/${created.id}`, { phone: spacedInternational(mobile) });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body.phone).toBe(toE164(mobile));
    });

    it("answers 409 when the new phone number belongs to someone else, and changes nothing", async () => {
      const takenMobile = uniqueMobile();
      await newInterpreter(ctx.coordinator, { phone: takenMobile });
      const other = await newInterpreter(ctx.coordinator);

      const response = await ctx.coordinator.patch(`/v1/interpreters/${other.id}`, {
        phone: spacedInternational(takenMobile),
        languages: [{ code: "ru", level: "basic" }],
      });
      expect(response.status, JSON.stringify(response.body)).toBe(409);
      expect(response.body.error.code).toBe("CONFLICT");
      expect(response.body.error.details).toEqual([expect.objectContaining({ path: ["phone"] })]);

      const read = await ctx.coordinator.get(`/v1/interpreters/${other.id}`);
      expect(read.body.phone).toBe(other.phone);
      expect(read.body.languages).toEqual(other.languages);
    });

    it("answers 422 with details for invalid changes and keeps the interpreter as it was", async () => {
      const created = await newInterpreter(ctx.coordinator);
      const cases: { body: Record<string, unknown>; path: (string | number)[] }[] = [
        { body: { languages: [] }, path: ["languages"] },
        { body: { languages: [{ code: "qqq", level: "native" }] }, path: ["languages", 0, "code"] },
        { body: { phone: "02421 12345" }, path: ["phone"] },
        { body: { iban: "DE89 3704 0044 0532 0130 01" }, path: ["iban"] },
        { body: { maxTravelKm: -5 }, path: ["maxTravelKm"] },
        { body: { homePostcode: "ABCDE" }, path: ["homePostcode"] },
        { body: { active: "yes" }, path: ["active"] },
        { body: { smsConsentAt: "2026-01-01T00:00:00Z" }, path: [] },
      ];
      for (const { body, path } of cases) {
        expectValidationError(await ctx.coordinator.patch(`/v1/interpreters/${created.id}`, body), path);
      }
      expect((await ctx.coordinator.get(`/v1/interpreters/${created.id}`)).body).toEqual(created);
    });

    it("answers 404 for an unknown or malformed id", async () => {
      for (const id of [randomUUID(), "not-a-uuid"]) {
        const response = await ctx.coordinator.patch(`/v1/interpreters/${id}`, { active: false });
        expect(response.status, id).toBe(404);
        expect(response.body.error.code).toBe("NOT_FOUND");
      }
    });

    it("answers 400 for malformed JSON and 415 for another content type", async () => {
      const created = await newInterpreter(ctx.coordinator);
      const malformed = await ctx.coordinator.request("PATCH", `/v1/interpreters/${created.id}`, {
        rawBody: "{active: false}",
        headers: { "content-type": "application/json" },
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe("MALFORMED_JSON");

      const wrongType = await ctx.coordinator.request("PATCH", `/v1/interpreters/${created.id}`, {
        rawBody: JSON.stringify({ active: false }),
        headers: { "content-type": "text/plain" },
      });
      expect(wrongType.status).toBe(415);
      expect(wrongType.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
      expect((await ctx.coordinator.get(`/v1/interpreters/${created.id}`)).body.active).toBe(true);
    });
  });

  describe("GET /v1/interpreters (list)", () => {
    let token: string;
    let levantine: any;
    let iraqi: any;
    let northLevantine: any;
    let persian: any;

    beforeAll(async () => {
      token = uniqueToken("list");
      levantine = await newInterpreter(ctx.coordinator, {
        name: `Levantine ${token}`,
        languages: [{ code: "ar", dialect: "Levantinisch", level: "native" }],
        qualification: "trained",
        modes: ["onsite", "phone"],
        active: true,
      });
      iraqi = await newInterpreter(ctx.coordinator, {
        name: `Iraqi ${token}`,
        languages: [
          { code: "ara", dialect: "irakisch", level: "fluent" },
          { code: "de", level: "fluent" },
        ],
        qualification: "certified",
        modes: ["video"],
        active: true,
      });
      northLevantine = await newInterpreter(ctx.coordinator, {
        name: `North Levantine ${token}`,
        languages: [{ code: "apc", dialect: "levantinisch", level: "native" }],
        qualification: "volunteer",
        modes: ["phone"],
        active: false,
      });
      persian = await newInterpreter(ctx.coordinator, {
        name: `Persian ${token}`,
        languages: [{ code: "fa", dialect: "dari", level: "native" }],
        qualification: "trained",
        modes: ["onsite"],
        active: true,
      });
    });

    const names = (items: any[]) => items.map((item) => item.name.split(" ")[0]).sort();

    it("finds interpreters by part of the name, in any case", async () => {
      const items = await listAll(ctx.coordinator, `q=${token.toUpperCase()}`);
      expect(names(items)).toEqual(["Iraqi", "Levantine", "North", "Persian"]);
      const one = await listAll(ctx.coordinator, `q=${encodeURIComponent(`persian ${token}`)}`);
      expect(one.map((item) => item.id)).toEqual([persian.id]);
      // The full view, with contact data, for coordinators.
      expect(one[0]).toEqual(persian);
    });

    it("takes q literally: LIKE wildcards and backslashes are no patterns", async () => {
      const wild = uniqueToken("wild");
      const percent = await newInterpreter(ctx.coordinator, { name: `Wild ${wild} 50%_off` });
      const plain = await newInterpreter(ctx.coordinator, { name: `Wild ${wild} 50xyoff` });
      const slash = await newInterpreter(ctx.coordinator, { name: `Wild ${wild} back\\slash` });
      const ids = async (q: string) => (await listAll(ctx.coordinator, `q=${encodeURIComponent(q)}`)).map((item) => item.id);
      expect(await ids(`${wild} 50%_`)).toEqual([percent.id]);
      expect(await ids(`${wild} 50__off`)).toEqual([]);
      expect(await ids(`${wild}%off`)).toEqual([]);
      expect(await ids(`${wild} 50XY`)).toEqual([plain.id]);
      expect(await ids(`${wild} back\\s`)).toEqual([slash.id]);
      expect(await ids(`${wild} back\\\\s`)).toEqual([]);
      expect((await ids(wild)).sort()).toEqual([percent.id, plain.id, slash.id].sort());
    });

    it("filters by language, given as ISO 639-1 or 639-3 code", async () => {
      expect(names(await listAll(ctx.coordinator, `q=${token}&language=ar`))).toEqual(["Iraqi", "Levantine"]);
      expect(names(await listAll(ctx.coordinator, `q=${token}&language=ara`))).toEqual(["Iraqi", "Levantine"]);
      expect(names(await listAll(ctx.coordinator, `q=${token}&language=ARA`))).toEqual(["Iraqi", "Levantine"]);
      expect(names(await listAll(ctx.coordinator, `q=${token}&language=apc`))).toEqual(["North"]);
      expect(names(await listAll(ctx.coordinator, `q=${token}&language=deu`))).toEqual(["Iraqi"]);
      expect(names(await listAll(ctx.coordinator, `q=${token}&language=fas`))).toEqual(["Persian"]);
      expect(await listAll(ctx.coordinator, `q=${token}&language=tr`)).toEqual([]);
    });

    it("filters by dialect in any case, with or without a language", async () => {
      expect(names(await listAll(ctx.coordinator, `q=${token}&language=ar&dialect=LEVANTINISCH`))).toEqual(["Levantine"]);
      expect(names(await listAll(ctx.coordinator, `q=${token}&language=apc&dialect=Levantinisch`))).toEqual(["North"]);
      expect(names(await listAll(ctx.coordinator, `q=${token}&dialect=levantinisch`))).toEqual(["Levantine", "North"]);
      expect(names(await listAll(ctx.coordinator, `q=${token}&dialect=Irakisch`))).toEqual(["Iraqi"]);
      // Dialect and language must match on the same entry.
      expect(await listAll(ctx.coordinator, `q=${token}&language=de&dialect=irakisch`)).toEqual([]);
    });

    it("filters by qualification, mode and active, and combines filters", async () => {
      expect(names(await listAll(ctx.coordinator, `q=${token}&qualification=trained`))).toEqual(["Levantine", "Persian"]);
      expect(names(await listAll(ctx.coordinator, `q=${token}&qualification=certified`))).toEqual(["Iraqi"]);
      expect(names(await listAll(ctx.coordinator, `q=${token}&mode=phone`))).toEqual(["Levantine", "North"]);
      expect(names(await listAll(ctx.coordinator, `q=${token}&mode=video`))).toEqual(["Iraqi"]);
      expect(names(await listAll(ctx.coordinator, `q=${token}&active=false`))).toEqual(["North"]);
      expect(names(await listAll(ctx.coordinator, `q=${token}&active=true`))).toEqual(["Iraqi", "Levantine", "Persian"]);
      expect(names(await listAll(ctx.coordinator, `q=${token}&active=0`))).toEqual(["North"]);
      expect(names(await listAll(ctx.coordinator, `q=${token}&language=ar&mode=onsite`))).toEqual(["Levantine"]);
      expect(names(await listAll(ctx.coordinator, `q=${token}&mode=onsite&qualification=trained&active=true`))).toEqual([
        "Levantine",
        "Persian",
      ]);
    });

    it("pages with limit and cursor, in a stable order and without gaps or repeats", async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `q=${token}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const response: ApiResponse = await ctx.coordinator.get(`/v1/interpreters?${query}`);
        expect(response.status).toBe(200);
        pages += 1;
        expect(response.body.items.length).toBe(pages === 1 ? 3 : 1);
        seen.push(...response.body.items.map((item: any) => item.id));
        cursor = response.body.nextCursor;
        if (pages === 1) expect(cursor).toEqual(expect.any(String));
      } while (cursor && pages < 5);
      expect(pages).toBe(2);
      const all = [levantine.id, iraqi.id, northLevantine.id, persian.id];
      expect([...seen].sort()).toEqual([...all].sort());
      expect(new Set(seen).size).toBe(4);

      const exact = await ctx.coordinator.get(`/v1/interpreters?q=${token}&limit=4`);
      expect(exact.body.items).toHaveLength(4);
      expect(exact.body.nextCursor).toBeNull();
      expect(exact.body.items.map((item: any) => item.id)).toEqual(seen);
    });

    it("answers 422 for bad filters and paging parameters", async () => {
      const cases: [string, (string | number)[]][] = [
        ["language=xx", ["language"]],
        ["qualification=expert", ["qualification"]],
        ["mode=teleport", ["mode"]],
        ["active=maybe", ["active"]],
        ["limit=0", ["limit"]],
        ["limit=201", ["limit"]],
        ["limit=abc", ["limit"]],
        ["cursor=not-a-cursor", ["cursor"]],
      ];
      for (const [query, path] of cases) {
        expectValidationError(await ctx.coordinator.get(`/v1/interpreters?q=${token}&${query}`), path, { in: "query" });
      }
    });
  });

  describe("roles", () => {
    let created: any;
    let requester: ApiClient;
    beforeAll(async () => {
      created = await newInterpreter(ctx.coordinator, { name: `Role check ${uniqueToken("role")}`, iban: IBAN_WITH_SPACES });
      requester = (await ctx.newRequester()).client;
    });

    it("lets finance list and read interpreters with phone and IBAN", async () => {
      const read = await ctx.finance.get(`/v1/interpreters/${created.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created);
      expect(read.body.phone).toMatch(/^\+49/);
      expect(read.body.iban).toBe(IBAN_ELECTRONIC);

      const list = await ctx.finance.get(`/v1/interpreters?q=${encodeURIComponent(created.name)}`);
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([created]);
    });

    it("refuses finance to create or change interpreters", async () => {
      const token = uniqueToken("fin");
      const post = await ctx.finance.post("/v1/interpreters", {
        name: `Finance ${token}`,
        phone: uniqueMobile(),
        languages: [{ code: "ar", level: "native" }],
      });
      expect(post.status).toBe(403);
      expect(post.body.error.code).toBe("FORBIDDEN");

      const patch = await ctx.finance.patch(`/v1/interpreters/${created.id}`, { active: false });
      expect(patch.status).toBe(403);
      expect(patch.body.error.code).toBe("FORBIDDEN");

      expect(await listAll(ctx.coordinator, `q=${token}`)).toEqual([]);
      expect((await ctx.coordinator.get(`/v1/interpreters/${created.id}`)).body.active).toBe(true);
    });

    it("refuses requester keys on every interpreter route without revealing phone numbers or IBANs", async () => {
      const token = uniqueToken("req");
      const responses = [
        await requester.get("/v1/interpreters"),
        await requester.get(`/v1/interpreters?q=${encodeURIComponent(created.name)}`),
        await requester.get(`/v1/interpreters/${created.id}`),
        await requester.post("/v1/interpreters", { name: `Requester ${token}`, phone: uniqueMobile(), languages: [{ code: "ar", level: "native" }] }),
        await requester.patch(`/v1/interpreters/${created.id}`, { active: false }),
        await requester.request("POST", "/v1/interpreters/import", {
          rawBody: `name;phone;languages\nRequester ${token};${uniqueMobile()};ar: native\n`,
          headers: { "content-type": "text/csv" },
        }),
      ];
      const phoneDigits = created.phone.slice(3);
      for (const response of responses) {
        expect(response.status).toBe(403);
        expect(response.body.error.code).toBe("FORBIDDEN");
        const text = JSON.stringify(response.body);
        expect(text).not.toContain(phoneDigits);
        expect(text).not.toContain(IBAN_ELECTRONIC);
        expect(text).not.toContain(created.id);
      }
      expect(await listAll(ctx.coordinator, `q=${token}`)).toEqual([]);
      expect((await ctx.coordinator.get(`/v1/interpreters/${created.id}`)).body.active).toBe(true);
    });

    it("answers 401 without a key or with an unknown key", async () => {
      const clients = [ctx.anonymous, ctx.as("dp_thisKeyDoesNotExistAnywhere0000000000000000")];
      for (const client of clients) {
        const responses = [
          await client.get("/v1/interpreters"),
          await client.get(`/v1/interpreters/${created.id}`),
          await client.post("/v1/interpreters", { name: "Anonymous", phone: uniqueMobile(), languages: [{ code: "ar", level: "native" }] }),
          await client.patch(`/v1/interpreters/${created.id}`, { active: false }),
        ];
        for (const response of responses) {
          expect(response.status).toBe(401);
          expect(response.body.error.code).toBe("UNAUTHORIZED");
          expect(JSON.stringify(response.body)).not.toContain(created.phone.slice(3));
        }
      }
    });
  });
});
