import { calculateAllowance, lateCancellationApplies, selectTariff, type JobOutcome } from "../../domain/tariffs";
import { toLocal } from "../../domain/pool-time";
import type { Prisma } from "../../generated/prisma/client";
import { loadTariffs } from "../tariffs/tariffs.store";

type Tx = Prisma.TransactionClient;

export interface AllowanceInput {
  booking: { id: string; organisationId: string; startsAt: Date; durationMinutes: number };
  interpreterId: string;
  outcome: JobOutcome;
  /** Worked minutes (done), or the booked minutes (no-shows, late cancellations). */
  minutes: number;
  travelKm: number | null;
  approval: "auto" | "coordinator";
  now: Date;
}



/**
 * Computes and stores the allowance of a closed-out job under the tariff in force at its start,
 * in the caller's transaction (exactly one per booking: `bookingId` is unique). A late
 * cancellation that the tariff in force does not count as late (its own hours) gets none (null).
 */
export async function createAllowance(tx: Tx, input: AllowanceInput) {
  const organisation = await tx.organisation.findUniqueOrThrow({ where: { id: input.booking.organisationId }, select: { kind: true } });
  const tariff = selectTariff(await loadTariffs(tx), {
    startsAt: input.booking.startsAt,
    organisationId: input.booking.organisationId,
    organisationKind: organisation.kind,
  });
  if (input.outcome === "late_cancellation" && tariff && !lateCancellationApplies(input.booking.startsAt, input.now, tariff.lateCancellation.hours)) {
    return null;
  }
  const result = tariff
    ? calculateAllowance(tariff, { outcome: input.outcome, minutes: input.minutes, travelKm: input.travelKm })
    : { amountCents: 0, lines: [] };
  return tx.allowance.create({
    data: {
      bookingId: input.booking.id,
      interpreterId: input.interpreterId,
      organisationId: input.booking.organisationId,
      tariffId: tariff && tariff.id !== "default" ? tariff.id : null,
      outcome: input.outcome,
      serviceDate: input.booking.startsAt,
      year: toLocal(input.booking.startsAt).year,
      amountCents: result.amountCents,
      breakdown: result.lines as unknown as Prisma.InputJsonValue,
      status: input.approval === "auto" ? "approved" : "pending",
      decidedAt: input.approval === "auto" ? input.now : null,
      createdAt: input.now,
    },
  });
}
