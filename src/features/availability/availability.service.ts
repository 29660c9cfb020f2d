import type { Database } from "../../db/database";
import { formatMinute, parseClockTime } from "../../domain/pool-time";
import { ApiError } from "../../lib/api-error";
import { isUuid } from "../../lib/pagination";
import type { AvailabilityInput, AvailabilityView } from "./availability.schemas";

export const dateOnly = (date: Date) => date.toISOString().slice(0, 10);
export const utcDate = (date: string) => new Date(`${date}T00:00:00Z`);

export function createAvailabilityService(db: Database) {
  const { prisma } = db;

  async function requireInterpreter(id: string) {
    if (!isUuid(id) || !(await prisma.interpreter.findUnique({ where: { id }, select: { id: true } }))) {
      throw new ApiError("NOT_FOUND", `No interpreter with id ${id}.`);
    }
  }

  async function get(interpreterId: string): Promise<AvailabilityView> {
    await requireInterpreter(interpreterId);
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
      await requireInterpreter(interpreterId);
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
