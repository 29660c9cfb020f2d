// The floor of the booking pipeline benchmark: the same three steps (create a booking, list
// candidates by language, assign one) as raw SQL on the same database driver, with no ORM, no
// validation, no auth and no rules. Our server's throughput is reported as a share of this one's.
// Also the floor of the SMS replies (P4): a JA or NEIN with its job code, answered with the same
// writes in one transaction — no signature check, no rules, the next wave simply the next speakers.
// Run by the benchmark as its own process: DATABASE_URL (pg Pool) or DATA_DIR (PGlite), PORT, HOST.
import path from "node:path";
import { serve } from "@hono/node-server";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { Hono } from "hono";
import pg from "pg";
import { lockDataDir } from "../../src/db/data-dir-lock";

type Query = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

interface Driver {
  /** Runs `work` in one transaction. */
  transaction<T>(work: (query: Query) => Promise<T>): Promise<T>;
  query: Query;
  close(): Promise<void>;
}

async function openDriver(): Promise<Driver> {
  if (process.env.DATABASE_URL) {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
    return {
      query: async (sql, params) => (await pool.query(sql, params)).rows,
      transaction: async (work) => {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          const result = await work(async (sql, params) => (await client.query(sql, params)).rows);
          await client.query("COMMIT");
          return result;
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        } finally {
          client.release();
        }
      },
      close: () => pool.end(),
    };
  }
  const dataDir = path.resolve(process.env.DATA_DIR ?? "./data");
  const release = lockDataDir(dataDir);
  const db = await PGlite.create({ dataDir: path.join(dataDir, "pgdata"), extensions: { btree_gist } });
  return {
    query: async (sql, params) => (await db.query<Record<string, unknown>>(sql, params)).rows,
    transaction: (work) => db.transaction((tx) => work(async (sql, params) => (await tx.query<Record<string, unknown>>(sql, params)).rows)),
    close: async () => {
      await db.close();
      release();
    },
  };
}

const driver = await openDriver();
// Codes of 7 digits from a counter: unique among active bookings without a lookup.
let nextCode = 1_000_000 + Math.floor(Math.random() * 1_000_000);

