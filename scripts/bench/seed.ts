// Bulk seeding with INSERT … SELECT FROM generate_series: rows the real code reads as valid
// (languages, weekly slots, non-overlapping completed assignments, approved allowances, offers).
// Ids are deterministic per row number, so later inserts refer to earlier rows without lookups.
import type { SqlSession } from "./target";

/** 20 languages; interpreter n speaks `de` and LANGUAGES[n % 20] natively (5 % of the pool each). */
export const LANGUAGES = ["ar", "fa", "tr", "ru", "uk", "ku", "ps", "ti", "so", "sq", "ro", "bg", "pl", "fr", "en", "es", "it", "sr", "hr", "vi"] as const;
/** A valid German IBAN (the classic example number): exports need one. */
const IBAN = "DE89370400440532013000";
const CHUNK = 100_000;

/** `prefix-0000-4000-8000-<n in hex>` as SQL: a valid UUID per row number. @example idSql("10000000", "g") */
export function idSql(prefix: string, n: string): string {
  return `('${prefix}-0000-4000-8000-' || lpad(to_hex(${n}), 12, '0'))::uuid`;
}

/** The id of interpreter number n (as the seed writes it). @example interpreterId(1); // "10000000-0000-4000-8000-000000000001" */
export function interpreterId(n: number): string {
  return `10000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

/** The phone of interpreter number n (E.164). @example interpreterPhone(7); // "+4915100000007" */
export function interpreterPhone(n: number): string {
  return `+49151${String(n).padStart(8, "0")}`;
}

export type Progress = (message: string) => void;

/** Whether a session may turn triggers off (superusers only); learnt on first use. */
const mayDisableTriggers = new WeakMap<SqlSession, boolean>();

/**
 * Runs a bulk insert script with triggers off (`session_replication_role = replica`): the
 * foreign-key checks (one row lock per inserted row and reference) and the latest-assignment
 * trigger made seeding a million bookings or allowances about 3× slower (100,000 bookings: 30.6 s
 * with them, 8.6 s without). The seed's rows refer to each other correctly by construction, and
 * `seedPastAssignments` sets the latest assignments itself. Where the role may not be changed (no
 * superuser), the script runs with triggers.
 */
async function bulkInsert(session: SqlSession, script: string): Promise<void> {
  if (mayDisableTriggers.get(session) !== false) {
    try {
      await session.exec(`BEGIN; SET LOCAL session_replication_role = replica; ${script}; COMMIT;`);
      mayDisableTriggers.set(session, true);
      return;
    } catch (error) {
      await session.exec("ROLLBACK").catch(() => {});
      if (mayDisableTriggers.get(session) === true || !/permission denied|42501/i.test(String((error as { code?: string }).code ?? error))) throw error;
      mayDisableTriggers.set(session, false);
    }
  }
  await session.exec(script);
}

/**
 * Runs `insert` over [first, first + count) in chunks, on as many sessions at once as given: on a
 * PostgreSQL server two sessions use both cores (the embedded database has one session).
 */
async function chunked(label: string, first: number, count: number, progress: Progress, sessions: readonly SqlSession[], insert: (session: SqlSession, from: number, to: number) => Promise<void>) {
  const started = Date.now();
  let next = first;
  let done = 0;
  await Promise.all(
    sessions.map(async (session) => {
      while (next < first + count) {
        const from = next;
        const to = Math.min(from + CHUNK, first + count);
        next = to;
        await insert(session, from, to);
        done += to - from;
        progress(`${label}: ${done.toLocaleString("en")}/${count.toLocaleString("en")} rows (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      }
    }),
  );
}

/** One session or several (see `chunked`). */
type Sessions = SqlSession | readonly SqlSession[];
const sessionList = (sessions: Sessions): readonly SqlSession[] => (Array.isArray(sessions) ? sessions : [sessions as SqlSession]);

