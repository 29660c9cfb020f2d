import { describe, expect, it } from "vitest";
import { parseInterpreterCsv } from "../../../src/domain/interpreter-csv";

describe("parseInterpreterCsv", () => {
  it("reads a German Excel file (BOM, semicolons, German headers and words)", () => {
    const csv =
      "\uFEFFName;Telefon;Sprachen;Einsatzarten;SMS-Einwilligung;Geschlecht;Qualifikation;Schulungen;PLZ\r\n" +
      "Amina Haddad;0151 23456789;ar (levantinisch): Muttersprache, de: fließend;vor Ort|Telefon;ja;weiblich;geschult;Grundkurs (14.03.2026) | Trauma (2026-05-02);52351\r\n";
    const { records, problems } = parseInterpreterCsv(csv);
    expect(problems).toEqual([]);
    expect(records).toEqual([
      {
        line: 2,
        values: {
          name: "Amina Haddad",
          phone: "0151 23456789",
          languages: [
            { code: "ar", dialect: "levantinisch", level: "native" },
            { code: "de", dialect: null, level: "fluent" },
          ],
          modes: ["onsite", "phone"],
          smsConsent: true,
          gender: "female",
          qualification: "trained",
          trainings: [
            { title: "Grundkurs", date: "2026-03-14" },
            { title: "Trauma", date: "2026-05-02" },
          ],
          homePostcode: "52351",
        },
      },
    ]);
  });

  it("reads comma-separated files with quoted fields and English headers", () => {
    const csv = 'name,phone,languages,maxTravelKm,iban\n"Rahimi, Hamid",0160 1234567,"prs:native|fa:fluent",25,\n';
    const { records, problems } = parseInterpreterCsv(csv);
    expect(problems).toEqual([]);
    expect(records[0]!.values).toEqual({
      name: "Rahimi, Hamid",
      phone: "0160 1234567",
      languages: [
        { code: "prs", dialect: null, level: "native" },
        { code: "fa", dialect: null, level: "fluent" },
      ],
      maxTravelKm: 25,
      iban: null,
    });
  });

  it("reports unknown and missing columns on the header line", () => {
    const { problems } = parseInterpreterCsv("name;telephone\nA;0151 23456789\n");
    expect(problems).toEqual(
      expect.arrayContaining([
        { row: 1, field: "telephone", message: "Unknown column 'telephone'" },
        { row: 1, field: "phone", message: "The column 'phone' is missing" },
        { row: 1, field: "languages", message: "The column 'languages' is missing" },
      ]),
    );
  });

  it("reports unreadable cells with their line and field", () => {
    const csv = "name;phone;languages;smsConsent;modes\nA;0151 1;ar: sehr gut;vielleicht;Bus\n";
    const { problems } = parseInterpreterCsv(csv);
    expect(problems.map((p) => [p.row, p.field])).toEqual([
      [2, "languages"],
      [2, "smsConsent"],
      [2, "modes"],
    ]);
  });

  it("refuses empty files and files with a header only", () => {
    expect(parseInterpreterCsv("").problems[0]!.message).toMatch(/empty/);
    expect(parseInterpreterCsv("name;phone;languages\n").problems[0]!.message).toMatch(/no data rows/);
  });
});
