import { z } from "@hono/zod-openapi";
import { MAX_REPORT_YEARS, periodProblem } from "../../domain/report-period";
import { TimestampSchema, isoDate } from "../../lib/common-schemas";
import { ORGANISATION_KINDS } from "../organisations/organisations.schemas";

export const ReportQuerySchema = z
  .object({
    from: isoDate().openapi({ description: "First local date (Europe/Berlin), inclusive", example: "2026-01-01" }),
    to: isoDate().openapi({ description: `Last local date (Europe/Berlin), inclusive; not before \`from\`, at most ${MAX_REPORT_YEARS} years after it`, example: "2026-12-31" }),
    format: z.enum(["json", "csv"]).default("json").openapi({ description: "`csv`: the same tables as one file for German Excel" }),
  })
  .superRefine((query, context) => {
    // Zod runs this even when a date is malformed (that issue is already reported).
    if (!isoDate().safeParse(query.from).success || !isoDate().safeParse(query.to).success) return;
    const problem = periodProblem(query.from, query.to);
    if (problem) context.addIssue({ code: "custom", path: ["to"], message: problem });
  });

const count = (description?: string) => z.number().int().openapi(description ? { description } : {});
const rate = z.number().nullable().openapi({ description: "assigned ÷ requested as a fraction with 4 decimals; null when nothing was requested", example: 0.7692 });

const fillFields = {
  requested: count("Requests: bookings starting in the period, except those the requester cancelled before anyone was assigned (withdrawn)"),
  assigned: count("Requests an interpreter was assigned to: status assigned or completed, or cancelled after the assignment"),
  completed: count("Assigned requests closed out after the job (any outcome)"),
  unfilled: count("Requests nobody took: the start passed unassigned (status unfilled), or the pool office cancelled them unassigned"),
  pending: count("Requests still open or offered (not decided yet)"),
  fillRate: rate,
};

const CancellationRowSchema = z.object({
  cancelledBy: z.enum(["requester", "coordinator", "interpreter"]),
  total: count(),
  late: count("Less than LATE_CANCELLATION_HOURS before the start"),
  notLate: count(),
});

export const ReportSummarySchema = z
  .object({
    period: z.object({
      from: z.string().openapi({ example: "2026-01-01" }),
      to: z.string().openapi({ example: "2026-12-31" }),
      timeZone: z.string().openapi({ example: "Europe/Berlin" }),
      start: TimestampSchema.openapi({ description: "The instant local `from` begins" }),
      end: TimestampSchema.openapi({ description: "The instant after local `to` ends (exclusive)" }),
    }),
    totals: z
      .object({
        bookings: count("Every booking starting in the period"),
        withdrawn: count("Cancelled by the requester before anyone was assigned: not counted as requests"),
        ...fillFields,
      })
      .openapi({ description: "requested = assigned + unfilled + pending; bookings = requested + withdrawn" }),
    byLanguage: z.array(z.object({ language: z.string().openapi({ example: "ar" }), languageName: z.string().openapi({ example: "Arabisch" }), ...fillFields })),
    byOrganisationKind: z.array(z.object({ organisationKind: z.enum(ORGANISATION_KINDS), ...fillFields })).openapi({ description: "Every kind, also those without requests" }),
    byMunicipality: z.array(z.object({ municipality: z.string(), ...fillFields })).openapi({ description: "The requesting organisation's municipality" }),
    byMonth: z.array(z.object({ month: z.string().openapi({ example: "2026-03" }), ...fillFields })).openapi({ description: "Every local month of the period, by the local start time" }),
    unfilledByLanguage: z
      .array(z.object({ language: z.string(), languageName: z.string(), unfilled: count(), requested: count() }))
      .openapi({ description: "Languages with unfilled requests, most first: where the pool needs to recruit" }),
    cancellations: z
      .object({ total: count(), late: count(), notLate: count(), byWhom: z.array(CancellationRowSchema) })
      .openapi({
        description:
          "Cancelled bookings of the period by who cancelled (requester, coordinator), and `interpreter`: the times an assigned interpreter gave a job back (the booking reopened), from the booking history",
      }),
    outcomes: z
      .object({ completed: count(), done: count(), clientNoShow: count(), interpreterNoShow: count() })
      .openapi({ description: "Completed jobs by outcome" }),
    timeToConfirmation: z
      .object({
        assignments: count("Assigned requests"),
        medianMinutes: z.number().nullable().openapi({ description: "Median minutes from the request to the (latest) assignment, 1 decimal; null without assignments" }),
      }),
    allowances: z
      .object({
        count: count("Allowances not rejected"),
        amountCents: count("Their sum in cents"),
        byStatus: z.array(z.object({ status: z.enum(["pending", "approved", "exported", "paid", "rejected"]), count: count(), amountCents: count() })),
      })
      .openapi({ description: "Allowances of jobs starting in the period (by service date): paid, and what is still owed (approved, exported) or awaits a decision (pending)" }),
    fairness: z
      .object({
        interpreters: count("Active interpreters (now)"),
        withoutAssignment: count(),
        assignments: count("Their assignments (status assigned or completed) starting in the period"),
        minAssignments: z.number().int().nullable(),
        medianAssignments: z.number().nullable(),
        maxAssignments: z.number().int().nullable(),
      })
      .openapi({ description: "How evenly assignments were spread over the active interpreters" }),
  })
  .openapi("ReportSummary");
