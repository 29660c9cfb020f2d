import { expect } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client";

/**
 * Holds the `person…` copies on the language rows of these people (migration language_pool_copy)
 * to the person's own columns: every row of each person must match, and each must have a row
 * per language (so a missing copy cannot pass as "no mismatch").
 *
 * @example
 * await expectLanguageCopiesMatch(ctx.deps.db.prisma, [amina.id]);
 */
export async function expectLanguageCopiesMatch(prisma: PrismaClient, people: readonly string[]): Promise<void> {
  const rows = await prisma.$queryRawUnsafe<{ interpreterId: string; code: string; mismatched: string[] }[]>(
    `SELECT l."interpreterId"::text AS "interpreterId", l."code",
       array_remove(ARRAY[
         CASE WHEN l."personActive" IS DISTINCT FROM (i."active" AND i."erasedAt" IS NULL) THEN 'personActive' END,
         CASE WHEN l."personPhone" IS DISTINCT FROM i."phone" THEN 'personPhone' END,
         CASE WHEN l."personGender" IS DISTINCT FROM i."gender" THEN 'personGender' END,
         CASE WHEN l."personQualification" IS DISTINCT FROM i."qualification" THEN 'personQualification' END,
         CASE WHEN l."personHomePostcode" IS DISTINCT FROM i."homePostcode" THEN 'personHomePostcode' END,
         CASE WHEN l."personReachable" IS DISTINCT FROM (i."smsConsentAt" IS NOT NULL AND i."smsOptOutAt" IS NULL) THEN 'personReachable' END,
         CASE WHEN l."personLatestAssignmentAt" IS DISTINCT FROM i."latestAssignmentAt" THEN 'personLatestAssignmentAt' END
       ], NULL) AS "mismatched"
     FROM "InterpreterLanguage" l JOIN "Interpreter" i ON i."id" = l."interpreterId"
     WHERE l."interpreterId" = ANY($1::uuid[]) ORDER BY 1, 2`,
    people,
  );
  const erased = await prisma.interpreter.findMany({ where: { id: { in: [...people] }, erasedAt: { not: null } }, select: { id: true } });
  const withRows = new Set(rows.map((row) => row.interpreterId));
  for (const id of people) if (!erased.some((person) => person.id === id)) expect(withRows.has(id), `language rows of ${id}`).toBe(true);
  expect(rows.filter((row) => row.mismatched.length > 0)).toEqual([]);
}
