import { describe, expect, it } from "vitest";
import { normaliseIban } from "../../../src/domain/iban";
import { canonicalLanguageCode, germanLanguageName } from "../../../src/domain/languages";

describe("normaliseIban", () => {
  it("accepts valid IBANs in any spacing and case", () => {
    expect(normaliseIban("de89 3704 0044 0532 0130 00")).toBe("DE89370400440532013000");
    expect(normaliseIban("AT61 1904 3002 3457 3201")).toBe("AT611904300234573201");
  });

  it("refuses a wrong checksum, a wrong length and garbage", () => {
    expect(normaliseIban("DE88 3704 0044 0532 0130 00")).toBeNull();
    expect(normaliseIban("DE89 3704 0044 0532 0130")).toBeNull();
    expect(normaliseIban("not an iban")).toBeNull();
  });
});

describe("canonicalLanguageCode", () => {
  it.each([
    ["ar", "ar"],
    ["ara", "ar"],
    ["ARA", "ar"],
    ["ger", "de"],
    ["deu", "de"],
    ["apc", "apc"],
    ["prs", "prs"],
    ["kmr", "kmr"],
    ["tir", "ti"],
  ])("%s → %s", (input, canonical) => {
    expect(canonicalLanguageCode(input)).toBe(canonical);
  });

  it.each(["xx", "zzz", "", "arabic"])("refuses %j", (input) => {
    expect(canonicalLanguageCode(input)).toBeNull();
  });
});

describe("germanLanguageName", () => {
  it("names languages in German, falling back to the ISO name", () => {
    expect(germanLanguageName("ar")).toBe("Arabisch");
    expect(germanLanguageName("ara")).toBe("Arabisch");
    expect(germanLanguageName("uk")).toBe("Ukrainisch");
    expect(germanLanguageName("apc")).toBe("North Levantine Arabic");
  });
});
