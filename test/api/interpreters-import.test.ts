import { beforeAll, describe, expect, it } from "vitest";
import {
  byCode,
  createTestContext,
  spacedInternational,
  toE164,
  uniqueMobile,
  uniqueToken,
  type ApiClient,
  type ApiResponse,
  type TestContext,
} from "../helpers/test-app";
import type { Problem } from "../helpers/assertions";

const IBAN_ELECTRONIC = "DE89370400440532013000";
const OTHER_IBAN_ELECTRONIC = "DE44500105175407324931";

function importCsv(client: ApiClient, csv: string, options: { query?: string; contentType?: string } = {}): Promise<ApiResponse> {
  return client.request("POST", `/v1/interpreters/import${options.query ?? ""}`, {
    rawBody: csv,
    headers: { "content-type": options.contentType ?? "text/csv" },
  });
}

/** Every problem of a rejected import. */
function problemsOf(response: ApiResponse): Problem[] {
  expect(response.status, JSON.stringify(response.body)).toBe(422);
  expect(response.body.error.code).toBe("VALIDATION_FAILED");
  expect(Array.isArray(response.body.error.details)).toBe(true);
  return response.body.error.details;
}

describe("POST /v1/interpreters/import", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });

  async function byName(q: string): Promise<any[]> {
    const response = await ctx.coordinator.get(`/v1/interpreters?q=${encodeURIComponent(q)}&limit=200`);
    expect(response.status).toBe(200);
    return response.body.items;
  }

  async function read(id: string): Promise<any> {
    const response = await ctx.coordinator.get(`/v1/interpreters/${id}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  }

  it("imports a German Excel file: ';', BOM, CRLF, German column names and values", async () => {
    ctx.clock.set("2026-11-24T11:00:00Z");
    const token = uniqueToken("excel");
    const amina = uniqueMobile();
    const karim = uniqueMobile();
    const csv =
      "\uFEFF" +
      [
        "Name;Telefon;E-Mail;Sprachen;Geschlecht;Qualifikation;Schulungen;Einsatzarten;PLZ;Max km;Max Einsätze pro Monat;IBAN;SMS-Einwilligung;Aktiv",
        `Amina Haddad ${token};${amina};amina@example.org;ar (levantinisch): Muttersprache, de: fließend;weiblich;zertifiziert;Grundkurs (14.03.2026) | Trauma (2026-05-02);vor Ort|Telefon;52351;30;8;DE89 3704 0044 0532 0130 00;ja;ja`,
        `Karim Yousef ${token};${karim};;kmr (Kurmandschi): Muttersprache;männlich;geschult;;Telefon;52349;;;;nein;nein`,
      ].join("\r\n") +
      "\r\n";

    const response = await importCsv(ctx.coordinator, csv);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.created).toBe(2);
    expect(response.body.updated).toBe(0);
    expect(response.body.rows).toEqual([
      { row: 2, id: expect.stringMatching(/^[0-9a-f-]{36}$/), action: "created" },
      { row: 3, id: expect.stringMatching(/^[0-9a-f-]{36}$/), action: "created" },
    ]);

    const first = await read(response.body.rows[0].id);
    expect(first).toMatchObject({
      name: `Amina Haddad ${token}`,
      phone: toE164(amina),
      email: "amina@example.org",
      gender: "female",
      qualification: "certified",
      trainings: [
        { title: "Grundkurs", date: "2026-03-14" },
        { title: "Trauma", date: "2026-05-02" },
      ],
      modes: ["onsite", "phone"],
      homePostcode: "52351",
      maxTravelKm: 30,
      maxAssignmentsPerMonth: 8,
      iban: IBAN_ELECTRONIC,
      smsConsent: true,
      smsConsentAt: "2026-11-24T11:00:00.000Z",
      active: true,
    });
    expect(byCode(first.languages)).toEqual([
      { code: "ar", dialect: "levantinisch", level: "native" },
      { code: "de", dialect: null, level: "fluent" },
    ]);

    const second = await read(response.body.rows[1].id);
    expect(second).toMatchObject({
      name: `Karim Yousef ${token}`,
      phone: toE164(karim),
      email: null,
      languages: [{ code: "kmr", dialect: "Kurmandschi", level: "native" }],
      gender: "male",
      qualification: "trained",
      trainings: [],
      modes: ["phone"],
      homePostcode: "52349",
      maxTravelKm: null,
      maxAssignmentsPerMonth: null,
      iban: null,
      smsConsent: false,
      smsConsentAt: null,
      active: false,
    });

    expect((await byName(token)).map((item) => item.id).sort()).toEqual(response.body.rows.map((row: any) => row.id).sort());
  });

  it("imports a ',' file with English headers and quoted cells", async () => {
    ctx.clock.set("2026-11-24T12:30:00Z");
    const token = uniqueToken("english");
    const sara = uniqueMobile();
    const omid = uniqueMobile();
    const csv = [
      "name,phone,email,languages,gender,qualification,trainings,modes,homePostcode,maxTravelKm,maxAssignmentsPerMonth,iban,smsConsent,active",
      `Sara Ahmadi ${token},${spacedInternational(sara)},sara@example.org,"fa (Dari): native, en: basic",female,trained,Basics (2026-01-10),video|phone,52062,15,4,de44 5001 0517 5407 3249 31,yes,yes`,
      `"Omid, Rahimi ${token}",${omid},,prs,diverse,volunteer,,onsite,,,,,no,1`,
    ].join("\n");

    const response = await importCsv(ctx.coordinator, csv, { contentType: "text/csv; charset=utf-8" });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ created: 2, updated: 0 });
    expect(response.body.rows.map((row: any) => [row.row, row.action])).toEqual([
      [2, "created"],
      [3, "created"],
    ]);

    const first = await read(response.body.rows[0].id);
    expect(first).toMatchObject({
      name: `Sara Ahmadi ${token}`,
      phone: toE164(sara),
      email: "sara@example.org",
      gender: "female",
      qualification: "trained",
      trainings: [{ title: "Basics", date: "2026-01-10" }],
      modes: ["video", "phone"],
      homePostcode: "52062",
      maxTravelKm: 15,
      maxAssignmentsPerMonth: 4,
      iban: OTHER_IBAN_ELECTRONIC,
      smsConsent: true,
      smsConsentAt: "2026-11-24T12:30:00.000Z",
      active: true,
    });
    expect(byCode(first.languages)).toEqual([
      { code: "en", dialect: null, level: "basic" },
      { code: "fa", dialect: "Dari", level: "native" },
    ]);

    const second = await read(response.body.rows[1].id);
    expect(second).toMatchObject({
      name: `Omid, Rahimi ${token}`,
      phone: toE164(omid),
      // A language without a level is read as fluent.
      languages: [{ code: "prs", dialect: null, level: "fluent" }],
      gender: "diverse",
      qualification: "volunteer",
      modes: ["onsite"],
      homePostcode: null,
      iban: null,
      smsConsent: false,
      smsConsentAt: null,
      active: true,
    });
  });

  it("updates people already registered under the same phone number instead of duplicating them", async () => {
    ctx.clock.set("2026-11-24T13:00:00Z");
    const token = uniqueToken("reimport");
    const leila = uniqueMobile();
    const yusuf = uniqueMobile();
    const first = await importCsv(
      ctx.coordinator,
      [
        "Name;Telefon;Sprachen;Schulungen;IBAN;SMS-Einwilligung;Max km",
        `Leila ${token};${leila};ar (syrisch): Muttersprache;Grundkurs (2026-03-14);DE89 3704 0044 0532 0130 00;ja;25`,
        `Yusuf ${token};${yusuf};tr: Muttersprache;;;nein;`,
      ].join("\n"),
    );
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ created: 2, updated: 0 });
    const [leilaId, yusufId] = first.body.rows.map((row: any) => row.id);

    // The same phones in other notations; no IBAN and no Schulungen column this time.
    ctx.clock.set("2026-11-30T09:00:00Z");
    const newcomer = uniqueMobile();
    const second = await importCsv(
      ctx.coordinator,
      [
        "Telefon;Name;Sprachen;SMS-Einwilligung;Max km",
        `${spacedInternational(leila)};Leila Mansour ${token};ar (syrisch): Muttersprache, de: Grundkenntnisse;ja;`,
        `${newcomer};Neu ${token};so: Muttersprache;ja;10`,
        `${toE164(yusuf)};Yusuf ${token};tr: fließend;ja;40`,
      ].join("\n"),
    );
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.created).toBe(1);
    expect(second.body.updated).toBe(2);
    expect(second.body.rows).toEqual([
      { row: 2, id: leilaId, action: "updated" },
      { row: 3, id: expect.stringMatching(/^[0-9a-f-]{36}$/), action: "created" },
      { row: 4, id: yusufId, action: "updated" },
    ]);
    expect([leilaId, yusufId]).not.toContain(second.body.rows[1].id);

    const people = await byName(token);
    expect(people).toHaveLength(3);
    expect(new Set(people.map((person) => person.phone)).size).toBe(3);

    const leilaNow = await read(leilaId);
    expect(leilaNow).toMatchObject({
      name: `Leila Mansour ${token}`,
      phone: toE164(leila),
      // Columns the second file does not have are kept; consent keeps its first time.
      trainings: [{ title: "Grundkurs", date: "2026-03-14" }],
      iban: IBAN_ELECTRONIC,
      smsConsent: true,
      smsConsentAt: "2026-11-24T13:00:00.000Z",
      // An empty cell clears an optional number.
      maxTravelKm: null,
    });
    // Languages are replaced as a whole.
    expect(byCode(leilaNow.languages)).toEqual([
      { code: "ar", dialect: "syrisch", level: "native" },
      { code: "de", dialect: null, level: "basic" },
    ]);

    const yusufNow = await read(yusufId);
    expect(yusufNow).toMatchObject({
      phone: toE164(yusuf),
      languages: [{ code: "tr", dialect: null, level: "fluent" }],
      smsConsent: true,
      smsConsentAt: "2026-11-30T09:00:00.000Z",
      maxTravelKm: 40,
    });
  });

  it("rejects a file with bad rows as a whole, naming each problem by file line and field", async () => {
    const token = uniqueToken("badrows");
    // Someone already registered, whom a good row of the bad file would update.
    const knownMobile = uniqueMobile();
    const known = await importCsv(ctx.coordinator, `name;phone;languages\nKnown ${token};${knownMobile};ru: native\n`);
    expect(known.status).toBe(200);
    const knownId = known.body.rows[0].id;
    const before = await read(knownId);

    const goodNew = uniqueMobile();
    const csv = [
      "name;phone;languages;iban",
      `Good ${token};${goodNew};ar: native;DE89 3704 0044 0532 0130 00`,
      `Bad IBAN ${token};${uniqueMobile()};de: fluent;DE88 3704 0044 0532 0130 00`,
      `Bad language ${token};${uniqueMobile()};xx: native;`,
      "",
      `Landline ${token};02421 12345;tr: basic;`,
      `Changed ${token};${spacedInternational(knownMobile)};uk: native;`,
    ].join("\n");

    const response = await importCsv(ctx.coordinator, csv);
    const problems = problemsOf(response);
    expect(response.body.error.message).toMatch(/row 3/);
    expect(problems).toContainEqual(expect.objectContaining({ row: 3, path: ["iban"], message: expect.stringMatching(/IBAN/) }));
    expect(problems).toContainEqual(
      expect.objectContaining({ row: 4, path: [expect.stringMatching(/^languages/)], message: expect.stringMatching(/ISO 639/) }),
    );
    // The empty line 5 is skipped but still counted: rows are lines of the file.
    expect(problems).toContainEqual(expect.objectContaining({ row: 6, path: ["phone"], message: expect.stringMatching(/landline/) }));
    expect(problems.map((problem) => problem.row)).toEqual([3, 4, 6]);
    for (const problem of problems) expect(problem.in).toBe("csv");

    // Nothing from the file was stored: not the good new row, not the update of the known person.
    expect((await byName(token)).map((item) => item.id)).toEqual([knownId]);
    expect(await read(knownId)).toEqual(before);
  });

  it("rejects a file that has the same phone number twice, in any notation", async () => {
    const token = uniqueToken("twice");
    const mobile = uniqueMobile();
    const response = await importCsv(
      ctx.coordinator,
      [
        "name;phone;languages",
        `First ${token};${mobile};ar: native`,
        `Other ${token};${uniqueMobile()};ar: native`,
        `Second ${token};${spacedInternational(mobile)};de: fluent`,
      ].join("\n"),
    );
    const problems = problemsOf(response);
    expect(problems).toEqual([expect.objectContaining({ row: 4, path: ["phone"], message: expect.stringMatching(/row 2/) })]);
    expect(await byName(token)).toEqual([]);
  });

  it("rejects unknown and missing columns", async () => {
    const token = uniqueToken("columns");
    const unknown = await importCsv(
      ctx.coordinator,
      `Name;Telefon;Sprachen;Lieblingsfarbe\nUnknown ${token};${uniqueMobile()};ar: native;blau\n`,
    );
    expect(problemsOf(unknown)).toEqual([expect.objectContaining({ row: 1, path: ["Lieblingsfarbe"], message: expect.stringMatching(/Unknown column/) })]);

    const missing = await importCsv(ctx.coordinator, `name;languages\nMissing ${token};ar: native\n`);
    expect(problemsOf(missing)).toEqual([expect.objectContaining({ row: 1, path: ["phone"], message: expect.stringMatching(/missing/) })]);

    const missingTwo = await importCsv(ctx.coordinator, `name,email\nMissing ${token},a@example.org\n`);
    expect(problemsOf(missingTwo).map((problem) => problem.path[0]).sort()).toEqual(["languages", "phone"]);

    expect(await byName(token)).toEqual([]);
  });

  it("rejects an empty file and a file without data rows", async () => {
    for (const csv of ["", "\uFEFF", "\n\n"]) {
      const problems = problemsOf(await importCsv(ctx.coordinator, csv));
      expect(problems).toEqual([expect.objectContaining({ row: 1, message: expect.stringMatching(/empty/) })]);
    }
    const headerOnly = problemsOf(await importCsv(ctx.coordinator, "name;phone;languages\n"));
    expect(headerOnly).toEqual([expect.objectContaining({ row: 1, message: expect.stringMatching(/no data rows/) })]);
  });

  it("rejects unreadable values with the row and the field", async () => {
    const token = uniqueToken("cells");
    const response = await importCsv(
      ctx.coordinator,
      [
        "name;phone;languages;modes;gender;smsConsent;trainings;plz",
        `A ${token};${uniqueMobile()};ar: perfekt;onsite;w;ja;;52351`,
        `B ${token};${uniqueMobile()};ar: native;Brieftaube;w;ja;;52351`,
        `C ${token};${uniqueMobile()};ar: native;onsite;irgendwas;vielleicht;Kurs ohne Datum;5235`,
      ].join("\n"),
    );
    const problems = problemsOf(response);
    const at = (row: number) => problems.filter((problem) => problem.row === row).map((problem) => problem.path[0]).sort();
    expect(at(2)).toContain("languages");
    expect(at(3)).toContain("modes");
    expect(at(4)).toEqual(expect.arrayContaining(["gender", "homePostcode", "smsConsent", "trainings"]));
    expect(await byName(token)).toEqual([]);
  });

  it("only checks the file with ?dryRun=true", async () => {
    const token = uniqueToken("dry");
    const existingMobile = uniqueMobile();
    const existing = await importCsv(ctx.coordinator, `name;phone;languages\nExisting ${token};${existingMobile};ar: native\n`);
    expect(existing.status).toBe(200);
    const existingId = existing.body.rows[0].id;
    const before = await read(existingId);

    const csv = [
      "name;phone;languages",
      `Dry ${token};${uniqueMobile()};de: fluent`,
      `Existing renamed ${token};${spacedInternational(existingMobile)};fa: native`,
    ].join("\n");
    const response = await importCsv(ctx.coordinator, csv, { query: "?dryRun=true" });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toEqual({
      created: 1,
      updated: 1,
      rows: [
        { row: 2, id: expect.any(String), action: "created" },
        { row: 3, id: existingId, action: "updated" },
      ],
    });
    expect((await byName(token)).map((item) => item.id)).toEqual([existingId]);
    expect(await read(existingId)).toEqual(before);

    // A dry run still reports problems.
    const bad = await importCsv(ctx.coordinator, `name;phone;languages\nDry bad ${token};02421 12345;de: fluent\n`, { query: "?dryRun=true" });
    expect(problemsOf(bad)).toEqual([expect.objectContaining({ row: 2, path: ["phone"] })]);

    const invalidFlag = await importCsv(ctx.coordinator, csv, { query: "?dryRun=yes" });
    expect(invalidFlag.status).toBe(422);
    expect((await byName(token)).map((item) => item.id)).toEqual([existingId]);
  });

  it("answers 415 for a body that is not CSV", async () => {
    const token = uniqueToken("json");
    const csv = `name;phone;languages\nJson ${token};${uniqueMobile()};ar: native\n`;
    for (const contentType of ["application/json", "application/x-www-form-urlencoded"]) {
      const response = await importCsv(ctx.coordinator, csv, { contentType });
      expect(response.status, contentType).toBe(415);
      expect(response.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    }
    expect(await byName(token)).toEqual([]);
  });

  it("is for coordinators only", async () => {
    const token = uniqueToken("roles");
    const csv = `name;phone;languages\nRoles ${token};${uniqueMobile()};ar: native\n`;
    const requester = (await ctx.newRequester()).client;
    for (const client of [requester, ctx.finance]) {
      const response = await importCsv(client, csv);
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe("FORBIDDEN");
    }
    const anonymous = await importCsv(ctx.anonymous, csv);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe("UNAUTHORIZED");
    expect(await byName(token)).toEqual([]);
  });
});
