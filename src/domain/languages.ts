import { iso6393 } from "iso-639-3";
import { remembered } from "../lib/remembered";

interface LanguageEntry {
  /** ISO 639-1 where one exists, otherwise ISO 639-3. */
  code: string;
  englishName: string;
}

// Every ISO 639-1, 639-2 (B and T) and 639-3 code points at one canonical entry, so "ara", "ar"
// and "ARA" are the same language while "apc" (Levantine Arabic) stays its own.
const BY_ANY_CODE = new Map<string, LanguageEntry>();
for (const language of iso6393) {
  const entry = { code: language.iso6391 ?? language.iso6393, englishName: language.name };
  for (const code of [language.iso6393, language.iso6391, language.iso6392B, language.iso6392T]) {
    if (code && !BY_ANY_CODE.has(code)) BY_ANY_CODE.set(code, entry);
  }
}

const GERMAN_NAMES = new Intl.DisplayNames(["de"], { type: "language", fallback: "none" });

/**
 * The canonical code of an ISO 639 language code (639-1 when the language has one), or null when
 * the code is not in ISO 639.
 *
 * @example
 * canonicalLanguageCode("ARA"); // "ar"
 * canonicalLanguageCode("apc"); // "apc"
 * canonicalLanguageCode("xx");  // null
 */
export function canonicalLanguageCode(code: string): string | null {
  return BY_ANY_CODE.get(code.trim().toLowerCase())?.code ?? null;
}

/**
 * The language's name in German for SMS and reports, falling back to its English ISO name.
 *
 * @example
 * germanLanguageName("ar"); // "Arabisch"
 */
export function germanLanguageName(code: string): string {
  // Intl.DisplayNames is slow to ask, and every offer text asks several times while fitting the SMS.
  return germanNames(code, () => {
    const canonical = canonicalLanguageCode(code) ?? code;
    let german: string | undefined;
    try {
      german = GERMAN_NAMES.of(canonical);
    } catch {
      german = undefined;
    }
    return german ?? BY_ANY_CODE.get(canonical)?.englishName ?? canonical;
  });
}

// Bounded: codes come from stored bookings, but a flood of odd ones must not grow it forever.
const germanNames = remembered<string>(1_000);
