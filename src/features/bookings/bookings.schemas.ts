import { z } from "@hono/zod-openapi";
import { BOOKING_STATUSES } from "../../domain/booking-lifecycle";
import { EXCLUSION_RULES } from "../../domain/matching";
import { PostcodeSchema, TimestampSchema, booleanQuery, isoDateTime, text } from "../../lib/common-schemas";
import { PageQuerySchema, pageSchema } from "../../lib/pagination";
import { LanguageCodeSchema, MODES } from "../interpreters/interpreters.schemas";

export const TOPICS = ["general", "medical", "psychosocial", "school", "authority", "youth_welfare"] as const;
export const OUTCOMES = ["done", "client_no_show", "interpreter_no_show"] as const;
export const CANCELLED_BY = ["requester", "interpreter", "coordinator"] as const;

export const MIN_DURATION = 15;
export const MAX_DURATION = 600;

export const LocationSchema = z
  .strictObject({
    street: text(200).openapi({ example: "Bismarckstr. 10" }),
    postcode: PostcodeSchema,
    city: text(100).openapi({ example: "Düren" }),
    room: text(100).nullable().optional().openapi({ example: "Raum 2.14" }),
  })
  .openapi("Location");

const GenderPreferenceSchema = z
  .strictObject({
    gender: z.enum(["female", "male"]),
    required: z.boolean().openapi({ description: "true: only this gender; false: preferred" }),
  })
  .openapi("GenderPreference");

const StartsAtSchema = isoDateTime("ISO 8601 date and time with offset, e.g. 2026-11-25T09:30:00+01:00")
  .openapi({ example: "2026-11-25T09:30:00+01:00" });

/** The fields of a booking request, shared by single bookings and series. */
export const bookingRequestFields = {
  organisationId: z.string().max(100).optional().openapi({ description: "Required for coordinator keys; implicit for requester keys" }),
  language: LanguageCodeSchema,
  dialect: text(60).nullable().optional().openapi({ example: "levantinisch" }),
  startsAt: StartsAtSchema,
  durationMinutes: z.number().int().min(MIN_DURATION).max(MAX_DURATION).openapi({ example: 60 }),
  mode: z.enum(MODES).openapi({ example: "onsite" }),
  location: LocationSchema.nullable().optional().openapi({ description: "Required on site" }),
  setting: text(200).nullable().optional().openapi({ example: "Elterngespräch" }),
  topic: z.enum(TOPICS).default("general"),
  sensitive: z.boolean().default(false).openapi({ description: "Place and topic are only shared with the interpreter after a yes" }),
  genderPreference: GenderPreferenceSchema.nullable().optional(),
  caseReference: text(100).nullable().optional().openapi({ description: "A file number, never a client's name", example: "BG-2026-0815" }),
  contactName: text(200).nullable().optional().openapi({ example: "Frau Schmitz" }),
  contactPhone: z.string().trim().regex(/^[+\d][\d\s/()-]{4,30}$/, "A phone number").nullable().optional().openapi({ example: "02421 123-456" }),
  notes: text(2000).nullable().optional(),
};

const onsiteNeedsLocation = <T extends { mode: string; location?: unknown }>(booking: T, ctx: z.RefinementCtx) => {
  if (booking.mode === "onsite" && !booking.location) {
    ctx.addIssue({ code: "custom", path: ["location"], message: "An on-site booking needs a place (street, postcode, city)" });
  }
};

export const CreateBookingSchema = z.strictObject(bookingRequestFields).superRefine(onsiteNeedsLocation).openapi("CreateBooking");

const { startsAt, durationMinutes, location, setting, topic, sensitive, genderPreference, caseReference, contactName, contactPhone, notes, dialect } = bookingRequestFields;

/** What may change on an active booking; language, mode and organisation are fixed (book anew instead). */
export const UpdateBookingSchema = z
  .strictObject({
    startsAt,
    durationMinutes,
    location,
    setting,
    topic: topic.removeDefault(),
    sensitive: sensitive.removeDefault(),
    genderPreference,
    caseReference,
    contactName,
    contactPhone,
    notes,
    dialect,
  })
  .partial()
  .openapi("UpdateBooking");

export const CancelBookingSchema = z
  .strictObject({
    reason: text(500).openapi({ example: "Termin entfällt" }),
    cancelledBy: z.enum(CANCELLED_BY).optional().openapi({ description: "Defaults to the key's role; requester keys always cancel as requester" }),
  })
  .openapi("CancelBooking");

export const AssignBookingSchema = z
  .strictObject({
    interpreterId: z.string().max(100),
    force: z.boolean().default(false).openapi({ description: "Override availability, absence, monthly limit and travel distance (never a double booking)" }),
    reason: text(500).optional().openapi({ description: "Why (recorded in the history), e.g. for a forced assignment" }),
  })
  .openapi("AssignBooking");

export const CompleteBookingSchema = z
  .strictObject({
    outcome: z.enum(OUTCOMES),
    actualStartsAt: StartsAtSchema.optional(),
    actualMinutes: z.number().int().min(0).max(24 * 60).optional(),
    travelKm: z.number().int().min(0).max(2000).optional(),
    note: text(1000).optional(),
  })
  .openapi("CompleteBooking");

export const HistoryEntrySchema = z
  .object({
    at: TimestampSchema,
    actor: z.object({
      type: z.enum(["key", "sms", "system"]),
      keyId: z.string().nullable(),
      phone: z.string().nullable().openapi({ description: "For SMS: the sender (masked)" }),
    }),
    action: z.string().openapi({ example: "assigned" }),
    from: z.enum(BOOKING_STATUSES).nullable(),
    to: z.enum(BOOKING_STATUSES).nullable(),
    reason: z.string().nullable(),
    details: z.unknown(),
  })
  .openapi("BookingHistoryEntry");