/** One active organisation that books; returns its id. @example const organisationId = await seedOrganisation(session); */
export async function seedOrganisation(session: SqlSession): Promise<string> {
  const rows = await session.query<{ id: string }>(
    `INSERT INTO "Organisation" ("id", "name", "kind", "municipality", "costCentre", "updatedAt")
     VALUES ('50000000-0000-4000-8000-000000000001', 'Jugendamt Bench', 'authority', 'Düren', 'KST-4711', now())
     ON CONFLICT ("id") DO UPDATE SET "updatedAt" = now() RETURNING "id"::text AS "id"`,
  );
  return rows[0]!.id;
}

/**
 * Interpreters [first, first + count): active, SMS consent, all modes, a language pair, every day available.
 * The bulk insert runs with triggers off, so the language rows' copies of the person's columns
 * (`person…`) are filled afterwards, by their trigger.
 *
 * @example
 * await seedInterpreters(session, 0, 1000, (line) => console.error(line));
 */
export async function seedInterpreters(session: SqlSession, first: number, count: number, progress: Progress): Promise<void> {
  const languages = `(ARRAY[${LANGUAGES.map((code) => `'${code}'`).join(",")}])[1 + g % ${LANGUAGES.length}]`;
  await chunked("interpreters", first, count, progress, [session], async (session, from, to) => {
    await bulkInsert(session, `
      INSERT INTO "Interpreter" ("id", "name", "phone", "gender", "qualification", "modes", "iban", "smsConsentAt", "active", "updatedAt")
      SELECT ${idSql("10000000", "g")}, 'Dolmetscher/in ' || g, '+49151' || lpad(g::text, 8, '0'),
             (ARRAY['female','male'])[1 + g % 2]::"Gender", (ARRAY['volunteer','trained','certified'])[1 + g % 3]::"Qualification",
             ARRAY['onsite','phone','video']::"InterpretingMode"[], '${IBAN}', now(), true, now()
      FROM generate_series(${from}, ${to - 1}) AS g;
      INSERT INTO "InterpreterLanguage" ("id", "interpreterId", "code", "level")
      SELECT ${idSql("11000000", "g * 2")}, ${idSql("10000000", "g")}, ${languages}, 'native'::"LanguageLevel" FROM generate_series(${from}, ${to - 1}) AS g
      UNION ALL
      SELECT ${idSql("11000000", "g * 2 + 1")}, ${idSql("10000000", "g")}, 'de', 'fluent'::"LanguageLevel" FROM generate_series(${from}, ${to - 1}) AS g;
      INSERT INTO "AvailabilitySlot" ("id", "interpreterId", "weekday", "fromMinute", "toMinute")
      SELECT ${idSql("12000000", "g * 7 + w - 1")}, ${idSql("10000000", "g")}, w, 0, 1440
      FROM generate_series(${from}, ${to - 1}) AS g, generate_series(1, 7) AS w`);
    // With triggers on again: the language rows' copies of their person, by the trigger that keeps
    // them (an UPDATE naming "interpreterId" fires it), not by a second statement of the same mapping.
    await session.exec(`UPDATE "InterpreterLanguage" SET "interpreterId" = "interpreterId"
      WHERE "interpreterId" IN (SELECT ${idSql("10000000", "g")} FROM generate_series(${from}, ${to - 1}) AS g)`);
  });
}

export interface PastAssignments {
  organisationId: string;
  /** Row number of the first booking (ids stay unique across calls). */
  firstBooking: number;
  count: number;
  /** Interpreters [firstInterpreter, firstInterpreter + interpreters) share the bookings evenly. */
  firstInterpreter: number;
  interpreters: number;
}

/**
 * Completed phone jobs in the past: booking k goes to interpreter first + k mod n, one a week
 * per person going back from yesterday, so no two of one person overlap (the exclusion
 * constraint holds) and everyone had about four in the last 30 days.
 *
 * @example
 * await seedPastAssignments(session, { organisationId, firstBooking: 0, count: 100_000, firstInterpreter: 0, interpreters: 1000 }, log);
 */
