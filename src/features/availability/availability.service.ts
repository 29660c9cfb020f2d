import type { Database } from "../../db/database";
import { formatMinute, parseClockTime } from "../../domain/pool-time";
import type { Prisma } from "../../generated/prisma/client";
import { lockLiveInterpreter, requireInterpreter } from "../interpreters/interpreters.service";
import type { AvailabilityInput, AvailabilityView } from "./availability.schemas";

export const dateOnly = (date: Date) => date.toISOString().slice(0, 10);
export const utcDate = (date: string) => new Date(`${date}T00:00:00Z`);

/** The stored lists; `client` is the transaction when called inside one. */
async function readAvailability(client: Prisma.TransactionClient, interpreterId: string): Promise<AvailabilityView> {
  const slots = await client.availabilitySlot.findMany({ where: { interpreterId }, orderBy: [{ weekday: "asc" }, { fromMinute: "asc" }] });
  const absences = await client.absence.findMany({ where: { interpreterId }, orderBy: [{ fromDate: "asc" }, { id: "asc" }] });
  return {
    interpreterId,
    weekly: slots.map((slot) => ({ weekday: slot.weekday, from: formatMinute(slot.fromMinute), to: formatMinute(slot.toMinute) })),
    absences: absences.map((absence) => ({ from: dateOnly(absence.fromDate), to: dateOnly(absence.toDate), note: absence.note })),
  };
}

export function createAvailabilityService(db: Database) {
  const { prisma } = db;

  return {
    async get(interpreterId: string): Promise<AvailabilityView> {
      await requireInterpreter(db, interpreterId);
      return readAvailability(prisma, interpreterId);
    },

    /**
     * Replaces the weekly slots and absences of an interpreter, both lists at once. The person's
     * row is locked first: an erasure running at the same time either deletes these lists after
     * this commits, or has committed and this answers 409 (never a list left on an erased person).
     */
    async replace(interpreterId: string, input: AvailabilityInput): Promise<AvailabilityView> {
      return prisma.$transaction(async (tx) => {
        await lockLiveInterpreter(tx, interpreterId);
        await tx.availabilitySlot.deleteMany({ where: { interpreterId } });
        await tx.absence.deleteMany({ where: { interpreterId } });
        await tx.availabilitySlot.createMany({
          data: input.weekly.map((slot) => ({
            interpreterId,
            weekday: slot.weekday,
            fromMinute: parseClockTime(slot.from)!,
            toMinute: parseClockTime(slot.to)!,
          })),
        });
        await tx.absence.createMany({
          data: input.absences.map((absence) => ({
            interpreterId,
            fromDate: utcDate(absence.from),
            toDate: utcDate(absence.to),
            note: absence.note ?? null,
          })),
        });
        return readAvailability(tx, interpreterId);
      });
    },
  };
}

export type AvailabilityService = ReturnType<typeof createAvailabilityService>;
