// Erasure against the writes that attach personal data to a person: availability and absences,
// blocks (with their reason), a change of languages, a CSV import that matches the person by phone.
// Each of them locks the person's row in its own transaction and refuses an erased person there, so
// an erasure committing in between can never leave new data on the erased record. On the embedded
// database transactions run one after another; on a PostgreSQL server (project "postgres") they
// really interleave, and a second connection holds the erasure at the person's row lock to force
// the one interleaving that used to go wrong: the write checked "not erased", then the erasure
// committed, then the write went through.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type NodeDatabase } from "../../src/db/open-database";
import { smsTexts } from "../../src/domain/sms-texts";
import { expectError } from "../helpers/assertions";
import { ALL_WEEK } from "../helpers/fixtures";
import { createScratchDatabase, dropScratchDatabase } from "../helpers/postgres-admin";
import { createTestContext, newInterpreter, newOrganisation, type ApiClient, type ApiResponse, type TestContext } from "../helpers/test-app";
import { postgresBaseUrl, testDbKind } from "../helpers/test-database";
import { replyOf, sendSms, smsTestConfig } from "../helpers/twilio";

// Bashkir: no other test file books it, so nobody's candidates see these people.
const LANGUAGE = "ba";
const AVAILABILITY = { weekly: ALL_WEEK, absences: [{ from: "2027-02-01", to: "2027-02-05", note: "Kur in Bad Kissingen" }] };

interface Person {
  id: string;
  name: string;
  phone: string;
}

/** A person with languages, a training, availability, an absence and a block: everything erasure deletes. */
async function fullPerson(ctx: TestContext, blockedAt: string): Promise<Person> {
  const person = await newInterpreter(ctx.coordinator, { languages: [{ code: LANGUAGE, level: "native" }], trainings: [{ title: "Grundkurs", date: "2026-03-14" }] });
  expect((await ctx.coordinator.put(`/v1/interpreters/${person.id}/availability`, AVAILABILITY)).status).toBe(200);
  expect((await ctx.coordinator.post(`/v1/interpreters/${person.id}/blocks`, { organisationId: blockedAt, reason: "Streit mit Frau Meier" })).status).toBe(201);
  return person;
}

/** What the access export shows of an erased person, plus the lists no endpoint shows any more. */
async function leftOf(ctx: TestContext, id: string) {
  const exported = await ctx.coordinator.get(`/v1/interpreters/${id}/data-export`);
  expect(exported.status).toBe(200);
  const { prisma } = ctx.deps.db;
  return {
    interpreter: exported.body.interpreter,
    availability: exported.body.availability,
    blocks: exported.body.blocks,
    languages: await prisma.interpreterLanguage.count({ where: { interpreterId: id } }),
    trainings: await prisma.interpreterTraining.count({ where: { interpreterId: id } }),
  };
}

function expectNothingLeft(left: Awaited<ReturnType<typeof leftOf>>, erased: ApiResponse) {
  expect(left).toEqual({
    interpreter: { id: erased.body.id, pseudonym: erased.body.pseudonym, erasedAt: erased.body.erasedAt },
    availability: { weekly: [], absences: [] },
    blocks: [],
    languages: 0,
    trainings: 0,
  });
}

/** 409 because the person was erased, naming the pseudonym the erasure gave. */
function expectErasedConflict(response: ApiResponse, pseudonym: string) {
  expectError(response, 409, "CONFLICT");
  expect(response.body.error.details).toMatchObject({ reason: "erased", pseudonym });
}

const importCsv = (client: ApiClient, csv: string) => client.request("POST", "/v1/interpreters/import", { rawBody: csv, headers: { "content-type": "text/csv" } });

/** The writes that race the erasure, each as a coordinator sends it. */
function writesOf(ctx: TestContext, person: Person, otherOrganisation: string) {
  return {
    availability: () => ctx.coordinator.put(`/v1/interpreters/${person.id}/availability`, { weekly: [{ weekday: 1, from: "08:00", to: "12:00" }], absences: [{ from: "2027-03-01", to: "2027-03-02", note: "Umzug" }] }),
    block: () => ctx.coordinator.post(`/v1/interpreters/${person.id}/blocks`, { organisationId: otherOrganisation, reason: "Beschwerde vom 12.10." }),
    languages: () => ctx.coordinator.patch(`/v1/interpreters/${person.id}`, { languages: [{ code: LANGUAGE, level: "native" }, { code: "tt", level: "fluent" }] }),
    import: () => importCsv(ctx.coordinator, `name;phone;languages\n${person.name} (neu);${person.phone};${LANGUAGE}: native, tt: fluent`),
  };
}

