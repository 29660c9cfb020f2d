import type { Actor } from "../../auth/actor";
import type { Database } from "../../db/database";
import type { Prisma } from "../../generated/prisma/client";
import { ApiError } from "../../lib/api-error";
import type { Clock } from "../../lib/clock";
import { afterCursor, isUuid, toPage } from "../../lib/pagination";
import { requireInterpreter } from "../interpreters/interpreters.service";

export type AllowanceRow = Prisma.AllowanceGetPayload<{ include: { booking: { select: { code: true } } } }>;

export const ALLOWANCE_INCLUDE = { booking: { select: { code: true } } } as const;

export function toAllowanceView(row: AllowanceRow) {
  return {
    id: row.id,
    bookingId: row.bookingId,
    bookingCode: row.booking.code,
    interpreterId: row.interpreterId,
    organisationId: row.organisationId,
    outcome: row.outcome,
    serviceDate: row.serviceDate.toISOString(),
    year: row.year,
    amountCents: row.amountCents,
    breakdown: row.breakdown as { kind: string; description: string; quantity: number; unitCents: number; amountCents: number }[],
    status: row.status,
    rejectionReason: row.rejectionReason,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    exportBatchId: row.exportBatchId,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The tax-free Ehrenamtspauschale for a year: the entry of the latest year not after it. */
export function yearlyCapCents(caps: [number, number][], year: number): number | null {
  let cap: number | null = null;
  for (const [from, cents] of caps) if (from <= year) cap = cents;
  return cap;
}

/** Allowances that count against the yearly cap: everything not rejected. */
const COUNTING: Prisma.AllowanceWhereInput = { status: { in: ["pending", "approved", "exported", "paid"] } };

export function createAllowanceService(deps: { db: Database; clock: Clock; caps: [number, number][] }) {
  const { prisma } = deps.db;

  function visibleTo(actor: Actor): Prisma.AllowanceWhereInput {
    return actor.role === "requester" ? { organisationId: actor.organisationId ?? "" } : {};
  }

  async function decide(actor: Actor, id: string, approve: boolean, reason?: string) {
    return prisma.$transaction(async (tx) => {
      const row = isUuid(id) ? await tx.allowance.findUnique({ where: { id }, include: ALLOWANCE_INCLUDE }) : null;
      if (!row) throw new ApiError("NOT_FOUND", `No allowance with id ${id}.`);
      // Conditional update: two decisions at once cannot both pass.
      const { count } = await tx.allowance.updateMany({
        where: { id, status: "pending" },
        data: approve
          ? { status: "approved", decidedAt: deps.clock.now(), decidedByKeyId: actor.keyId }
          : { status: "rejected", rejectionReason: reason ?? null, decidedAt: deps.clock.now(), decidedByKeyId: actor.keyId },
      });
      if (count === 0) {
        throw new ApiError("INVALID_TRANSITION", `The allowance is ${row.status}; only pending allowances can be ${approve ? "approved" : "rejected"}.`, { from: row.status });
      }
      return toAllowanceView(await tx.allowance.findUniqueOrThrow({ where: { id }, include: ALLOWANCE_INCLUDE }));
    });
  }

  return {
    async list(actor: Actor, query: { limit: number; cursor?: string; status?: Prisma.AllowanceWhereInput["status"]; year?: number; interpreterId?: string; organisationId?: string }) {
      if ([query.interpreterId, query.organisationId].some((value) => value !== undefined && !isUuid(value))) return { items: [], nextCursor: null };
      const rows = await prisma.allowance.findMany({
        where: {
          AND: [
            visibleTo(actor),
            afterCursor(query.cursor),
            query.status ? { status: query.status } : {},
            query.year ? { year: query.year } : {},
            query.interpreterId ? { interpreterId: query.interpreterId } : {},
            query.organisationId ? { organisationId: query.organisationId } : {},
          ],
        },
        include: ALLOWANCE_INCLUDE,
        orderBy: { id: "asc" },
        take: query.limit + 1,
      });
      return toPage(rows, query.limit, toAllowanceView);
    },

    approve: (actor: Actor, id: string) => decide(actor, id, true),
    reject: (actor: Actor, id: string, reason: string) => decide(actor, id, false, reason),

    /** One interpreter's year against the tax-free cap, summed in the database. */
    async summary(interpreterId: string, year: number) {
      await requireInterpreter(deps.db, interpreterId, { allowErased: true });
      const groups = await prisma.allowance.groupBy({ by: ["status"], where: { interpreterId, year }, _sum: { amountCents: true }, _count: { _all: true } });
      const byStatus = Object.fromEntries(groups.map((group) => [group.status, { count: group._count._all, amountCents: group._sum.amountCents ?? 0 }]));
      const totalCents = groups.filter((group) => group.status !== "rejected").reduce((sum, group) => sum + (group._sum.amountCents ?? 0), 0);
      const capCents = yearlyCapCents(deps.caps, year);
      return {
        interpreterId,
        year,
        totalCents,
        capCents,
        shareOfCap: capCents ? Math.round((totalCents / capCents) * 1000) / 1000 : null,
        overCap: capCents !== null && totalCents > capCents,
        byStatus,
      };
    },

    /** Interpreters above 80 % and above 100 % of the year's cap. */
    async capReport(year: number) {
      const capCents = yearlyCapCents(deps.caps, year);
      const totals = await prisma.allowance.groupBy({ by: ["interpreterId"], where: { year, ...COUNTING }, _sum: { amountCents: true } });
      const threshold = capCents === null ? Number.POSITIVE_INFINITY : capCents * 0.8;
      const flagged = totals.filter((row) => (row._sum.amountCents ?? 0) > threshold);
      const people = await prisma.interpreter.findMany({ where: { id: { in: flagged.map((row) => row.interpreterId) } }, select: { id: true, name: true } });
      const nameOf = new Map(people.map((person) => [person.id, person.name]));
      const entries = flagged
        .map((row) => ({ interpreterId: row.interpreterId, name: nameOf.get(row.interpreterId) ?? "", totalCents: row._sum.amountCents ?? 0 }))
        .sort((a, b) => b.totalCents - a.totalCents || (a.interpreterId < b.interpreterId ? -1 : 1));
      return {
        year,
        capCents,
        above80Percent: entries.filter((entry) => capCents !== null && entry.totalCents <= capCents),
        above100Percent: entries.filter((entry) => capCents !== null && entry.totalCents > capCents),
      };
    },
  };
}

export type AllowanceService = ReturnType<typeof createAllowanceService>;
