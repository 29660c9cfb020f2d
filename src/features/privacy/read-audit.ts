import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import type { Actor } from "../../auth/actor";
import type { Database } from "../../db/database";
import { ERASED_PHONE_PREFIX, isErasedPhone } from "../../domain/data-protection";
import { UUID_V7_SQL } from "../../lib/encoding";

/** The personal fields whose every read by a key is recorded in the interpreter's history. */
export type AuditedField = "iban" | "phone";

export interface PersonalDataRead {
  interpreterId: string;
  fields: AuditedField[];
}

export const PERSONAL_DATA_READ = "personal_data_read";

const INSERT_READS = `
  INSERT INTO "InterpreterEvent" ("id", "interpreterId", "at", "action", "actorType", "actorKeyId", "details")
  SELECT ${UUID_V7_SQL}, r."interpreterId", $1::timestamptz, '${PERSONAL_DATA_READ}', 'key', $2::uuid,
         jsonb_build_object('fields', r."fields"::jsonb, 'route', $3::text)
  FROM unnest($4::uuid[], $5::text[]) AS r("interpreterId", "fields")`;

const INSERT_BATCH_IBAN_READS = `
  INSERT INTO "InterpreterEvent" ("id", "interpreterId", "at", "action", "actorType", "actorKeyId", "details")
  SELECT ${UUID_V7_SQL}, i."id", $1::timestamptz, '${PERSONAL_DATA_READ}', 'key', $2::uuid,
         jsonb_build_object('fields', '["iban"]'::jsonb, 'route', $3::text)
  FROM "Interpreter" i
  WHERE i."iban" IS NOT NULL AND i."id" IN (SELECT a."interpreterId" FROM "Allowance" a WHERE a."exportBatchId" = $4::uuid)`;

export interface ReadContext {
  actor: Actor;
  at: Date;
  /** Method and path of the request, e.g. "GET /v1/interpreters/0193…". */
  route: string;
}

/**
 * The INSERT … SELECT that records a response showing the phone number of the interpreter
 * `interpreterIdSql` (an SQL expression; nothing when it is null or the person was erased), for
 * statements that write a change and the read of its answer together. `param` adds a parameter.
 *
 * @example
 * const sql = phoneReadSql(param, readContextOf(c), `(SELECT "interpreterId" FROM updated)`);
 */
export function phoneReadSql(param: (value: unknown, cast: string) => string, context: ReadContext, interpreterIdSql: string): string {
  return `INSERT INTO "InterpreterEvent" ("id", "interpreterId", "at", "action", "actorType", "actorKeyId", "details")
    SELECT ${UUID_V7_SQL}, i."id", ${param(context.at, "::timestamptz")}, '${PERSONAL_DATA_READ}', 'key'::"ActorType", ${param(context.actor.keyId, "::uuid")},
           jsonb_build_object('fields', '["phone"]'::jsonb, 'route', ${param(context.route, "::text")})
    FROM "Interpreter" i WHERE i."id" = ${interpreterIdSql} AND NOT starts_with(i."phone", ${param(ERASED_PHONE_PREFIX, "::text")})`;
}

/**
 * Records reads of interpreters' IBANs and phone numbers in one statement, however many people a
 * response showed (a page of a list). Field lists are sorted, so the history reads the same way.
 *
 * @example
 * await recordPersonalDataReads(db, { actor, at: clock.now(), route: "GET /v1/interpreters" }, [{ interpreterId, fields: ["phone", "iban"] }]);
 */
export async function recordPersonalDataReads(db: Database, context: ReadContext, reads: PersonalDataRead[]): Promise<number> {
  const shown = reads.filter((read) => read.fields.length > 0);
  if (shown.length === 0) return 0;
  return db.prisma.$executeRawUnsafe(
    INSERT_READS,
    context.at,
    context.actor.keyId,
    context.route,
    shown.map((read) => read.interpreterId),
    shown.map((read) => JSON.stringify([...new Set(read.fields)].sort())),
  );
}

/**
 * Records that a finance file of a batch showed the IBANs of everyone in it who has one (one
 * INSERT … SELECT; people without an IBAN, erased people among them, had none shown).
 *
 * @example
 * await recordBatchIbanReads(db, { actor, at: clock.now(), route: "GET /v1/exports/…/sepa.xml" }, batch.id);
 */
