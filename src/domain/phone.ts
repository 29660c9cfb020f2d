import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { remembered } from "../lib/remembered";

export type PhoneResult = { ok: true; e164: string } | { ok: false; message: string };

// Interpreters are reached by SMS only: numbers that cannot receive texts are refused.
const SMS_CAPABLE_TYPES = new Set(["MOBILE", "FIXED_LINE_OR_MOBILE", "PERSONAL_NUMBER", "VOIP", undefined]);

/**
 * Normalises a phone number to E.164. German numbers may be written in national format.
 *
 * @example
 * normaliseMobileNumber("0151 2345 6789"); // { ok: true, e164: "+4915123456789" }
 * normaliseMobileNumber("02421 12345");    // { ok: false, message: "…landline…" }
 */
export function normaliseMobileNumber(input: string, defaultCountry: "DE" = "DE"): Readonly<PhoneResult> {
  // Every SMS webhook normalises its sender, and the pool's numbers repeat: parsing with the full
  // metadata costs ~0.1 ms, a lookup nothing. Results are frozen, so callers cannot change them.
  // Only inputs a phone number could be are remembered (an import's cells can be any length).
  const parse = () => Object.freeze(parseMobileNumber(input, defaultCountry));
  return input.length > REMEMBERED_LENGTH ? parse() : recentNumbers(input, parse);
}

const REMEMBERED_LENGTH = 40;
const recentNumbers = remembered<Readonly<PhoneResult>>(10_000);

function parseMobileNumber(input: string, defaultCountry: "DE"): PhoneResult {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry);
  if (!parsed || !parsed.isValid()) {
    return { ok: false, message: "Not a valid phone number (German numbers may omit +49, e.g. 0151 23456789)" };
  }
  if (!SMS_CAPABLE_TYPES.has(parsed.getType())) {
    return { ok: false, message: "This is a landline or service number; interpreters need a mobile number for SMS" };
  }
  return { ok: true, e164: parsed.number };
}

/**
 * A phone number with all but the last three digits hidden, for places that must not show it.
 *
 * @example
 * maskPhoneNumber("+4915123456789"); // "+49********789"
 */
export function maskPhoneNumber(e164: string): string {
  return e164.slice(0, 3) + "*".repeat(Math.max(0, e164.length - 6)) + e164.slice(-3);
}
