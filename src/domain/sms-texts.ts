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

function language(job: JobText): string {
  return job.dialect ? `${germanLanguageName(job.language)} (${job.dialect})` : germanLanguageName(job.language);
}

function place(job: JobText): string {
  if (job.mode !== "onsite") return `${MODE_TEXT[job.mode]}, ${job.organisationName}`;
  const address = [job.street, [job.postcode, job.city].filter(Boolean).join(" ")].filter(Boolean).join(", ");
  return [job.organisationName, address, job.room ? `Raum ${job.room}` : null].filter(Boolean).join(", ");
}

/**
 * Joins the fixed parts and one variable part (a place, a name), shortening only the variable
 * part until the whole text fits into two segments.
 */
function fit(build: (variable: string) => string, variable: string): string {
  let current = toGsmFriendly(variable);
  for (;;) {
    const text = toGsmFriendly(build(current));
    if (countSegments(text).segments <= MAX_SEGMENTS || current.length <= 13) return text;
    current = `${current.slice(0, current.length - 13).trimEnd()}...`;
  }
}

export const smsTexts = {
  /** The offer; sensitive jobs show neither place nor setting before a yes. */
  offer(job: JobText): string {
    const when = formatLocalRange(job.startsAt, job.endsAt);
    const answer = `Zusage: JA ${job.code} - Absage: NEIN ${job.code}`;
    if (job.sensitive) {
      const kind = job.mode === "onsite" ? "Ort nach Zusage" : MODE_TEXT[job.mode];
      return toGsmFriendly(`Dolmetscheinsatz ${job.code}: ${language(job)}, ${when}, ${kind}. ${answer}`);
    }
    return fit((where) => `Dolmetscheinsatz ${job.code}: ${language(job)}, ${when}, ${where}. ${answer}`, place(job));
  },

  /** To the winner of the first yes: everything needed to go there. */
  confirmation(job: JobText): string {
    const when = formatLocalRange(job.startsAt, job.endsAt);
    const contact = [job.contactName, job.contactPhone].filter(Boolean).join(" ");
    const setting = job.setting ? ` (${job.setting})` : "";
    return fit(
      (where) =>
        `Bestätigt: Einsatz ${job.code}, ${language(job)}, ${when}, ${where}${setting}.${contact ? ` Kontakt: ${contact}.` : ""} Absagen mit ABSAGE ${job.code}`,
      place(job),
    );
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

  reminder(job: JobText): string {
    const when = formatLocalRange(job.startsAt, job.endsAt);
    if (job.sensitive && job.mode === "onsite") {
      return fit((where) => `Erinnerung: Einsatz ${job.code}, ${when}, ${where}. Absagen mit ABSAGE ${job.code}`, place(job));
    }
    return fit((where) => `Erinnerung: Einsatz ${job.code}, ${language(job)}, ${when}, ${where}. Absagen mit ABSAGE ${job.code}`, place(job));
  },

  cancelled(job: JobText): string {
    return toGsmFriendly(`Einsatz ${job.code} am ${formatLocalRange(job.startsAt, job.endsAt)} ist abgesagt. Sie müssen nicht kommen. Danke!`);
  },

  changed(job: JobText): string {
    const when = formatLocalRange(job.startsAt, job.endsAt);
    return fit((where) => `Geändert: Einsatz ${job.code} ist jetzt ${when}, ${where}. Passt es nicht: ABSAGE ${job.code}`, place(job));
  },
};