export const BookingSchema = z
  .object({
    id: z.string(),
    code: z.string().openapi({ description: "Short job code used in SMS", example: "4711" }),
    status: z.enum(BOOKING_STATUSES),
    organisationId: z.string(),
    organisationName: z.string(),
    seriesId: z.string().nullable(),
    language: z.string(),
    dialect: z.string().nullable(),
    startsAt: TimestampSchema,
    endsAt: TimestampSchema,
    durationMinutes: z.number().int(),
    mode: z.enum(MODES),
    location: z.object({ street: z.string(), postcode: z.string(), city: z.string(), room: z.string().nullable() }).nullable(),
    setting: z.string().nullable(),
    topic: z.enum(TOPICS),
    sensitive: z.boolean(),
    genderPreference: z.object({ gender: z.enum(["female", "male"]), required: z.boolean() }).nullable(),
    caseReference: z.string().nullable().optional(),
    contactName: z.string().nullable().optional(),
    contactPhone: z.string().nullable().optional(),
    notes: z.string().nullable().optional(),
    interpreterId: z.string().nullable(),
    interpreter: z
      .object({ id: z.string(), name: z.string(), phone: z.string().optional() })
      .nullable()
      .openapi({ description: "The assigned interpreter; the phone only when the pool shares it (SHARE_INTERPRETER_PHONE) or for coordinators" }),
    assignedAt: TimestampSchema.nullable(),
    cancellation: z
      .object({ at: TimestampSchema, by: z.enum(CANCELLED_BY), reason: z.string(), late: z.boolean() })
      .nullable(),
    completion: z
      .object({
        at: TimestampSchema,
        outcome: z.enum(OUTCOMES),
        actualStartsAt: TimestampSchema.nullable(),
        actualMinutes: z.number().int().nullable(),
        travelKm: z.number().int().nullable(),
        note: z.string().nullable(),
      })
      .nullable(),
    needsAttention: z.boolean().openapi({ description: "Nobody left to ask by SMS: the office has to step in" }),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
    history: z.array(HistoryEntrySchema).optional().openapi({ description: "Only when reading one booking" }),
  })
  .openapi("Booking");

const statusList = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    const statuses = value.split(",").map((status) => status.trim());
    for (const status of statuses) {
      if (!(BOOKING_STATUSES as readonly string[]).includes(status)) {
        ctx.addIssue({ code: "custom", message: `Unknown status '${status}' (${BOOKING_STATUSES.join(", ")})` });
      }
    }
    return statuses as (typeof BOOKING_STATUSES)[number][];
  })
  .openapi({ type: "string", description: "One status or several separated by commas", example: "open,offered" });

export const ListBookingsQuerySchema = PageQuerySchema.extend({
  status: statusList.optional(),
  from: StartsAtSchema.optional().openapi({ description: "Bookings starting at or after" }),
  to: StartsAtSchema.optional().openapi({ description: "Bookings starting before" }),
  language: LanguageCodeSchema.optional(),
  organisationId: z.string().max(100).optional(),
  interpreterId: z.string().max(100).optional(),
  seriesId: z.string().max(100).optional(),
  needsAttention: booleanQuery.optional().openapi({ description: "Only bookings that ran out of candidates (or were too short-notice for SMS): the office has to step in" }),
});

export const BookingPageSchema = pageSchema(BookingSchema, "BookingPage");

export const DEFAULT_CANDIDATES = 20;
export const MAX_CANDIDATES = 200;

export const CandidatesQuerySchema = z.object({
  includeExcluded: booleanQuery.optional().openapi({ description: "Also list everyone who cannot take the job, with the rule that excludes them (checks the whole pool: slower)" }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_CANDIDATES)
    .default(DEFAULT_CANDIDATES)
    .openapi({ description: `How many candidates, best first (1–${MAX_CANDIDATES})`, example: DEFAULT_CANDIDATES }),
});

const CandidateInterpreterSchema = z.object({
  id: z.string(),
  name: z.string(),
  gender: z.enum(["female", "male", "diverse"]).nullable(),
  qualification: z.enum(["volunteer", "trained", "certified"]),
  languages: z.array(z.object({ code: z.string(), dialect: z.string().nullable(), level: z.enum(["native", "fluent", "basic"]) })),
  homePostcode: z.string().nullable(),
});

export const CandidatesSchema = z
  .object({
    candidates: z.array(
      z.object({
        interpreter: CandidateInterpreterSchema,
        score: z.number().openapi({ description: "Higher is better; the integer part is the fairness band (99 − assignments in the last 30 days)" }),
        reasons: z.array(z.string()).openapi({ example: ["spricht ar (levantinisch, Muttersprache)", "frei Di 09:00–12:00", "2 Einsätze in den letzten 30 Tagen"] }),
      }),
    ),
    hasMore: z.boolean().openapi({ description: "More eligible interpreters exist than `limit` returned" }),
    excluded: z.array(z.object({ interpreter: CandidateInterpreterSchema, rule: z.enum(EXCLUSION_RULES), reason: z.string() })),
  })
  .openapi("Candidates");

export type CreateBooking = z.infer<typeof CreateBookingSchema>;
export type BookingView = z.infer<typeof BookingSchema>;
export type ListBookingsQuery = z.infer<typeof ListBookingsQuerySchema>;
export type CancelBooking = z.infer<typeof CancelBookingSchema>;
export type UpdateBooking = z.infer<typeof UpdateBookingSchema>;
export type AssignBooking = z.infer<typeof AssignBookingSchema>;
export type CompleteBooking = z.infer<typeof CompleteBookingSchema>;