describe("writes to an erased person", () => {
  let ctx: TestContext;
  let organisations: [string, string];

  beforeAll(async () => {
    ctx = await createTestContext();
    organisations = [(await newOrganisation(ctx.coordinator)).id, (await newOrganisation(ctx.coordinator)).id];
  });

  it("answer 409 (reason erased) once the person is erased, and 404 for an unknown person; nothing is stored", async () => {
    const person = await fullPerson(ctx, organisations[0]);
    const erased = await ctx.coordinator.delete(`/v1/interpreters/${person.id}`);
    expect(erased.status).toBe(200);
    const writes = writesOf(ctx, person, organisations[1]);
    expectErasedConflict(await writes.availability(), erased.body.pseudonym);
    expectErasedConflict(await writes.block(), erased.body.pseudonym);
    expectErasedConflict(await writes.languages(), erased.body.pseudonym);
    expectNothingLeft(await leftOf(ctx, person.id), erased);

    for (const id of [randomUUID(), "not-a-uuid"]) {
      const unknown = writesOf(ctx, { ...person, id }, organisations[1]);
      expectError(await unknown.availability(), 404, "NOT_FOUND");
      expectError(await unknown.block(), 404, "NOT_FOUND");
      expectError(await unknown.languages(), 404, "NOT_FOUND");
    }
  });

  it("never leave data on a person erased at the same time (many rounds, all writes at once)", async () => {
    for (let round = 0; round < 8; round++) {
      const person = await fullPerson(ctx, organisations[0]);
      const writes = writesOf(ctx, person, organisations[1]);
      const [erased, ...written] = await Promise.all([
        ctx.coordinator.delete(`/v1/interpreters/${person.id}`),
        writes.availability(),
        writes.block(),
        writes.languages(),
      ]);
      expect(erased.status, JSON.stringify(erased.body)).toBe(200);
      // Each write came before the erasure (and was erased with the rest) or after it (and was refused).
      for (const response of written) {
        if (response.status >= 300) expectErasedConflict(response, erased.body.pseudonym);
        else expect([200, 201]).toContain(response.status);
      }
      expectNothingLeft(await leftOf(ctx, person.id), erased);
    }
  });
});

// A second connection is needed to hold a lock: the embedded database has only one.
describe.skipIf(testDbKind() !== "postgres")("a write waiting while an erasure holds the person (PostgreSQL server)", () => {
  let url: string;
  let db: NodeDatabase;
  let ctx: TestContext;
  let locker: pg.Client;
  let organisations: [string, string];

  beforeAll(async () => {
    // A database of its own: counting the sessions that wait for a lock must see only this file's.
    url = await createScratchDatabase(postgresBaseUrl(), "erasure_races");
    db = await openDatabase({ databaseUrl: url, dataDir: "unused", poolSize: 6 });
    await db.migrate();
    ctx = await createTestContext({ deps: { db } });
    locker = new pg.Client({ connectionString: url });
    await locker.connect();
    organisations = [(await newOrganisation(ctx.coordinator)).id, (await newOrganisation(ctx.coordinator)).id];
  });

  afterAll(async () => {
    await locker?.end();
    await db?.close();
    if (url) await dropScratchDatabase(url);
  });

  /** Waits (polling, no timing assumed) until `count` other sessions of this database wait for a lock. */
  async function untilWaiting(count: number): Promise<void> {
    for (let attempt = 0; attempt < 3000; attempt++) {
      // Inside the locker's transaction the statistics views are read once and then cached: drop that.
      await locker.query("SELECT pg_stat_clear_snapshot()");
      const { rows } = await locker.query<{ waiting: number }>(
        `SELECT count(*)::int AS "waiting" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      );
      if (rows[0]!.waiting >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const { rows } = await locker.query(`SELECT pid, state, wait_event_type, wait_event, left(query, 120) AS query FROM pg_stat_activity WHERE datname = current_database()`);
    throw new Error(`${count} sessions never waited for a lock: ${JSON.stringify(rows)}`);
  }

  /**
   * Holds the person's row from the second connection, starts the erasure (which then waits for the
   * row), then the write (which queues behind the erasure), and lets go: the erasure runs first.
   */
  async function writeBehindErasure(person: Person, write: () => Promise<ApiResponse>) {
    await locker.query("BEGIN");
    await locker.query(`SELECT 1 FROM "Interpreter" WHERE "id" = $1::uuid FOR UPDATE`, [person.id]);
    let erasing: Promise<ApiResponse> | undefined;
    let writing: Promise<ApiResponse> | undefined;
    try {
      erasing = ctx.coordinator.delete(`/v1/interpreters/${person.id}`);
      await untilWaiting(1);
      writing = write();
      await untilWaiting(2);
    } finally {
      await locker.query("COMMIT");
    }
    return { erased: await erasing, written: await writing };
  }

  it("STOP from the person's number while the erasure holds the row: the erased record gets no opt-out, and the number counts as unknown", async () => {
    const sms = await createTestContext({ config: smsTestConfig, deps: { db } });
    const person = await fullPerson(ctx, organisations[0]);
    const { erased, written } = await writeBehindErasure(person, () => sendSms(sms.anonymous, person.phone, "STOP"));
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(written.status).toBe(200);
    expect(replyOf(written)).toBe(smsTexts.unknownNumber());
    const row = await db.prisma.interpreter.findUniqueOrThrow({ where: { id: person.id }, select: { smsOptOutAt: true, phone: true } });
    expect(row).toEqual({ smsOptOutAt: null, phone: `erased:${erased.body.pseudonym}` });
    expect(await db.prisma.interpreterEvent.count({ where: { interpreterId: person.id, action: { in: ["sms_opt_out", "sms_opt_in"] } } })).toBe(0);
    // The inbound message is not linked to the erased record.
    expect(await db.prisma.smsMessage.count({ where: { interpreterId: person.id, direction: "inbound" } })).toBe(0);
  });

  for (const kind of ["availability", "block", "languages", "import"] as const) {
    it(`${kind}: refused with 409 (reason erased), and the erased record keeps nothing of it`, async () => {
      const person = await fullPerson(ctx, organisations[0]);
      const { erased, written } = await writeBehindErasure(person, writesOf(ctx, person, organisations[1])[kind]);
      expect(erased.status, JSON.stringify(erased.body)).toBe(200);
      expectErasedConflict(written, erased.body.pseudonym);
      expectNothingLeft(await leftOf(ctx, person.id), erased);
      const row = await db.prisma.interpreter.findUniqueOrThrow({ where: { id: person.id }, select: { name: true, phone: true } });
      expect(row).toEqual({ name: `Gelöscht (${erased.body.pseudonym})`, phone: `erased:${erased.body.pseudonym}` });
    });
  }
});
