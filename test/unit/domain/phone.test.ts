import { describe, expect, it } from "vitest";
import { maskPhoneNumber, normaliseMobileNumber } from "../../../src/domain/phone";

describe("normaliseMobileNumber", () => {
  it.each([
    ["0151 23456789", "+4915123456789"],
    ["0151/234 567 89", "+4915123456789"],
    ["+49 (0)151 23456789", "+4915123456789"],
    ["0049 151 23456789", "+4915123456789"],
    ["+4917612345678", "+4917612345678"],
    ["+43 664 1234567", "+436641234567"],
  ])("reads %s as %s", (input, e164) => {
    expect(normaliseMobileNumber(input)).toEqual({ ok: true, e164 });
  });

  it.each(["02421 12345", "+49 221 1234567"])("refuses the landline %s", (input) => {
    const result = normaliseMobileNumber(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/mobile/);
  });

  it.each(["", "hello", "0151", "12345678901234567890"])("refuses the non-number %j", (input) => {
    expect(normaliseMobileNumber(input).ok).toBe(false);
  });

  it("answers a repeated number the same way, with a result no caller can change", () => {
    for (const input of ["0151 2345 6789", "02421 12345"]) {
      const first = normaliseMobileNumber(input);
      expect(normaliseMobileNumber(input)).toBe(first);
      expect(Object.isFrozen(first)).toBe(true);
      expect(() => Object.assign(first, { ok: !first.ok })).toThrow(TypeError);
    }
    expect(normaliseMobileNumber("0151 2345 6789")).toEqual({ ok: true, e164: "+4915123456789" });
    // Longer input than a number could be is answered but not remembered.
    const long = `0151 2345 6789${" ".repeat(40)}`;
    expect(normaliseMobileNumber(long)).toEqual({ ok: true, e164: "+4915123456789" });
    expect(normaliseMobileNumber(long)).not.toBe(normaliseMobileNumber(long));
  });
});

describe("maskPhoneNumber", () => {
  it("keeps only the country code and the last three digits", () => {
    expect(maskPhoneNumber("+4915123456789")).toBe("+49********789");
  });
});
