import { z } from "@hono/zod-openapi";
import { parseClockTime } from "../../domain/pool-time";
import { isoDate, text } from "../../lib/common-schemas";

const ClockTimeSchema = z
  .string()
  .refine((value) => parseClockTime(value) !== null, "A time like 09:00 (00:00–24:00)")
  .openapi({ example: "09:00" });

export const WeeklySlotSchema = z
  .strictObject({
    weekday: z.number().int().min(1).max(7).openapi({ description: "1 = Monday … 7 = Sunday", example: 2 }),
    from: ClockTimeSchema,
    to: ClockTimeSchema.openapi({ example: "12:00" }),
  })
  .refine((slot) => parseClockTime(slot.from)! < parseClockTime(slot.to)!, { message: "`from` must be before `to`", path: ["to"] })
  .openapi("WeeklySlot");

export const AbsenceSchema = z
  .strictObject({
    from: isoDate().openapi({ example: "2026-12-01" }),
    to: isoDate().openapi({ example: "2026-12-05" }),
    note: text(200).nullable().optional().openapi({ example: "Urlaub" }),
  })
  .refine((absence) => absence.from <= absence.to, { message: "`from` must not be after `to`", path: ["to"] })
  .openapi("Absence");

export const AvailabilitySchema = z
  .strictObject({
    weekly: z.array(WeeklySlotSchema).max(50),
    absences: z.array(AbsenceSchema).max(200).default([]),
  })
  .openapi("Availability", {
    description: "Local times (Europe/Berlin); absence dates are inclusive. PUT replaces both lists.",
  });

export const AvailabilityViewSchema = z
  .object({
    interpreterId: z.string(),
    weekly: z.array(z.object({ weekday: z.number().int(), from: z.string(), to: z.string() })),
    absences: z.array(z.object({ from: z.string(), to: z.string(), note: z.string().nullable() })),
  })
  .openapi("AvailabilityView");

export type AvailabilityInput = z.infer<typeof AvailabilitySchema>;
export type AvailabilityView = z.infer<typeof AvailabilityViewSchema>;
