import { describe, expect, it } from "vitest";
import { erasedName, erasedPhone, isErasedPhone, pseudonymFrom, readAuditCutoff, retentionCutoff } from "../../../src/domain/data-protection";
import { normaliseMobileNumber } from "../../../src/domain/phone";

describe("retention cutoff", () => {
  it("is the same Berlin wall-clock time the given number of calendar months earlier", () => {
    expect(retentionCutoff(new Date("2026-11-24T08:00:00Z"), 24).toISOString()).toBe("2024-11-24T08:00:00.000Z");
    expect(retentionCutoff(new Date("2026-11-24T08:00:00.123Z"), 1).toISOString()).toBe("2026-10-24T07:00:00.123Z"); // 09:00 CEST then
    expect(retentionCutoff(new Date("2026-07-15T10:00:00Z"), 7).toISOString()).toBe("2025-12-15T11:00:00.000Z"); // 12:00 CET
    expect(retentionCutoff(new Date("2026-01-10T12:00:00Z"), 13).toISOString()).toBe("2024-12-10T12:00:00.000Z");
  });

  it("takes the last day of a shorter month, and midnight in Berlin stays midnight", () => {
    expect(retentionCutoff(new Date("2026-05-31T10:00:00Z"), 3).toISOString()).toBe("2026-02-28T11:00:00.000Z");
    expect(retentionCutoff(new Date("2028-02-29T11:00:00Z"), 12).toISOString()).toBe("2027-02-28T11:00:00.000Z");
    expect(retentionCutoff(new Date("2028-03-31T10:00:00Z"), 1).toISOString()).toBe("2028-02-29T11:00:00.000Z");
    expect(retentionCutoff(new Date("2026-11-30T23:00:00Z"), 24).toISOString()).toBe("2024-11-30T23:00:00.000Z"); // 00:00 on 1 Dec
  });
});

describe("read audit cutoff", () => {
  it("is the same Berlin wall-clock time the given number of calendar days earlier", () => {
    expect(readAuditCutoff(new Date("2026-11-24T08:00:00Z"), 365).toISOString()).toBe("2025-11-24T08:00:00.000Z");
    expect(readAuditCutoff(new Date("2028-03-01T08:00:00.250Z"), 1).toISOString()).toBe("2028-02-29T08:00:00.250Z");
    // 09:00 in Berlin on both days, across the change to summer time (29 March 2026).
    expect(readAuditCutoff(new Date("2026-04-02T07:00:00Z"), 7).toISOString()).toBe("2026-03-26T08:00:00.000Z");
  });
});

describe("pseudonyms", () => {
  it("are P- and six unambiguous characters from random bytes, evenly spread", () => {
    expect(pseudonymFrom(Uint8Array.from([0, 1, 2, 3, 4, 5]))).toBe("P-234567");
    expect(pseudonymFrom(Uint8Array.from([31, 32, 63, 255, 8, 9]))).toBe("P-Z2ZZAB");
    const seen = new Set(Array.from({ length: 2000 }, () => pseudonymFrom(crypto.getRandomValues(new Uint8Array(6)))));
    expect(seen.size).toBe(2000);
    for (const pseudonym of seen) expect(pseudonym).toMatch(/^P-[2-9A-HJ-NP-Z]{6}$/);
    expect(() => pseudonymFrom(new Uint8Array(5))).toThrow();
  });

  it("name an erased person, and their phone placeholder is no number anyone can text", () => {
    expect(erasedName("P-7K2M9Q")).toBe("Gelöscht (P-7K2M9Q)");
    expect(erasedPhone("P-7K2M9Q")).toBe("erased:P-7K2M9Q");
    expect(isErasedPhone(erasedPhone("P-7K2M9Q"))).toBe(true);
    expect(isErasedPhone("+4915112345678")).toBe(false);
    expect(normaliseMobileNumber(erasedPhone("P-7K2M9Q")).ok).toBe(false);
  });
});
