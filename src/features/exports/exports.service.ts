import type { Actor } from "../../auth/actor";
import type { Database } from "../../db/database";
import { withRetry } from "../../db/transactions";
import type { ExportBatch, Prisma } from "../../generated/prisma/client";
import { ApiError } from "../../lib/api-error";
import type { Clock } from "../../lib/clock";
import { EXPORT_BATCH_TIMEOUT_MS } from "../../lib/request-timeout";
import { afterCursor, isUuid, toPage } from "../../lib/pagination";
import { normaliseIban } from "../../domain/iban";

export function toBatchView(batch: ExportBatch) {
  return {
    id: batch.id,
    status: batch.status,
    upTo: batch.upTo?.toISOString() ?? null,
    organisationId: batch.organisationId,
    allowanceCount: batch.allowanceCount,
    totalCents: batch.totalCents,
    createdAt: batch.createdAt.toISOString(),
    paidAt: batch.paidAt?.toISOString() ?? null,
    voidedAt: batch.voidedAt?.toISOString() ?? null,
    files: ["allowances.csv", "summary.csv", "recharge.csv", "datev.csv", "sepa.xml"].map((name) => `/v1/exports/${batch.id}/${name}`),
  };
}

// A year's allowances of a large pool are hundreds of thousands of rows: moving them into a batch,
// or out of it again (void), or marking them paid takes longer than the default
// interactive-transaction limit of 30 s, the server's statement timeout
// (DATABASE_STATEMENT_TIMEOUT_MS) and the request timeout; all three get the same longer limit.
const EXPORT_TRANSACTION = { maxWait: 30_000, timeout: EXPORT_BATCH_TIMEOUT_MS };

const nothingToExport = () => new ApiError("CONFLICT", "Nothing to export: no approved allowance is waiting (no empty batch was created).");