const app = new Hono()
  .post("/v1/bookings", async (c) => {
    const input = (await c.req.json()) as { organisationId: string; language: string; startsAt: string; durationMinutes: number; mode: string };
    const code = String(nextCode++);
    const row = await driver.transaction(async (query) => {
      const [booking] = await query(
        `INSERT INTO "Booking" ("id", "code", "organisationId", "language", "startsAt", "endsAt", "durationMinutes", "mode", "status", "updatedAt")
         VALUES (gen_random_uuid(), $1, $2, $3, $4::timestamptz, $4::timestamptz + make_interval(mins => $5::int), $5, $6::"InterpretingMode", 'open', now())
         RETURNING "id"::text AS "id", "code", "status"`,
        [code, input.organisationId, input.language, input.startsAt, input.durationMinutes, input.mode],
      );
      await query(
        `INSERT INTO "BookingEvent" ("id", "bookingId", "at", "actorType", "action", "toStatus") VALUES (gen_random_uuid(), $1::uuid, now(), 'key', 'created', 'open')`,
        [booking!.id],
      );
      return booking!;
    });
    return c.json(row, 201);
  })
  .get("/v1/bookings/:id/candidates", async (c) => {
    const rows = await driver.query(
      `SELECT i."id"::text AS "id", i."name" FROM "Booking" b
       JOIN "InterpreterLanguage" l ON l."code" = b."language"
       JOIN "Interpreter" i ON i."id" = l."interpreterId" AND i."active"
       WHERE b."id" = $1::uuid ORDER BY i."id"`,
      [c.req.param("id")],
    );
    return c.json({ candidates: rows.map((interpreter) => ({ interpreter })), excluded: [] });
  })
  .post("/v1/bookings/:id/assign", async (c) => {
    const { interpreterId } = (await c.req.json()) as { interpreterId: string };
    const id = c.req.param("id");
    const row = await driver.transaction(async (query) => {
      const [booking] = await query(
        `UPDATE "Booking" SET "status" = 'assigned', "interpreterId" = $2::uuid, "assignedAt" = now(), "updatedAt" = now()
         WHERE "id" = $1::uuid RETURNING "id"::text AS "id", "status", "interpreterId"::text AS "interpreterId"`,
        [id, interpreterId],
      );
      await query(
        `INSERT INTO "BookingEvent" ("id", "bookingId", "at", "actorType", "action", "fromStatus", "toStatus") VALUES (gen_random_uuid(), $1::uuid, now(), 'key', 'assigned', 'open', 'assigned')`,
        [id],
      );
      return booking;
    });
    return row ? c.json(row, 200) : c.json({ error: "not found" }, 404);
  })
  .post("/v1/sms/inbound", async (c) => {
    const form = await c.req.parseBody();
    const [word, code] = String(form.Body ?? "").trim().split(/\s+/);
    const accept = word?.toUpperCase() === "JA";
    const reply = await driver.transaction(async (query) => {
      const [offer] = await query(
        `SELECT o."id"::text AS "id", b."id"::text AS "bookingId", b."language", o."interpreterId"::text AS "interpreterId"
         FROM "Offer" o JOIN "Booking" b ON b."id" = o."bookingId" JOIN "Interpreter" i ON i."id" = o."interpreterId"
         WHERE b."code" = $1 AND i."phone" = $2 AND o."status" = 'pending' FOR UPDATE OF o, b`,
        [code, form.From],
      );
      const text = !offer ? "Kein offenes Angebot." : accept ? `Bestätigt: Einsatz ${code}` : `Danke, Ihre Absage für Einsatz ${code}`;
      if (offer && accept) {
        await query(`UPDATE "Offer" SET "status" = 'accepted', "respondedAt" = now() WHERE "id" = $1::uuid`, [offer.id]);
        await query(
          `WITH assigned AS (UPDATE "Booking" SET "status" = 'assigned', "interpreterId" = $2::uuid, "assignedAt" = now(), "updatedAt" = now() WHERE "id" = $1::uuid)
           INSERT INTO "BookingEvent" ("id", "bookingId", "at", "actorType", "action", "fromStatus", "toStatus") VALUES (gen_random_uuid(), $1::uuid, now(), 'sms', 'assigned', 'offered', 'assigned')`,
          [offer.bookingId, offer.interpreterId],
        );
      } else if (offer) {
        await query(
          `WITH declined AS (UPDATE "Offer" SET "status" = 'declined', "respondedAt" = now() WHERE "id" = $1::uuid)
           INSERT INTO "BookingEvent" ("id", "bookingId", "at", "actorType", "action") VALUES (gen_random_uuid(), $2::uuid, now(), 'sms', 'offer_declined')`,
          [offer.id, offer.bookingId],
        );
        // The next wave: the next three speakers of the language not yet asked, an SMS and an offer each.
        await query(
          `WITH next AS (
             SELECT l."interpreterId", i."phone" FROM "InterpreterLanguage" l JOIN "Interpreter" i ON i."id" = l."interpreterId"
             WHERE l."code" = $2 AND i."active" AND NOT EXISTS (SELECT 1 FROM "Offer" o WHERE o."bookingId" = $1::uuid AND o."interpreterId" = l."interpreterId")
             ORDER BY l."interpreterId" LIMIT 3),
           sms AS (
             INSERT INTO "SmsMessage" ("id", "direction", "to", "body", "status", "purpose", "bookingId", "interpreterId", "nextAttemptAt", "createdAt")
             SELECT gen_random_uuid(), 'outbound', next."phone", 'Einsatz angeboten', 'queued', 'offer', $1::uuid, next."interpreterId", now(), now() FROM next
             RETURNING "id", "interpreterId")
           INSERT INTO "Offer" ("id", "bookingId", "interpreterId", "wave", "status", "createdAt", "expiresAt", "messageId")
           SELECT gen_random_uuid(), $1::uuid, sms."interpreterId", 2, 'pending', now(), now() + interval '1 day', sms."id" FROM sms`,
          [offer.bookingId, offer.language],
        );
      }
      await query(
        `INSERT INTO "SmsMessage" ("id", "direction", "to", "from", "body", "status", "providerSid", "purpose", "bookingId", "interpreterId", "replyBody", "createdAt")
         VALUES (gen_random_uuid(), 'inbound', $1, $2, $3, 'received', $4, 'reply', $5::uuid, $6::uuid, $7, now())`,
        [form.To, form.From, form.Body, form.MessageSid, offer?.bookingId ?? null, offer?.interpreterId ?? null, text],
      );
      return text;
    });
    return c.body(`<?xml version="1.0" encoding="UTF-8"?><Response><Message>${reply}</Message></Response>`, 200, { "content-type": "text/xml" });
  })
  .onError((error, c) => c.json({ error: String(error) }, 500));

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: process.env.HOST ?? "127.0.0.1" }, (info) => {
  process.stdout.write(`floor listening on http://${process.env.HOST ?? "127.0.0.1"}:${info.port}\n`);
});

async function shutdown() {
  server.close();
  await driver.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown());
process.on("SIGINT", () => void shutdown());
