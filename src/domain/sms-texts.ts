import { germanLanguageName } from "./languages";
import { formatLocalRange } from "./pool-time";
import { countSegments, toGsmFriendly } from "./sms-segments";

/** Every SMS the service sends, in plain German, at most two segments each. */

export const MAX_SEGMENTS = 2;

export interface JobText {
  code: string;
  language: string;
  dialect: string | null;
  startsAt: Date;
  endsAt: Date;
  mode: "onsite" | "phone" | "video";
  organisationName: string;
  street: string | null;
  postcode: string | null;
  city: string | null;
  room: string | null;
  setting: string | null;
  sensitive: boolean;
  contactName?: string | null;
  contactPhone?: string | null;
}

const MODE_TEXT = { onsite: "", phone: "Telefon", video: "Video" } as const;

/**
 * The parts of a text that come from a booking and may be shortened to fit (names, places, the
 * dialect). Codes, times, the language, the contact's phone number and the fixed words never are.
 */
interface Variable {
  dialect: string;
  organisation: string;
  street: string;
  city: string;
  room: string;
  setting: string;
  contact: string;
}

function variablesOf(job: JobText): Variable {
  return {
    dialect: job.dialect ?? "",
    organisation: job.organisationName,
    street: job.street ?? "",
    city: job.city ?? "",
    room: job.room ?? "",
    setting: job.setting ?? "",
    contact: job.contactName ?? "",
  };
}

function language(job: JobText, v: Variable): string {
  return v.dialect ? `${germanLanguageName(job.language)} (${v.dialect})` : germanLanguageName(job.language);
}

function place(job: JobText, v: Variable): string {
  if (job.mode !== "onsite") return `${MODE_TEXT[job.mode]}, ${v.organisation}`;
  const address = [v.street, [job.postcode, v.city].filter(Boolean).join(" ")].filter(Boolean).join(", ");
  return [v.organisation, address, v.room ? `Raum ${v.room}` : null].filter(Boolean).join(", ");
}

/** Shortest a shortened part gets (before its "..."). */
const MIN_KEPT = 10;

/**
 * Builds a text from fixed parts and the booking's variable parts, shortening the longest
 * variable part a character at a time (ending it with "...") until the whole text fits into two
 * segments, so one long name cannot push out the others (the street stays next to a long
 * organisation name). Everything is made GSM-friendly first, so the count is the one sent.
 */
function fit(job: JobText, build: (v: Variable) => string): string {
  const original = Object.fromEntries(
    Object.entries(variablesOf(job)).map(([key, value]) => [key, toGsmFriendly(value).replace(/\s+/g, " ").trim()]),
  ) as unknown as Variable;
  const keys = Object.keys(original) as (keyof Variable)[];
  // Only parts the text shows are shortened (a sensitive offer shows no place).
  const shownKeys = keys.filter((key) => build({ ...original, [key]: "\u0000" }).includes("\u0000"));
  const kept = Object.fromEntries(keys.map((key) => [key, original[key].length])) as Record<keyof Variable, number>;
  const current = { ...original };
  for (;;) {
    const text = toGsmFriendly(build(current));
    if (countSegments(text).segments <= MAX_SEGMENTS) return text;
    const longest = shownKeys
      .filter((key) => kept[key] > MIN_KEPT)
      .sort((a, b) => current[b].length - current[a].length)[0];
    if (!longest) return text;
    // The first cut makes room for the "...".
    kept[longest] -= kept[longest] === original[longest].length ? 4 : 1;
    current[longest] = `${original[longest].slice(0, Math.max(kept[longest], MIN_KEPT)).trimEnd()}...`;
  }
}

