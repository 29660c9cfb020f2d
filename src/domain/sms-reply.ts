/** What an interpreter's SMS means. */
export type SmsReply =
  | { kind: "accept"; code: string | null }
  | { kind: "decline"; code: string | null }
  | { kind: "withdraw"; code: string | null }
  | { kind: "opt_out" }
  | { kind: "opt_in" }
  | { kind: "help" }
  | { kind: "unknown" };

const ACCEPT = new Set(["JA", "YES", "JAWOHL", "OK", "OKAY", "ZUSAGE"]);
const DECLINE = new Set(["NEIN", "NO", "NOPE"]);
const WITHDRAW = new Set(["ABSAGE", "ABSAGEN", "STORNO"]);
// Twilio's own opt-out words on long codes, plus German ones. Only a message of just this word counts.
const OPT_OUT = new Set(["STOP", "STOPP", "ABMELDEN", "UNSUBSCRIBE", "END", "QUIT", "CANCEL", "STOPALL", "OPTOUT", "REVOKE"]);
const OPT_IN = new Set(["START", "ANMELDEN", "UNSTOP"]);
const HELP = new Set(["HILFE", "HELP", "INFO", "?"]);

/**
 * Reads a reply such as `JA 4711`, `ja4711`, `Ja, 4711`, `YES 4711`, `NEIN 4711`, `ABSAGE 4711`,
 * a bare `JA`, or `STOP`/`STOPP`/`ABMELDEN` (opt out) and `START`/`ANMELDEN` (opt in again).
 * The job code is the first group of digits; case, punctuation and spacing do not matter.
 *
 * @example
 * parseSmsReply("Ja, 4711");  // { kind: "accept", code: "4711" }
 * parseSmsReply("nein");      // { kind: "decline", code: null }
 * parseSmsReply("Stopp");     // { kind: "opt_out" }
 */
export function parseSmsReply(text: string): SmsReply {
  const normalised = text
    .normalize("NFKC")
    .toUpperCase()
    .replace(/[^\p{L}\p{N}?]+/gu, " ")
    .trim();
  if (normalised === "") return { kind: "unknown" };
  if (OPT_OUT.has(normalised)) return { kind: "opt_out" };
  if (OPT_IN.has(normalised)) return { kind: "opt_in" };
  if (HELP.has(normalised)) return { kind: "help" };

  // "JA4711" is one token: split letters from a trailing number.
  const match = /^(\p{L}+)\s*(\d*)/u.exec(normalised);
  const keyword = match?.[1] ?? "";
  // The first number is the job code. A number that cannot be a code ("JA 47") is passed on too:
  // the interpreter is asked to check it rather than given whichever job happens to be open.
  const code = match?.[2] || (/(?:^|\s)(\d+)(?:\s|$)/.exec(normalised)?.[1] ?? null);
  if (ACCEPT.has(keyword)) return { kind: "accept", code };
  if (DECLINE.has(keyword)) return { kind: "decline", code };
  if (WITHDRAW.has(keyword)) return { kind: "withdraw", code };
  return { kind: "unknown" };
}

/** Which pending offer a JA or NEIN answers, or why none. */
export type OfferChoice<T> =
  | { kind: "offer"; offer: T }
  | { kind: "none_open" }
  | { kind: "ask_for_code"; codes: string[] }
  | { kind: "not_pending"; code: string };

/**
 * The offer a JA or NEIN answers: the pending one with the given job code, or without a code the
 * only pending one. Several pending and no code: ask which; a code of none of them: not pending
 * (unknown, taken or lapsed — the caller says which).
 *
 * @example
 * chooseOffer([{ code: "4711" }], null, (offer) => offer.code);     // { kind: "offer", offer: { code: "4711" } }
 * chooseOffer([{ code: "4711" }], "4712", (offer) => offer.code);   // { kind: "not_pending", code: "4712" }
 */
export function chooseOffer<T>(open: readonly T[], code: string | null, codeOf: (offer: T) => string): OfferChoice<T> {
  if (code) {
    const offer = open.find((candidate) => codeOf(candidate) === code);
    return offer ? { kind: "offer", offer } : { kind: "not_pending", code };
  }
  if (open.length === 0) return { kind: "none_open" };
  if (open.length > 1) return { kind: "ask_for_code", codes: open.map(codeOf) };
  return { kind: "offer", offer: open[0]! };
}
