import { canSeeInterpreterContactData, type Actor } from "../../auth/actor";
import { PRISMA_UNIQUE_VIOLATION, likeLiteral, prismaErrorCode, type Database } from "../../db/database";
import type { Prisma } from "../../generated/prisma/client";
import { ApiError } from "../../lib/api-error";
import type { Clock } from "../../lib/clock";
import { afterCursor, isUuid, toPage, type Page } from "../../lib/pagination";
import type { CreateInterpreter, InterpreterView, ListInterpretersQuery, UpdateInterpreter } from "./interpreters.schemas";
import type { ErasedInterpreter } from "../privacy/privacy.schemas";

export const INTERPRETER_INCLUDE = {
  languages: { select: { code: true, dialect: true, level: true }, orderBy: { id: "asc" } },
  trainings: { orderBy: [{ date: "asc" }, { id: "asc" }] },
} as const satisfies Prisma.InterpreterInclude;

export type InterpreterRow = Prisma.InterpreterGetPayload<{ include: typeof INTERPRETER_INCLUDE }>;

/** The API view of an interpreter; phone and IBAN only for roles allowed to see them. */
export function toInterpreterView(row: InterpreterRow, actor: Actor): InterpreterView {
  const contact = canSeeInterpreterContactData(actor);
  return {
    id: row.id,
    name: row.name,
    ...(contact ? { phone: row.phone } : {}),
    email: contact ? row.email : null,
    languages: row.languages.map(({ code, dialect, level }) => ({ code, dialect, level })),
    gender: row.gender,
    qualification: row.qualification,
    trainings: row.trainings.map(({ title, date }) => ({ title, date: date.toISOString().slice(0, 10) })),
    modes: row.modes,
    homePostcode: row.homePostcode,
    maxTravelKm: row.maxTravelKm,
    maxAssignmentsPerMonth: row.maxAssignmentsPerMonth,
    ...(contact ? { iban: row.iban } : {}),
    smsConsent: row.smsConsentAt !== null,
    smsConsentAt: row.smsConsentAt?.toISOString() ?? null,
    smsOptOutAt: row.smsOptOutAt?.toISOString() ?? null,
    active: row.active,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function languageRows(languages: CreateInterpreter["languages"]) {
  return languages.map(({ code, dialect, level }) => ({ code, dialect, level }));
}

function trainingRows(trainings: CreateInterpreter["trainings"]) {
  return trainings.map(({ title, date }) => ({ title, date: new Date(`${date}T00:00:00Z`) }));
}

/** The scalar columns of an interpreter from a create or update input (nested lists excluded). */
export function interpreterColumns<T extends UpdateInterpreter>(input: T, consentAt: Date | null | undefined) {
  const { languages: _languages, trainings: _trainings, smsConsent: _smsConsent, ...columns } = input;
  return { ...columns, ...(consentAt === undefined ? {} : { smsConsentAt: consentAt }) } as Omit<
    T,
    "languages" | "trainings" | "smsConsent"
  > & { smsConsentAt?: Date | null };
}

/** Consent keeps the time it was first given; withdrawing it clears the time. */
export function consentTime(requested: boolean | undefined, current: Date | null, now: Date): Date | null | undefined {
  if (requested === undefined) return undefined;
  if (!requested) return null;
  return current ?? now;
}

export function phoneConflict(error: unknown): never {
  if (prismaErrorCode(error) === PRISMA_UNIQUE_VIOLATION) {
    throw new ApiError("CONFLICT", "Another interpreter already has this phone number.", [
      { path: ["phone"], message: "Phone number already registered", code: "duplicate" },
    ]);
  }
  throw error;
}

/** An erased person's record keeps only a pseudonym: nothing can be read from or added to it. */
export function erasedConflict(row: { pseudonym: string | null; erasedAt: Date }): ApiError {
  return new ApiError("CONFLICT", `The interpreter was erased (${row.pseudonym}); the record can no longer be read or changed.`, {
    reason: "erased",
    pseudonym: row.pseudonym,
    erasedAt: row.erasedAt.toISOString(),
  });
}

/**
 * @throws {ApiError} NOT_FOUND unless an interpreter with this id exists; CONFLICT (reason "erased")
 * for an erased one unless `allowErased` (finance still sums their allowances)
 */
export async function requireInterpreter(db: Database, id: string, options: { allowErased?: boolean } = {}): Promise<void> {
  const row = isUuid(id) ? await db.prisma.interpreter.findUnique({ where: { id }, select: { erasedAt: true, pseudonym: true } }) : null;
  refuseMissingOrErased(id, row, options.allowErased ?? false);
}

/** The answer for a looked-up interpreter row: NOT_FOUND without one, CONFLICT for an erased one unless allowed. */
function refuseMissingOrErased(id: string, row: { erasedAt: Date | null; pseudonym: string | null } | null | undefined, allowErased: boolean): void {
  if (!row) throw new ApiError("NOT_FOUND", `No interpreter with id ${id}.`);
  if (row.erasedAt && !allowErased) throw erasedConflict({ pseudonym: row.pseudonym, erasedAt: row.erasedAt });
}

/**
 * Locks the interpreter's row until the transaction ends and refuses an erased person, so that what
 * the transaction then writes (availability, blocks, languages) can never land on a person erased
 * meanwhile: the erasure holds the same lock while it deletes, and whoever comes second sees the
 * first one's result. Takes only this lock, so the order "booking rows, then the interpreter row"
 * that the erasure and assignments keep is respected.
 *
 * @throws {ApiError} NOT_FOUND unless the interpreter exists; CONFLICT (reason "erased") for an erased one
 * @example
 * await prisma.$transaction(async (tx) => {
 *   await lockLiveInterpreter(tx, interpreterId);
 *   await tx.absence.create({ data: { interpreterId, fromDate, toDate } });
 * });
 */
export async function lockLiveInterpreter(tx: Prisma.TransactionClient, id: string): Promise<void> {
  // Read committed: after waiting for an erasure's lock, this reads the row as the erasure left it.
  const [row] = isUuid(id)
    ? await tx.$queryRaw<{ erasedAt: Date | null; pseudonym: string | null }[]>`
        SELECT "erasedAt", "pseudonym" FROM "Interpreter" WHERE "id" = ${id}::uuid FOR UPDATE`
    : [];
  refuseMissingOrErased(id, row, false);
}

export function createInterpreterService({ db, clock }: { db: Database; clock: Clock }) {
  const { prisma } = db;

  async function findRow(id: string): Promise<InterpreterRow> {
    const row = isUuid(id) ? await prisma.interpreter.findUnique({ where: { id }, include: INTERPRETER_INCLUDE }) : null;
    if (!row) throw new ApiError("NOT_FOUND", `No interpreter with id ${id}.`);
    return row;
  }

  return {
    async create(actor: Actor, input: CreateInterpreter): Promise<InterpreterView> {
      const row = await prisma.interpreter
        .create({
          data: {
            ...interpreterColumns(input, consentTime(input.smsConsent, null, clock.now())),
            languages: { create: languageRows(input.languages) },
            trainings: { create: trainingRows(input.trainings) },
          },
          include: INTERPRETER_INCLUDE,
        })
        .catch(phoneConflict);
      return toInterpreterView(row, actor);
    },

    async list(actor: Actor, query: ListInterpretersQuery): Promise<Page<InterpreterView>> {
      const language: Prisma.InterpreterLanguageWhereInput | undefined = query.language
        ? { code: query.language, ...(query.dialect ? { dialect: { equals: query.dialect, mode: "insensitive" } } : {}) }
        : query.dialect
          ? { dialect: { equals: query.dialect, mode: "insensitive" } }
          : undefined;
      // Not `modes: { has }`: embedded PostgreSQL (PGlite) cannot take the enum-array parameter
      // Prisma sends for it ("malformed array literal"), so the mode is matched in SQL.
      const offering = query.mode
        ? (
            await prisma.$queryRaw<{ id: string }[]>`SELECT "id"::text AS "id" FROM "Interpreter" WHERE ${query.mode}::"InterpretingMode" = ANY("modes")`
          ).map((row) => row.id)
        : undefined;
      const rows = await prisma.interpreter.findMany({
        where: {
          AND: [afterCursor(query.cursor), ...(offering ? [{ id: { in: offering } }] : [])],
          erasedAt: null,
          ...(language ? { languages: { some: language } } : {}),
          ...(query.qualification ? { qualification: query.qualification } : {}),
          ...(query.active === undefined ? {} : { active: query.active }),
          // `contains` passes LIKE wildcards through: escape them so `q` matches literally.
          ...(query.q ? { name: { contains: likeLiteral(query.q), mode: "insensitive" } } : {}),
        },
        include: INTERPRETER_INCLUDE,
        orderBy: { id: "asc" },
        take: query.limit + 1,
      });
      return toPage(rows, query.limit, (row) => toInterpreterView(row, actor));
    },

    /** An erased person shows only the pseudonym and when they were erased. */
    async get(actor: Actor, id: string): Promise<InterpreterView | ErasedInterpreter> {
      const row = await findRow(id);
      if (row.erasedAt) return { id: row.id, pseudonym: row.pseudonym ?? "", erasedAt: row.erasedAt.toISOString() };
      return toInterpreterView(row, actor);
    },

    async update(actor: Actor, id: string, input: UpdateInterpreter): Promise<InterpreterView> {
      const row = await prisma
        .$transaction(async (tx) => {
          // First the person's row (as the erasure does before it deletes the lists), then the lists.
          await lockLiveInterpreter(tx, id);
          const current = await tx.interpreter.findUniqueOrThrow({ where: { id }, select: { smsConsentAt: true } });
          if (input.languages) {
            await tx.interpreterLanguage.deleteMany({ where: { interpreterId: id } });
          }
          if (input.trainings) {
            await tx.interpreterTraining.deleteMany({ where: { interpreterId: id } });
          }
          return tx.interpreter.update({
            where: { id },
            data: {
              ...interpreterColumns(input, consentTime(input.smsConsent, current.smsConsentAt, clock.now())),
              ...(input.languages ? { languages: { create: languageRows(input.languages) } } : {}),
              ...(input.trainings ? { trainings: { create: trainingRows(input.trainings) } } : {}),
            },
            include: INTERPRETER_INCLUDE,
          });
        })
        .catch(phoneConflict);
      return toInterpreterView(row, actor);
    },
  };
}

export type InterpreterService = ReturnType<typeof createInterpreterService>;