export async function recordBatchIbanReads(db: Database, context: ReadContext, batchId: string): Promise<number> {
  return db.prisma.$executeRawUnsafe(INSERT_BATCH_IBAN_READS, context.at, context.actor.keyId, context.route, batchId);
}

interface ShownInterpreter {
  id: string;
  phone?: string | undefined;
  iban?: string | null | undefined;
}

/**
 * What interpreter views showed: the phone whenever it is in the view, the IBAN when it is set.
 * `except` leaves out fields the caller sent in the same request (a PATCH answer repeats them).
 *
 * @example
 * readsOfInterpreterViews([{ id, phone: "+49151…", iban: null }]); // [{ interpreterId: id, fields: ["phone"] }]
 */
export function readsOfInterpreterViews(views: ShownInterpreter[], except: readonly string[] = []): PersonalDataRead[] {
  return views.map((view) => ({
    interpreterId: view.id,
    fields: [
      ...(view.iban !== undefined && view.iban !== null && !except.includes("iban") ? (["iban"] as const) : []),
      ...(view.phone !== undefined && !isErasedPhone(view.phone) && !except.includes("phone") ? (["phone"] as const) : []),
    ],
  }));
}

interface ShownBooking {
  interpreter: { id: string; phone?: string | undefined } | null;
}

/**
 * What booking views showed: the assigned interpreter's phone, where the view has it.
 *
 * @example
 * readsOfBookingViews([{ interpreter: { id, phone: "+49151…" } }, { interpreter: null }]); // [{ interpreterId: id, fields: ["phone"] }]
 */
export function readsOfBookingViews(views: ShownBooking[]): PersonalDataRead[] {
  return views.flatMap((view) =>
    view.interpreter?.phone !== undefined && !isErasedPhone(view.interpreter.phone) ? [{ interpreterId: view.interpreter.id, fields: ["phone" as const] }] : [],
  );
}

/**
 * Who reads, when and through which route: the request's context for the records of reads.
 *
 * @example
 * readContextOf(c); // { actor, at, route: "POST /v1/bookings/0193…/assign" }
 */
export function readContextOf(c: Context<AppEnv>): ReadContext {
  return { actor: c.get("actor"), at: c.get("deps").clock.now(), route: `${c.req.method} ${c.req.path}` };
}

/**
 * For route handlers: records what a response is about to show, then hands the value on.
 *
 * @example
 * return c.json(await auditInterpreterReads(c, await services.interpreters.get(actor, id)), 200);
 */
export async function auditInterpreterReads<T extends object>(c: Context<AppEnv>, value: T, except: readonly string[] = []): Promise<T> {
  // A page of views, one view, or an erased person's stub (which shows nothing personal).
  const views = "items" in value ? (value.items as ShownInterpreter[]) : "phone" in value || "iban" in value ? [value as unknown as ShownInterpreter] : [];
  await recordPersonalDataReads(c.get("deps").db, readContextOf(c), readsOfInterpreterViews(views, except));
  return value;
}

/**
 * For route handlers: records the interpreters' phone numbers a booking (or page, or series) shows.
 *
 * @example
 * return c.json(await auditBookingReads(c, await services.bookings.get(actor, id)), 200);
 */
export async function auditBookingReads<T extends ShownBooking | { items: ShownBooking[] } | { bookings: ShownBooking[] }>(c: Context<AppEnv>, value: T): Promise<T> {
  const views: ShownBooking[] = "items" in value ? value.items : "bookings" in value ? value.bookings : [value as ShownBooking];
  await recordPersonalDataReads(c.get("deps").db, readContextOf(c), readsOfBookingViews(views));
  return value;
}

/**
 * For route handlers: records reads of explicitly listed fields (the data export, the SMS log).
 *
 * @example
 * await auditReads(c, [{ interpreterId, fields: ["iban", "phone"] }]);
 */
export async function auditReads(c: Context<AppEnv>, reads: PersonalDataRead[]): Promise<void> {
  await recordPersonalDataReads(c.get("deps").db, readContextOf(c), reads);
}

/**
 * For the finance file route: records the IBANs a batch file shows.
 *
 * @example
 * await auditBatchIbanReads(c, batch.id);
 */
export async function auditBatchIbanReads(c: Context<AppEnv>, batchId: string): Promise<void> {
  await recordBatchIbanReads(c.get("deps").db, readContextOf(c), batchId);
}