export async function seedPastAssignments(sessions: Sessions, plan: PastAssignments, progress: Progress): Promise<void> {
  const session = sessionList(sessions)[0]!;
  const interpreter = `(${plan.firstInterpreter} + (k - ${plan.firstBooking}) % ${plan.interpreters})`;
  const week = `((k - ${plan.firstBooking}) / ${plan.interpreters})`;
  const start = `date_trunc('day', now()) - make_interval(days => (${week} * 7 + 1 + ${interpreter} % 7)::int) + make_interval(hours => (8 + ${interpreter} % 8)::int)`;
  const language = `(ARRAY[${LANGUAGES.map((code) => `'${code}'`).join(",")}])[1 + ${interpreter} % ${LANGUAGES.length}]`;
  await chunked("past assignments", plan.firstBooking, plan.count, progress, sessionList(sessions), async (session, from, to) => {
    await bulkInsert(session, `
      INSERT INTO "Booking" ("id", "code", "organisationId", "language", "startsAt", "endsAt", "durationMinutes", "mode", "status",
                             "interpreterId", "assignedAt", "outcome", "completedAt", "createdAt", "updatedAt")
      SELECT ${idSql("20000000", "k")}, (1000 + k % 9000)::text, '${plan.organisationId}', ${language}, s, s + interval '60 minutes', 60, 'phone', 'completed',
             ${idSql("10000000", interpreter)}, s - interval '3 days', 'done', s + interval '60 minutes', s - interval '5 days', now()
      FROM generate_series(${from}, ${to - 1}) AS k, LATERAL (SELECT ${start} AS s) AS t`);
  });
  // What the latest-assignment trigger keeps, for the people of these bookings, in one statement.
  await session.exec(`
    SELECT "refresh_latest_assignment_of"(array_agg(${idSql("10000000", "g")}))
    FROM generate_series(${plan.firstInterpreter}, ${plan.firstInterpreter + plan.interpreters - 1}) AS g`);
}

/** The export batch the seeded allowances are in. */
export const SEEDED_BATCH_ID = "60000000-0000-4000-8000-000000000001";

/**
 * An allowance (15 € flat) for each seeded completed booking [first, first + count), already
 * moved into one export batch — the state POST /v1/exports leaves behind, written directly,
 * since moving a million rows again would only lengthen the run. Returns the batch id.
 *
 * @example
 * const batchId = await seedExportedAllowances(session, 0, 1_000_000, log);
 */
export async function seedExportedAllowances(sessions: Sessions, first: number, count: number, progress: Progress): Promise<string> {
  const session = sessionList(sessions)[0]!;
  const breakdown = JSON.stringify([{ kind: "flat", description: "Pauschale", quantity: 1, unitCents: 1500, amountCents: 1500 }]);
  await session.exec(`INSERT INTO "ExportBatch" ("id", "status", "allowanceCount", "totalCents", "createdAt") VALUES ('${SEEDED_BATCH_ID}', 'exported', 0, 0, now())`);
  await chunked("exported allowances", first, count, progress, sessionList(sessions), async (session, from, to) => {
    await bulkInsert(session, `
      INSERT INTO "Allowance" ("id", "bookingId", "interpreterId", "organisationId", "outcome", "serviceDate", "year", "amountCents",
                               "breakdown", "status", "decidedAt", "exportBatchId", "createdAt")
      SELECT ${idSql("30000000", "b.k")}, b."id", b."interpreterId", b."organisationId", 'done', b."startsAt",
             extract(year FROM b."startsAt" AT TIME ZONE 'Europe/Berlin')::int, 1500, '${breakdown}'::jsonb, 'exported', b."completedAt",
             '${SEEDED_BATCH_ID}', b."completedAt"
      FROM (SELECT k, ${idSql("20000000", "k")} AS "bookingId" FROM generate_series(${from}, ${to - 1}) AS k) AS g
      JOIN LATERAL (SELECT g.k, "id", "interpreterId", "organisationId", "startsAt", "completedAt" FROM "Booking" WHERE "id" = g."bookingId") AS b ON true`);
  });
  await session.exec(`
    UPDATE "ExportBatch" SET ("allowanceCount", "totalCents") = (SELECT count(*)::int, COALESCE(sum("amountCents"), 0)::int FROM "Allowance" WHERE "exportBatchId" = '${SEEDED_BATCH_ID}')
    WHERE "id" = '${SEEDED_BATCH_ID}'`);
  return SEEDED_BATCH_ID;
}

export interface PendingOffer {
  phone: string;
  code: string;
}

