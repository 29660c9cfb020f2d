import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestContext, newInterpreter, newOrganisation, type TestContext } from "../helpers/test-app";
import { expectLanguageCopiesMatch } from "../helpers/language-pool-copy";
import { testDbKind } from "../helpers/test-database";

// "Interpreter"."latestAssignmentAt" is kept by triggers on "Booking" (migration
// latest_assignment), so that ranking a large pool can skip most history lookups. The API tests of
// the ranking compare the top-down answer with a full reading of every history; this file holds
// the column itself to its definition — the latest start of the person's assigned or completed
// bookings — through writes the API never makes: bulk inserts, bulk status changes, moves between
// people, deletes. Only this file's own people and bookings are touched.

describe("latestAssignmentAt", () => {
  let ctx: TestContext;
  let organisationId: string;
  const people: string[] = [];

  const sql = () => ctx.deps.db.prisma;

  async function expectConsistent(): Promise<void> {
    const rows = await sql().$queryRawUnsafe<{ id: string; stored: Date | null; actual: Date | null }[]>(
      `SELECT i."id"::text AS "id", i."latestAssignmentAt" AS "stored",
              (SELECT max(b."startsAt") FROM "Booking" b WHERE b."interpreterId" = i."id" AND b."status" IN ('assigned', 'completed')) AS "actual"
       FROM "Interpreter" i WHERE i."id" = ANY($1::uuid[]) ORDER BY i."id"`,
      people,
    );
    expect(rows).toHaveLength(people.length);
    for (const row of rows) expect(row.stored?.toISOString() ?? null, row.id).toBe(row.actual?.toISOString() ?? null);
    // The copy on the person's language rows (what the ranking reads) follows it.
    await expectLanguageCopiesMatch(sql(), people);
  }

  /** Bookings in one INSERT: n per person, a day apart from `firstDay`, with the given status. */
  async function bulkInsert(status: string, firstDay: string, perPerson: number): Promise<string[]> {
    const ids = people.flatMap(() => Array.from({ length: perPerson }, () => randomUUID()));
    await sql().$executeRawUnsafe(
      `INSERT INTO "Booking" ("id", "code", "organisationId", "language", "startsAt", "endsAt", "durationMinutes", "mode", "status", "interpreterId", "createdAt", "updatedAt")
       SELECT t.id, 'L' || t.n, $2::uuid, 'de', $3::timestamptz + make_interval(days => (t.n % $5::int)::int), $3::timestamptz + make_interval(days => (t.n % $5::int)::int, mins => 60), 60, 'phone',
              $4::"BookingStatus", ($6::uuid[])[1 + (t.n - 1) / $5::int], now(), now()
       FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n)`,
      ids,
      organisationId,
      firstDay,
      status,
      perPerson,
      people,
    );
    return ids;
  }

  beforeAll(async () => {
    ctx = await createTestContext();
    organisationId = (await newOrganisation(ctx.coordinator)).id;
    for (let n = 0; n < 4; n++) people.push((await newInterpreter(ctx.coordinator, {})).id);
  });

  it("follows bulk inserts, status changes, moves between people and deletes", async () => {
    await expectConsistent();
    const completed = await bulkInsert("completed", "2025-03-01T09:00:00Z", 5);
    await expectConsistent();
    const open = await bulkInsert("open", "2025-06-01T09:00:00Z", 2);
    await expectConsistent();
    // Assigning later jobs in one statement moves everyone's latest forward …
    await sql().$executeRawUnsafe(`UPDATE "Booking" SET "status" = 'assigned' WHERE "id" = ANY($1::uuid[])`, open);
    await expectConsistent();
    // … cancelling them moves it back; moving jobs to another person changes two people.
    await sql().$executeRawUnsafe(`UPDATE "Booking" SET "status" = 'cancelled' WHERE "id" = ANY($1::uuid[])`, open.slice(0, 4));
    await expectConsistent();
    await sql().$executeRawUnsafe(`UPDATE "Booking" SET "interpreterId" = $2::uuid WHERE "id" = ANY($1::uuid[])`, open.slice(4, 6), people[0]);
    await expectConsistent();
    await sql().$executeRawUnsafe(`UPDATE "Booking" SET "startsAt" = "startsAt" - interval '400 days', "endsAt" = "endsAt" - interval '400 days' WHERE "id" = ANY($1::uuid[])`, open.slice(4, 6));
    await expectConsistent();
    // Deleting (as retention does) leaves the person with what remains, or nothing.
    await sql().$executeRawUnsafe(`DELETE FROM "Booking" WHERE "id" = ANY($1::uuid[])`, [...open, ...completed.slice(0, 10)]);
    await expectConsistent();
    await sql().$executeRawUnsafe(`DELETE FROM "Booking" WHERE "id" = ANY($1::uuid[])`, completed.slice(10));
    await expectConsistent();
    const rows = await sql().$queryRawUnsafe<{ latest: Date | null }[]>(`SELECT "latestAssignmentAt" AS "latest" FROM "Interpreter" WHERE "id" = ANY($1::uuid[])`, people);
    expect(rows.map((row) => row.latest)).toEqual([null, null, null, null]);
  });

  it("follows single bookings: assigned, moved later and earlier, completed, handed to another person, cancelled", async () => {
    const [first, second] = people as [string, string];
    const earlier = await bulkInsert("completed", "2025-09-01T09:00:00Z", 1);
    const [job] = await bulkInsert("open", "2025-10-01T09:00:00Z", 1);
    const one = (set: string, ...params: unknown[]) => sql().$executeRawUnsafe(`UPDATE "Booking" SET ${set} WHERE "id" = $1::uuid`, job, ...params);
    const latestOf = async (id: string) =>
      (await sql().$queryRawUnsafe<{ latest: Date | null }[]>(`SELECT "latestAssignmentAt" AS "latest" FROM "Interpreter" WHERE "id" = $1::uuid`, id))[0]!.latest?.toISOString() ?? null;
    const earlierStartOfFirst = (await sql().$queryRawUnsafe<{ startsAt: Date }[]>(`SELECT "startsAt" FROM "Booking" WHERE "id" = ANY($1::uuid[]) AND "interpreterId" = $2::uuid`, earlier, first))[0]!.startsAt;

    await one(`"status" = 'assigned', "interpreterId" = $2::uuid`, first);
    await expectConsistent();
    expect(await latestOf(first)).toBe("2025-10-01T09:00:00.000Z");
    await one(`"startsAt" = '2025-10-05T09:00:00Z', "endsAt" = '2025-10-05T10:00:00Z'`);
    await expectConsistent();
    // Earlier, still the latest: the stored value must come down with it …
    await one(`"startsAt" = '2025-09-20T09:00:00Z', "endsAt" = '2025-09-20T10:00:00Z'`);
    await expectConsistent();
    expect(await latestOf(first)).toBe("2025-09-20T09:00:00.000Z");
    // … and before the person's other job: that one is the latest again.
    await one(`"startsAt" = '2025-08-01T09:00:00Z', "endsAt" = '2025-08-01T10:00:00Z'`);
    await expectConsistent();
    expect(await latestOf(first)).toBe(earlierStartOfFirst.toISOString());
    await one(`"startsAt" = '2025-10-01T09:00:00Z', "endsAt" = '2025-10-01T10:00:00Z', "status" = 'completed'`);
    await expectConsistent();
    await one(`"interpreterId" = $2::uuid`, second);
    await expectConsistent();
    expect(await latestOf(first)).toBe(earlierStartOfFirst.toISOString());
    expect(await latestOf(second)).toBe("2025-10-01T09:00:00.000Z");
    await one(`"status" = 'cancelled'`);
    await expectConsistent();
    // Taken again, then given back (the ABSAGE): open, nobody holds it.
    await one(`"status" = 'assigned', "interpreterId" = $2::uuid`, first);
    await expectConsistent();
    expect(await latestOf(first)).toBe("2025-10-01T09:00:00.000Z");
    await one(`"status" = 'open', "interpreterId" = NULL`);
    await expectConsistent();
    expect(await latestOf(first)).toBe(earlierStartOfFirst.toISOString());
    await sql().$executeRawUnsafe(`DELETE FROM "Booking" WHERE "id" = ANY($1::uuid[])`, [...earlier, job]);
    await expectConsistent();
  });

  // Two connections at once: only on a PostgreSQL server (the embedded database has one).
  it.skipIf(testDbKind() !== "postgres")("counts an assignment committed while a cancellation waited for the person's row", async () => {
    const person = (await newInterpreter(ctx.coordinator, {})).id;
    people.push(person);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    // The person's jobs: one done in January, one assigned in February, one open in March.
    await sql().$executeRawUnsafe(
      `INSERT INTO "Booking" ("id", "code", "organisationId", "language", "startsAt", "endsAt", "durationMinutes", "mode", "status", "interpreterId", "createdAt", "updatedAt")
       SELECT t.id, 'R' || t.n, $2::uuid, 'de', t.s, t.s + interval '1 hour', 60, 'phone', t.status::"BookingStatus", CASE WHEN t.status = 'open' THEN NULL ELSE $3::uuid END, now(), now()
       FROM unnest($1::uuid[], ARRAY['2026-01-05T09:00:00Z', '2026-02-05T09:00:00Z', '2026-03-05T09:00:00Z']::timestamptz[], ARRAY['completed', 'assigned', 'open']) WITH ORDINALITY AS t(id, s, status, n)`,
      ids,
      organisationId,
      person,
    );
    await expectConsistent();
    let assigned!: () => void;
    const heldUntilCancelWaits = new Promise<void>((resolve) => (assigned = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // The assignment holds the person's row (as the API's does) and commits only once the
    // cancellation of the February job waits for that row.
    const assignment = sql().$transaction(async (tx) => {
      await tx.$queryRawUnsafe(`SELECT 1 FROM "Interpreter" WHERE "id" = $1::uuid FOR UPDATE`, person);
      await tx.$executeRawUnsafe(`UPDATE "Booking" SET "status" = 'assigned', "interpreterId" = $2::uuid WHERE "id" = $1::uuid`, ids[2], person);
      assigned();
      await released;
    });
    await heldUntilCancelWaits;
    // (Prisma's promises start their query only when awaited or given a `then`.)
    const cancellation = sql()
      .$executeRawUnsafe(`UPDATE "Booking" SET "status" = 'cancelled' WHERE "id" = '${ids[1]}'::uuid`)
      .then((count) => count);
    for (let waited = 0; ; waited += 20) {
      const [row] = await sql().$queryRawUnsafe<{ waiting: number }[]>(
        `SELECT count(*)::int AS "waiting" FROM pg_stat_activity WHERE "wait_event_type" = 'Lock' AND "query" LIKE $1`,
        `%'${ids[1]}'%`,
      );
      if (row!.waiting > 0) break;
      if (waited > 10_000) throw new Error("the cancellation never waited for the person's row");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    release();
    await Promise.all([assignment, cancellation]);
    await expectConsistent();
    expect((await sql().$queryRawUnsafe<{ latest: Date }[]>(`SELECT "latestAssignmentAt" AS "latest" FROM "Interpreter" WHERE "id" = $1::uuid`, person))[0]!.latest.toISOString()).toBe(
      "2026-03-05T09:00:00.000Z",
    );
  });
});
