import type { OrganisationKind } from "../../generated/prisma/enums";
import { calculateAllowance, lateCancellationApplies, selectTariff, type JobOutcome } from "../../domain/tariffs";
import { toLocal } from "../../domain/pool-time";
import type { SqlTx } from "../../db/sql-transaction";
import { uuidV7 } from "../../lib/encoding";
import { loadTariffs } from "../tariffs/tariffs.store";

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
export async function createAllowance(tx: SqlTx, input: AllowanceInput): Promise<{ id: string; amountCents: number } | null> {
  const [organisation] = await tx.$queryRaw<{ kind: string }[]>`SELECT "kind"::text AS "kind" FROM "Organisation" WHERE "id" = ${input.booking.organisationId}::uuid`;
  if (!organisation) throw new Error(`Organisation ${input.booking.organisationId} of booking ${input.booking.id} not found`);
  const tariff = selectTariff(await loadTariffs(tx), {
    startsAt: input.booking.startsAt,
    organisationId: input.booking.organisationId,
    organisationKind: organisation.kind as OrganisationKind,
  });
  if (input.outcome === "late_cancellation" && tariff && !lateCancellationApplies(input.booking.startsAt, input.now, tariff.lateCancellation.hours)) {
    return null;
  }
  const result = tariff
    ? calculateAllowance(tariff, { outcome: input.outcome, minutes: input.minutes, travelKm: input.travelKm })
    : { amountCents: 0, lines: [] };
  const id = uuidV7();
  const status = input.approval === "auto" ? "approved" : "pending";
  await tx.$executeRaw`
    INSERT INTO "Allowance" ("id", "bookingId", "interpreterId", "organisationId", "tariffId", "outcome", "serviceDate", "year", "amountCents", "breakdown", "status", "decidedAt", "createdAt")
    VALUES (${id}::uuid, ${input.booking.id}::uuid, ${input.interpreterId}::uuid, ${input.booking.organisationId}::uuid, ${tariff && tariff.id !== "default" ? tariff.id : null}::uuid,
      ${input.outcome}::text, ${input.booking.startsAt}::timestamptz, ${toLocal(input.booking.startsAt).year}::int, ${result.amountCents}::int, ${JSON.stringify(result.lines)}::jsonb,
      ${status}::text::"AllowanceStatus", ${input.approval === "auto" ? input.now : null}::timestamptz, ${input.now}::timestamptz)`;
  return { id, amountCents: result.amountCents };
}