/**
 * Offered phone jobs with one pending offer each: interpreters [0, interpreters) get
 * `perInterpreter` jobs on different days from `firstDay` on, in their own language; the job
 * codes (6 digits from 100000; series 1, for the floor, from 500000) are unique among active
 * bookings. Returns who may answer what. Series of different `firstDay`s never share a day, so
 * their yeses never clash.
 *
 * @example
 * const offers = await seedPendingOffers(session, { organisationId, interpreters: 300, perInterpreter: 10, firstDay: 10 }, log);
 */
export async function seedPendingOffers(
  session: SqlSession,
  plan: { organisationId: string; interpreters: number; perInterpreter: number; firstDay: number; series?: 0 | 1 },
  progress: Progress,
): Promise<PendingOffer[]> {
  const count = plan.interpreters * plan.perInterpreter;
  const series = plan.series ?? 0;
  if (count > 400_000) throw new RangeError("at most 400,000 offers per series: their codes would run into the next series");
  const firstCode = 100_000 + series * 400_000;
  const [bookingPrefix, offerPrefix] = [`2100000${series}`, `4000000${series}`];
  const interpreter = `(k % ${plan.interpreters})`;
  const start = `date_trunc('day', now()) + make_interval(days => (${plan.firstDay} + k / ${plan.interpreters})::int, hours => 9)`;
  const language = `(ARRAY[${LANGUAGES.map((code) => `'${code}'`).join(",")}])[1 + ${interpreter} % ${LANGUAGES.length}]`;
  await chunked(series === 0 ? "offered jobs" : "offered jobs (floor)", 0, count, progress, [session], async (session, from, to) => {
    await bulkInsert(session, `
      INSERT INTO "Booking" ("id", "code", "organisationId", "language", "startsAt", "endsAt", "durationMinutes", "mode", "status", "createdAt", "updatedAt")
      SELECT ${idSql(bookingPrefix, "k")}, (${firstCode} + k)::text, '${plan.organisationId}', ${language}, s, s + interval '60 minutes', 60, 'phone', 'offered', now(), now()
      FROM generate_series(${from}, ${to - 1}) AS k, LATERAL (SELECT ${start} AS s) AS t;
      INSERT INTO "Offer" ("id", "bookingId", "interpreterId", "wave", "status", "createdAt", "expiresAt")
      SELECT ${idSql(offerPrefix, "k")}, ${idSql(bookingPrefix, "k")}, ${idSql("10000000", interpreter)}, 1, 'pending', now(), now() + interval '1 day'
      FROM generate_series(${from}, ${to - 1}) AS k`);
  });
  return Array.from({ length: count }, (_, k) => ({ phone: interpreterPhone(k % plan.interpreters), code: String(firstCode + k) }));
}

/** An open phone job in `language` `daysAhead` days from now at 10:00 UTC; returns its id. @example await seedOpenBooking(session, organisationId, "ar", 100, 0); */
export async function seedOpenBooking(session: SqlSession, organisationId: string, language: string, daysAhead: number, n: number): Promise<string> {
  const rows = await session.query<{ id: string }>(
    `INSERT INTO "Booking" ("id", "code", "organisationId", "language", "startsAt", "endsAt", "durationMinutes", "mode", "status", "createdAt", "updatedAt")
     SELECT ${idSql("22000000", String(n))}, (990000 + ${n})::text, $1::uuid, $2, s, s + interval '60 minutes', 60, 'phone', 'open', now(), now()
     FROM (SELECT date_trunc('day', now()) + make_interval(days => $3::int, hours => 10) AS s) AS t
     RETURNING "id"::text AS "id"`,
    [organisationId, language, daysAhead],
  );
  return rows[0]!.id;
}

/**
 * Refreshes the planner's statistics after bulk inserts, and vacuums the interpreters, their
 * languages and slots (marks their pages all-visible, so the ranking and the facts read them by
 * index-only scans) — as autovacuum would, later.
 *
 * @example await analyse(session);
 */
export async function analyse(session: SqlSession): Promise<void> {
  await session.exec(`VACUUM "Interpreter", "InterpreterLanguage", "AvailabilitySlot"`);
  await session.exec("ANALYZE");
}