export const smsTexts = {
  /** The offer; sensitive jobs show neither place nor setting before a yes. */
  offer(job: JobText): string {
    const when = formatLocalRange(job.startsAt, job.endsAt);
    const answer = `Zusage: JA ${job.code} - Absage: NEIN ${job.code}`;
    if (job.sensitive) {
      const kind = job.mode === "onsite" ? "Ort nach Zusage" : MODE_TEXT[job.mode];
      return fit(job, (v) => `Dolmetscheinsatz ${job.code}: ${language(job, v)}, ${when}, ${kind}. ${answer}`);
    }
    return fit(job, (v) => `Dolmetscheinsatz ${job.code}: ${language(job, v)}, ${when}, ${place(job, v)}. ${answer}`);
  },

  /** To the winner of the first yes: everything needed to go there. */
  confirmation(job: JobText): string {
    const when = formatLocalRange(job.startsAt, job.endsAt);
    return fit(job, (v) => {
      const contact = [v.contact, job.contactPhone].filter(Boolean).join(" ");
      const setting = v.setting ? ` (${v.setting})` : "";
      return `Bestätigt: Einsatz ${job.code}, ${language(job, v)}, ${when}, ${place(job, v)}${setting}.${contact ? ` Kontakt: ${contact}.` : ""} Absagen mit ABSAGE ${job.code}`;
    });
  },

  alreadyTaken: (code: string) => `Einsatz ${code} ist schon vergeben. Danke für Ihre schnelle Antwort!`,
  withdrawn: (code: string) => `Einsatz ${code} ist vergeben oder entfallen. Sie müssen nichts tun. Danke!`,
  declined: (code: string) => `Danke, Ihre Absage für Einsatz ${code} ist notiert.`,
  expired: (code: string) => `Die Anfrage ${code} ist abgelaufen. Danke trotzdem!`,
  notFree: (code: string, clashCode: string) =>
    `Einsatz ${code} können wir Ihnen nicht geben: Sie haben zur selben Zeit Einsatz ${clashCode}.`,
  notAvailable: (code: string) => `Einsatz ${code} können wir Ihnen leider nicht geben. Das Büro meldet sich bei Fragen.`,
  unknownCode: (code: string) => `Zu der Nummer ${code} haben Sie keine offene Anfrage. Bitte Nummer prüfen.`,
  askForCode: (codes: string[]) => `Sie haben mehrere Anfragen (${codes.join(", ")}). Bitte mit Nummer antworten, z.B. JA ${codes[0]}.`,
  noOpenOffer: () => "Sie haben gerade keine offene Anfrage.",
  withdrawalReceived: (code: string) => `Ihre Absage für Einsatz ${code} ist angekommen. Wir suchen Ersatz. Danke für die Nachricht!`,
  notAssigned: (code: string) => `Einsatz ${code} ist Ihnen nicht zugeteilt. Bitte Nummer prüfen.`,
  help: () => "Antworten Sie mit JA oder NEIN und der Einsatznummer, z.B. JA 4711. ABSAGE 4711 sagt einen zugesagten Einsatz ab. STOPP beendet die SMS.",
  unknownNumber: () => "Diese Nummer ist nicht im Dolmetscherpool eingetragen. Bitte wenden Sie sich an Ihr Koordinationsbüro.",
  optedOut: () => "Sie bekommen keine SMS mehr vom Dolmetscherpool. Mit START melden Sie sich wieder an.",
  optedIn: () => "Sie bekommen wieder Anfragen vom Dolmetscherpool. Mit STOPP melden Sie sich ab.",
  /** The secret address of the interpreter's calendar feed (POST /v1/interpreters/{id}/calendar-token). */
  calendarLink: (url: string) =>
    toGsmFriendly(`Ihre Einsätze als Kalender: ${url} - in der Kalender-App als Abo hinzufügen. Link nicht weitergeben. Ein neuer Link ersetzt diesen.`),

  reminder(job: JobText): string {
    const when = formatLocalRange(job.startsAt, job.endsAt);
    if (job.sensitive && job.mode === "onsite") {
      return fit(job, (v) => `Erinnerung: Einsatz ${job.code}, ${when}, ${place(job, v)}. Absagen mit ABSAGE ${job.code}`);
    }
    return fit(job, (v) => `Erinnerung: Einsatz ${job.code}, ${language(job, v)}, ${when}, ${place(job, v)}. Absagen mit ABSAGE ${job.code}`);
  },

  cancelled(job: JobText): string {
    return toGsmFriendly(`Einsatz ${job.code} am ${formatLocalRange(job.startsAt, job.endsAt)} ist abgesagt. Sie müssen nicht kommen. Danke!`);
  },

  changed(job: JobText): string {
    const when = formatLocalRange(job.startsAt, job.endsAt);
    return fit(job, (v) => `Geändert: Einsatz ${job.code} ist jetzt ${when}, ${place(job, v)}. Passt es nicht: ABSAGE ${job.code}`);
  },
};
