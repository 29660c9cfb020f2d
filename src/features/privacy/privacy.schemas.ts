import { z } from "@hono/zod-openapi";
import { TimestampSchema } from "../../lib/common-schemas";
import { pageSchema } from "../../lib/pagination";
import { InterpreterSchema } from "../interpreters/interpreters.schemas";

/** What GET /v1/interpreters/{id} shows of an erased person: nothing personal. */
export const ErasedInterpreterSchema = z
  .object({
    id: z.string(),
    pseudonym: z.string().openapi({ example: "P-7K2M9Q", description: "Shown instead of the name in finance files and past bookings" }),
    erasedAt: TimestampSchema,
  })
  .openapi("ErasedInterpreter");

export const ErasureResultSchema = ErasedInterpreterSchema.extend({
  unassignedBookings: z
    .array(z.object({ id: z.string(), code: z.string() }))
    .openapi({ description: "Future assignments given back to the pool (open again, flagged needsAttention)" }),
  withdrawnOffers: z.number().int().openapi({ description: "Offers the person had not answered yet" }),
}).openapi("ErasureResult");

export const InterpreterEventSchema = z
  .object({
    id: z.string(),
    at: TimestampSchema,
    action: z.string().openapi({ example: "personal_data_read", description: "personal_data_read, erased, sms_opt_out, sms_opt_in, …" }),
    actor: z.object({ type: z.enum(["key", "sms", "system"]), keyId: z.string().nullable() }),
    details: z.unknown().openapi({ example: { fields: ["iban", "phone"], route: "GET /v1/interpreters/0193…" } }),
  })
  .openapi("InterpreterEvent");

export const InterpreterHistoryPageSchema = pageSchema(InterpreterEventSchema, "InterpreterHistoryPage");

const ExportBookingEventSchema = z.object({
  at: TimestampSchema,
  action: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  actorType: z.string(),
  reason: z.string().nullable(),
});

/**
 * Everything stored about one person (GDPR Art. 15). Bookings carry what concerns the person's own
 * work (time, place, organisation, outcome), not the clients' case data, which is not theirs.
 */
export const DataExportSchema = z
  .object({
    exportedAt: TimestampSchema,
    interpreter: InterpreterSchema.extend({
      calendarFeedSince: TimestampSchema.nullable().openapi({ description: "When the current calendar-feed link was made (the secret itself is not stored)" }),
      erasedAt: TimestampSchema.nullable(),
      pseudonym: z.string().nullable(),
    }).or(ErasedInterpreterSchema),
    availability: z.object({
      weekly: z.array(z.object({ weekday: z.number().int(), from: z.string(), to: z.string() })),
      absences: z.array(z.object({ from: z.string(), to: z.string(), note: z.string().nullable() })),
    }),
    blocks: z.array(z.object({ organisationId: z.string(), organisationName: z.string(), reason: z.string(), createdAt: TimestampSchema })),
    offers: z.array(
      z.object({
        bookingId: z.string(),
        bookingCode: z.string(),
        wave: z.number().int(),
        status: z.string(),
        createdAt: TimestampSchema,
        expiresAt: TimestampSchema,
        respondedAt: TimestampSchema.nullable(),
      }),
    ),
    smsMessages: z.array(
      z.object({
        id: z.string(),
        direction: z.string(),
        to: z.string(),
        from: z.string().nullable(),
        body: z.string(),
        reply: z.string().nullable(),
        status: z.string(),
        purpose: z.string(),
        bookingId: z.string().nullable(),
        createdAt: TimestampSchema,
        sentAt: TimestampSchema.nullable(),
        redactedAt: TimestampSchema.nullable(),
      }),
    ),
    bookings: z.array(
      z.object({
        id: z.string(),
        code: z.string(),
        organisationName: z.string(),
        language: z.string(),
        dialect: z.string().nullable(),
        startsAt: TimestampSchema,
        endsAt: TimestampSchema,
        mode: z.string(),
        place: z.string().nullable(),
        status: z.string(),
        assignedToThisPerson: z.boolean(),
        outcome: z.string().nullable(),
        actualMinutes: z.number().int().nullable(),
        travelKm: z.number().int().nullable(),
        events: z.array(ExportBookingEventSchema),
      }),
    ),
    allowances: z.array(
      z.object({
        id: z.string(),
        bookingId: z.string(),
        serviceDate: TimestampSchema,
        year: z.number().int(),
        outcome: z.string(),
        amountCents: z.number().int(),
        breakdown: z.unknown(),
        status: z.string(),
        exportBatchId: z.string().nullable(),
        createdAt: TimestampSchema,
      }),
    ),
    events: z.array(InterpreterEventSchema),
  })
  .openapi("InterpreterDataExport");

export type ErasedInterpreter = z.infer<typeof ErasedInterpreterSchema>;
export type ErasureResult = z.infer<typeof ErasureResultSchema>;
export type InterpreterEventView = z.infer<typeof InterpreterEventSchema>;
export type DataExport = z.infer<typeof DataExportSchema>;
