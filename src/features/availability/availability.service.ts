import type { Database } from "../../db/database";
import { formatMinute, parseClockTime } from "../../domain/pool-time";
import { requireInterpreter } from "../interpreters/interpreters.service";
import type { AvailabilityInput, AvailabilityView } from "./availability.schemas";

export const dateOnly = (date: Date) => date.toISOString().slice(0, 10);
export const utcDate = (date: string) => new Date(`${date}T00:00:00Z`);

export function createAvailabilityService(db: Database) {
  const { prisma } = db;

  async function get(interpreterId: string): Promise<AvailabilityView> {
    await requireInterpreter(db, interpreterId);
    const [slots, absences] = await Promise.all([
      prisma.availabilitySlot.findMany({ where: { interpreterId }, orderBy: [{ weekday: "asc" }, { fromMinute: "asc" }] }),
      prisma.absence.findMany({ where: { interpreterId }, orderBy: [{ fromDate: "asc" }, { id: "asc" }] }),
    ]);
    return {
      interpreterId,
      weekly: slots.map((slot) => ({ weekday: slot.weekday, from: formatMinute(slot.fromMinute), to: formatMinute(slot.toMinute) })),
      absences: absences.map((absence) => ({ from: dateOnly(absence.fromDate), to: dateOnly(absence.toDate), note: absence.note })),
    };
  }

  return {
    get,
    /** Replaces the weekly slots and absences of an interpreter, both lists at once. */
    async replace(interpreterId: string, input: AvailabilityInput): Promise<AvailabilityView> {
      await requireInterpreter(db, interpreterId);
      await prisma.$transaction([
        prisma.availabilitySlot.deleteMany({ where: { interpreterId } }),
        prisma.absence.deleteMany({ where: { interpreterId } }),
        prisma.availabilitySlot.createMany({
          data: input.weekly.map((slot) => ({
            interpreterId,
            weekday: slot.weekday,
            fromMinute: parseClockTime(slot.from)!,
            toMinute: parseClockTime(slot.to)!,
          })),
        }),
        prisma.absence.createMany({
          data: input.absences.map((absence) => ({
            interpreterId,
            fromDate: utcDate(absence.from),
            toDate: utcDate(absence.to),
            note: absence.note ?? null,
          })),
        }),
      ]);
      return get(interpreterId);
    },
  };
}

export type AvailabilityService = ReturnType<typeof createAvailabilityService>;
