import { germanLanguageName } from "./languages";
import type { JobText } from "./sms-texts";

/** What the calendar feed shows of one booking, from the point of view of one interpreter. */
export interface CalendarJob extends JobText {
  bookingId: string;
  topic: string;
  /** The booking's current status. */
  status: string;
  /** Whether the booking is (still) this interpreter's: assigned to them, or completed by them. */
  assignedToThem: boolean;
  /** How many changes the booking has had (its history entries): grows with every change. */
  revision: number;
  updatedAt: Date;
}

/** One VEVENT, ready to be written (times are instants; the writer shows them in Europe/Berlin). */
export interface CalendarEvent {
  uid: string;
  summary: string;
  description: string;
  location: string | null;
  start: Date;
  end: Date;
  status: "CONFIRMED" | "CANCELLED";
  sequence: number;
  lastModified: Date;
}

const MODE_TEXT = { onsite: "vor Ort", phone: "am Telefon", video: "per Video" } as const;

const TOPIC_TEXT: Record<string, string> = {
  general: "allgemein",
  medical: "medizinisch",
  psychosocial: "psychosozial",
  school: "Schule",
  authority: "Behörde",
  youth_welfare: "Jugendhilfe",
};

/**
 * The UID of a booking's event: the same in every version of the feed, so phones update it in place.
 *
 * @example
 * calendarUid("0193aaaa-…"); // "0193aaaa-…@dolmetscherpool"
 */
export function calendarUid(bookingId: string): string {
  return `${bookingId}@dolmetscherpool`;
}

function languageText(job: CalendarJob): string {
  const name = germanLanguageName(job.language);
  return job.dialect ? `${name} (${job.dialect})` : name;
}

function addressOf(job: CalendarJob): string | null {
  if (job.mode !== "onsite") return null;
  const town = [job.postcode, job.city].filter(Boolean).join(" ");
  const address = [job.street, town].filter(Boolean).join(", ");
  return address ? [address, job.room ? `Raum ${job.room}` : null].filter(Boolean).join(", ") : null;
}

/**
 * The calendar event of one booking for the interpreter whose feed it is. A job of theirs is
 * CONFIRMED with everything needed to go there; a sensitive one shows neither the organisation,
 * the place nor the topic (the feed may end up in a cloud calendar; the confirmation SMS has the
 * place). A job that was cancelled, or given to someone else, is CANCELLED with nothing but the
 * language and the code, so the phone removes it and the person learns nothing of later changes.
 *
 * @example
 * calendarEventOf({ ...job, assignedToThem: true, status: "assigned" });
 * // { uid: "0193…@dolmetscherpool", summary: "Dolmetschen Arabisch – Schule Am Park", status: "CONFIRMED", … }
 */
export function calendarEventOf(job: CalendarJob): CalendarEvent {
  const common = {
    uid: calendarUid(job.bookingId),
    start: job.startsAt,
    end: job.endsAt,
    sequence: job.revision,
    lastModified: job.updatedAt,
  };
  const language = languageText(job);
  const theirs = job.assignedToThem && (job.status === "assigned" || job.status === "completed");
  if (!theirs) {
    const why = job.status === "cancelled" && job.assignedToThem ? "Der Einsatz ist abgesagt." : "Sie sind für diesen Einsatz nicht mehr eingeteilt.";
    return {
      ...common,
      summary: `Abgesagt: Dolmetschen ${language}`,
      description: `Einsatz ${job.code}. ${why} Sie müssen nicht kommen.`,
      location: null,
      status: "CANCELLED",
    };
  }
  if (job.sensitive) {
    return {
      ...common,
      summary: `Dolmetschen ${language} (vertraulich)`,
      description: [
        `Einsatz ${job.code}: ${language}, ${MODE_TEXT[job.mode]}.`,
        "Vertraulicher Einsatz: Ort und Einzelheiten stehen in der Bestätigungs-SMS oder kommen vom Koordinationsbüro.",
      ].join("\n"),
      location: null,
      status: "CONFIRMED",
    };
  }
  const place = addressOf(job);
  const contact = [job.contactName, job.contactPhone].filter(Boolean).join(", ");
  return {
    ...common,
    summary: `Dolmetschen ${language} – ${job.organisationName}`,
    description: [
      `Einsatz ${job.code}: ${language}, ${MODE_TEXT[job.mode]}.`,
      `Bei: ${job.organisationName}`,
      place ? `Ort: ${place}` : null,
      job.setting ? `Anlass: ${job.setting}` : null,
      `Thema: ${TOPIC_TEXT[job.topic] ?? job.topic}`,
      contact ? `Kontakt: ${contact}` : null,
      job.status === "assigned" ? `Absagen per SMS: ABSAGE ${job.code}` : null,
    ]
      .filter(Boolean)
      .join("\n"),
    location: place,
    status: "CONFIRMED",
  };
}