export function createExportService({ db, clock }: { db: Database; clock: Clock }) {
  const { prisma } = db;

  /** One transaction over a whole batch's allowances, with the longer limits (retried on serialization failures). */
  function batchTransaction<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return withRetry(() =>
      prisma.$transaction(async (tx) => {
        // Only for this transaction (SET LOCAL); the embedded database has no statement timeout to lift.
        if (db.kind === "postgres") await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = ${EXPORT_BATCH_TIMEOUT_MS}`);
        return work(tx);
      }, EXPORT_TRANSACTION),
    );
  }

  // Reads through the given client: inside a transaction the embedded database has no other connection.
  async function findBatch(id: string, client: Pick<typeof prisma, "exportBatch"> = prisma): Promise<ExportBatch> {
    const batch = isUuid(id) ? await client.exportBatch.findUnique({ where: { id } }) : null;
    if (!batch) throw new ApiError("NOT_FOUND", `No export batch with id ${id}.`);
    return batch;
  }

  return {
    findBatch,

    /**
     * Moves every approved, not yet exported allowance (up to a date, optionally of one
     * organisation) into a new batch, atomically. Rows are claimed with FOR UPDATE SKIP LOCKED:
     * simultaneous exports split the allowances between them and never share one.
     */
    async create(actor: Actor, input: { upTo?: string; organisationId?: string }) {
      if (input.organisationId !== undefined && !isUuid(input.organisationId)) throw new ApiError("NOT_FOUND", `No organisation with id ${input.organisationId}.`);
      const upTo = input.upTo ? new Date(input.upTo) : null;
      // One statement claims and moves the rows: no list of ids travels to the process and back
      // (a million ids exceed what one statement may bind, and cost memory and time).
      const batch = await batchTransaction(async (tx) => {
        const now = clock.now();
        const created = await tx.exportBatch.create({
          data: { upTo, organisationId: input.organisationId ?? null, allowanceCount: 0, totalCents: 0, createdByKeyId: actor.keyId, createdAt: now },
        });
        const [claimed] = await tx.$queryRaw<{ count: number; total: bigint | number }[]>`
          WITH claimed AS (
            UPDATE "Allowance" SET "status" = 'exported', "exportBatchId" = ${created.id}::uuid
            WHERE "id" IN (
              SELECT "id" FROM "Allowance"
              WHERE "status" = 'approved' AND "exportBatchId" IS NULL
                AND (${upTo}::timestamptz IS NULL OR "serviceDate" <= ${upTo}::timestamptz)
                AND (${input.organisationId ?? null}::uuid IS NULL OR "organisationId" = ${input.organisationId ?? null}::uuid)
              FOR UPDATE SKIP LOCKED)
            RETURNING "amountCents")
          SELECT count(*)::int AS "count", COALESCE(sum("amountCents"), 0)::bigint AS "total" FROM claimed`;
        // Throwing rolls the new batch back: no empty batch is ever stored.
        if (!claimed || Number(claimed.count) === 0) throw nothingToExport();
        return tx.exportBatch.update({ where: { id: created.id }, data: { allowanceCount: Number(claimed.count), totalCents: Number(claimed.total) } });
      });
      return toBatchView(batch);
    },

    async list(query: { limit: number; cursor?: string }) {
      const rows = await prisma.exportBatch.findMany({ where: afterCursor(query.cursor), orderBy: { id: "asc" }, take: query.limit + 1 });
      return toPage(rows, query.limit, toBatchView);
    },

    /** The batch with the interpreters the SEPA file leaves out (no valid IBAN). */
    async get(id: string) {
      const batch = await findBatch(id);
      const people = await prisma.allowance.groupBy({ by: ["interpreterId"], where: { exportBatchId: id }, _sum: { amountCents: true } });
      const interpreters = await prisma.interpreter.findMany({ where: { id: { in: people.map((row) => row.interpreterId) } }, select: { id: true, name: true, iban: true } });
      const skipped = interpreters
        .filter((person) => !person.iban || !normaliseIban(person.iban))
        .map((person) => ({
          interpreterId: person.id,
          name: person.name,
          amountCents: people.find((row) => row.interpreterId === person.id)?._sum.amountCents ?? 0,
          reason: person.iban ? "IBAN ungültig" : "keine IBAN hinterlegt",
        }));
      return { ...toBatchView(batch), sepaSkipped: skipped };
    },

    /** Before it is paid: the batch is voided and its allowances are approved (exportable) again. */
    async void(id: string) {
      return batchTransaction(async (tx) => {
        const { count } = isUuid(id) ? await tx.exportBatch.updateMany({ where: { id, status: "exported" }, data: { status: "voided", voidedAt: clock.now() } }) : { count: 0 };
        if (count === 0) {
          const batch = await findBatch(id, tx);
          throw new ApiError("INVALID_TRANSITION", `The batch is ${batch.status}; only an exported batch can be voided.`, { from: batch.status, to: "voided" });
        }
        await tx.allowance.updateMany({ where: { exportBatchId: id }, data: { status: "approved", exportBatchId: null } });
        return toBatchView(await tx.exportBatch.findUniqueOrThrow({ where: { id } }));
      });
    },

    async markPaid(id: string) {
      return batchTransaction(async (tx) => {
        const { count } = isUuid(id) ? await tx.exportBatch.updateMany({ where: { id, status: "exported" }, data: { status: "paid", paidAt: clock.now() } }) : { count: 0 };
        if (count === 0) {
          const batch = await findBatch(id, tx);
          throw new ApiError("INVALID_TRANSITION", `The batch is ${batch.status}; only an exported batch can be marked paid.`, { from: batch.status, to: "paid" });
        }
        await tx.allowance.updateMany({ where: { exportBatchId: id }, data: { status: "paid" } });
        return toBatchView(await tx.exportBatch.findUniqueOrThrow({ where: { id } }));
      });
    },
  };
}

export type ExportService = ReturnType<typeof createExportService>;
