// GSM 03.38: the default alphabet (7 bits, 160 characters a segment, 153 when split) and its
// extension table (two units each). Anything else forces UCS-2 (70 a segment, 67 when split).
const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM_EXTENDED = new Set("^{}\\[~]|€\f");

export interface SegmentCount {
  encoding: "GSM-7" | "UCS-2";
  /** Code units in that encoding. */
  units: number;
  segments: number;
}

/**
 * How many SMS segments a text takes (what the interpreter's phone shows as one message, and what
 * the pool pays per segment).
 *
 * @example
 * countSegments("Zusage: JA 4711");  // { encoding: "GSM-7", units: 15, segments: 1 }
 * countSegments("Termin – 10:00");   // UCS-2: the en dash is not in the GSM alphabet
 */
export function countSegments(text: string): SegmentCount {
  const characters = [...text];
  if (characters.every((char) => GSM_BASIC.has(char) || GSM_EXTENDED.has(char))) {
    const units = characters.reduce((sum, char) => sum + (GSM_EXTENDED.has(char) ? 2 : 1), 0);
    return { encoding: "GSM-7", units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
  }
  const units = text.length; // UTF-16 code units
  return { encoding: "UCS-2", units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/** Whether a character is in the GSM 03.38 alphabet (basic or extension table). */
export function isGsmCharacter(char: string): boolean {
  return GSM_BASIC.has(char) || GSM_EXTENDED.has(char);
}

// Letters that do not decompose into a base letter and a mark (NFD), but have an obvious one.
const FOLDED: Record<string, string> = {
  ı: "i", İ: "I", ł: "l", Ł: "L", đ: "d", Đ: "D", ð: "d", Ð: "D", ħ: "h", Ħ: "H", ŀ: "l", Ŀ: "L",
  œ: "oe", Œ: "OE", þ: "th", Þ: "Th", ẞ: "SS",
};

/** The character itself if GSM, else a GSM stand-in (a base letter without its accent), else itself. */
function foldToGsm(char: string): string {
  if (isGsmCharacter(char)) return char;
  const folded = FOLDED[char];
  if (folded) return folded;
  const base = char.normalize("NFD").replace(/\p{M}/gu, "");
  if (base === "") return ""; // a stray combining mark
  return [...base].every(isGsmCharacter) ? base : char;
}

/**
 * Replaces characters outside the GSM alphabet with close GSM ones, so texts stay cheap and short:
 * typographic dashes, quotes and spaces, and accented letters of names (Şahin, Yılmaz, Wałęsa)
 * become their plain forms; German umlauts and ß are GSM and stay.
 */
export function toGsmFriendly(text: string): string {
  const replaced = text
    .normalize("NFC")
    .replace(/[‐‑‒–—―−]/g, "-")
    .replace(/[„“”«»]/g, '"')
    .replace(/[‚‘’‹›ʼ´`]/g, "'")
    .replace(/…/g, "...")
    .replace(/[\u00a0\u2007\u2009\u202f\t]/g, " ")
    .replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, "");
  return [...replaced].map(foldToGsm).join("");
}
