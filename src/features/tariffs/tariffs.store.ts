import type { Tariff, TariffModel, LateCancellationPay } from "../../domain/tariffs";
import type { Prisma } from "../../generated/prisma/client";

type Db = Prisma.TransactionClient;

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

export function toDomainTariff(row: TariffRow): Tariff {
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
export async function loadTariffs(db: Db): Promise<Tariff[]> {
  const rows = await db.tariff.findMany({ orderBy: [{ validFrom: "asc" }, { id: "asc" }] });
  return rows.length === 0 ? [DEFAULT_TARIFF] : rows.map(toDomainTariff);
}
