import type { PrismaClient } from "../../generated/prisma/client";

/**
 * Runs `work` if no instance ran the job `name` in the 24 hours before `now`, and returns its
 * result; null when it was not due. The run is claimed atomically in MaintenanceRun, so of several
 * instances ticking at once exactly one runs it. A failed run is tried again an hour later (and
 * its error rethrown).
 *
 * @example
 * await runDaily(prisma, "retention", clock.now(), () => retention.run({ dryRun: false })); // null if it ran today
 */
export async function runDaily<T>(prisma: PrismaClient, name: string, now: Date, work: () => Promise<T>): Promise<T | null> {
  const claimed = await prisma.$queryRaw<{ name: string }[]>`
    INSERT INTO "MaintenanceRun" ("name", "lastRunAt") VALUES (${name}, ${now})
    ON CONFLICT ("name") DO UPDATE SET "lastRunAt" = EXCLUDED."lastRunAt"
    WHERE "MaintenanceRun"."lastRunAt" <= ${now}::timestamptz - interval '1 day'
    RETURNING "name"`;
  if (claimed.length === 0) return null;
  try {
    return await work();
  } catch (error) {
    await prisma.$executeRaw`UPDATE "MaintenanceRun" SET "lastRunAt" = ${now}::timestamptz - interval '23 hours' WHERE "name" = ${name}`;
    throw error;
  }
}
