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

/** Replaces characters outside the GSM alphabet with close GSM ones, so texts stay cheap and short. */
export function toGsmFriendly(text: string): string {
  return text
    .replace(/[–—]/g, "-")
    .replace(/[„“”]/g, '"')
    .replace(/[‚‘’]/g, "'")
    .replace(/…/g, "...")
    .replace(/\u00a0/g, " ");
}
