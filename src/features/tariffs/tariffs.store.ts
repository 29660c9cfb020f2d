import type { Tariff, TariffModel, LateCancellationPay } from "../../domain/tariffs";
import type { SqlTx } from "../../db/sql-transaction";
import type { Prisma } from "../../generated/prisma/client";

/** Without any configured tariff: Düren's flat 20 EUR, and a late cancellation paid like the job. */
export const DEFAULT_TARIFF: Tariff = {
  id: "default",
  validFrom: "2000-01-01",
  scope: {},
  model: { kind: "flat", amountCents: 2000 },
  travelCentsPerKm: null,
  lateCancellation: { hours: 24, pay: { kind: "base" } },
};

type TariffRow = Prisma.TariffGetPayload<object>;

export function toDomainTariff(row: Pick<TariffRow, "id" | "validFrom" | "organisationId" | "organisationKind" | "model" | "travelCentsPerKm" | "lateCancellationHours" | "lateCancellationPay">): Tariff {
  return {
    id: row.id,
    validFrom: row.validFrom.toISOString().slice(0, 10),
    scope: {
      ...(row.organisationId ? { organisationId: row.organisationId } : {}),
      ...(row.organisationKind ? { organisationKind: row.organisationKind } : {}),
    },
    model: row.model as unknown as TariffModel,
    travelCentsPerKm: row.travelCentsPerKm,
    lateCancellation: { hours: row.lateCancellationHours, pay: row.lateCancellationPay as unknown as LateCancellationPay },
  };
}

/** Every configured tariff (a pool has a handful), or the default when none is configured. */
export async function loadTariffs(db: Pick<SqlTx, "$queryRaw">): Promise<Tariff[]> {
  // In raw SQL, as it runs in the driver's transactions too: the date as text (the driver would
  // read a DATE as local midnight), the JSON columns parsed by either driver.
  const rows = await db.$queryRaw<(Omit<TariffRow, "validFrom"> & { validFrom: string })[]>`
    SELECT "id"::text AS "id", to_char("validFrom", 'YYYY-MM-DD') AS "validFrom", "organisationId"::text AS "organisationId",
      "organisationKind"::text AS "organisationKind", "model", "travelCentsPerKm", "lateCancellationHours"::float8 AS "lateCancellationHours", "lateCancellationPay"
    FROM "Tariff" ORDER BY "validFrom", "id"`;
  return rows.length === 0 ? [DEFAULT_TARIFF] : rows.map((row) => toDomainTariff({ ...row, validFrom: new Date(`${row.validFrom}T00:00:00Z`) }));
}
