import type { z } from "@hono/zod-openapi";
import type { Database } from "../../db/database";
import { parseInterpreterCsv, type CsvProblem } from "../../domain/interpreter-csv";
import { normaliseMobileNumber } from "../../domain/phone";
import { ApiError } from "../../lib/api-error";
import type { Clock } from "../../lib/clock";
import type { Prisma } from "../../generated/prisma/client";
import { UNSTORABLE_TEXT_MESSAGE, unstorableTextPaths } from "../../lib/storable-text";
import { CreateInterpreterSchema, UpdateInterpreterSchema, type UpdateInterpreter } from "./interpreters.schemas";
import { consentTime, interpreterColumns, phoneConflict } from "./interpreters.service";

export interface ImportResult {
  created: number;
  updated: number;
  rows: { row: number; id: string; action: "created" | "updated" }[];
}

export type ImportProgress = (done: number, total: number) => void;

// A whole pool in one transaction; generous, since embedded PostgreSQL writes one row at a time.
const IMPORT_TRANSACTION = { maxWait: 60_000, timeout: 10 * 60_000 };

function zodProblems(line: number, error: z.ZodError): CsvProblem[] {
  return error.issues.map((issue) => ({
    row: line,
    field: issue.path.map(String).join(".") || "(row)",
    message: issue.message,
  }));
}

/**
 * Locks the people a file updates (in id order, as every lock of several people) and checks that
 * each is still the one the phone number named when the file was read. A person erased meanwhile
 * (the number is then a placeholder) or given another number refuses the whole file with 409:
 * writing on would give an erased person a name and number again.
 */
async function lockMatches(tx: Prisma.TransactionClient, matches: { line: number; id: string; phone: string }[]): Promise<void> {
  if (matches.length === 0) return;
  const rows = await tx.$queryRaw<{ id: string; phone: string; erasedAt: Date | null; pseudonym: string | null }[]>`
    SELECT i."id"::text AS "id", i."phone", i."erasedAt", i."pseudonym" FROM "Interpreter" i
    WHERE i."id" = ANY(${matches.map((match) => match.id)}::uuid[]) ORDER BY i."id" FOR UPDATE`;
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const { line, id, phone } of matches) {
    const row = byId.get(id);
    if (row?.erasedAt) {
      throw new ApiError("CONFLICT", `The file was not imported: the person of row ${line} was erased meanwhile. Import the file again (the number then registers a new person).`, {
        reason: "erased",
        row: line,
        pseudonym: row.pseudonym,
        erasedAt: row.erasedAt.toISOString(),
      });
    }
    if (row?.phone !== phone) {
      throw new ApiError("CONFLICT", `The file was not imported: the person of row ${line} got another phone number meanwhile. Import the file again.`, { reason: "changed", row: line });
    }
  }
}

/**
 * Imports interpreters from CSV, all rows or none. People are matched by phone number: a known
 * number updates that person with the columns the file has, a new one creates a person.
 */
export function createInterpreterImportService({ db, clock }: { db: Database; clock: Clock }) {
  const { prisma } = db;

  return {
    async importCsv(text: string, options: { dryRun?: boolean; onProgress?: ImportProgress } = {}): Promise<ImportResult> {
      const { records, problems } = parseInterpreterCsv(text);

      const phones = new Map<string, number>();
      for (const record of records) {
        const phone = typeof record.values.phone === "string" ? normaliseMobileNumber(record.values.phone) : null;
        if (!phone?.ok) continue;
        const earlier = phones.get(phone.e164);
        if (earlier !== undefined) {
          problems.push({ row: record.line, field: "phone", message: `Same phone number as row ${earlier}` });
        } else phones.set(phone.e164, record.line);
      }
      const existing = new Map(
        (await prisma.interpreter.findMany({ where: { phone: { in: [...phones.keys()] } }, select: { id: true, phone: true, smsConsentAt: true } })).map(
          (row) => [row.phone, row],
        ),
      );

      const planned = records.flatMap((record) => {
        const phone = typeof record.values.phone === "string" ? normaliseMobileNumber(record.values.phone) : null;
        const match = phone?.ok ? existing.get(phone.e164) : undefined;
        const parsed = match ? UpdateInterpreterSchema.safeParse(record.values) : CreateInterpreterSchema.safeParse(record.values);
        if (!parsed.success) {
          problems.push(...zodProblems(record.line, parsed.error));
          return [];
        }
        const unstorable = unstorableTextPaths(parsed.data);
        if (unstorable.length > 0) {
          problems.push(...unstorable.map((path) => ({ row: record.line, field: path.map(String).join("."), message: UNSTORABLE_TEXT_MESSAGE })));
          return [];
        }
        return [{ line: record.line, match, input: parsed.data as UpdateInterpreter }];
      });

      if (problems.length > 0) {
        problems.sort((a, b) => a.row - b.row);
        throw new ApiError(
          "VALIDATION_FAILED",
          `The file was not imported: ${problems.length} problem(s), first in row ${problems[0]!.row} (${problems[0]!.field}): ${problems[0]!.message}`,
          problems.map((problem) => ({ row: problem.row, path: [problem.field], message: problem.message, in: "csv" })),
        );
      }
      if (options.dryRun) {
        return summarise(planned.map((plan) => ({ row: plan.line, id: plan.match?.id ?? "", action: plan.match ? "updated" : "created" })));
      }

      const now = clock.now();
      const done = await prisma
        .$transaction(async (tx) => {
          await lockMatches(tx, planned.flatMap((plan) => (plan.match ? [{ line: plan.line, id: plan.match.id, phone: plan.match.phone }] : [])));
          const results: ImportResult["rows"] = [];
          for (const plan of planned) {
            const { input, match } = plan;
            const columns = interpreterColumns(input, consentTime(input.smsConsent, match?.smsConsentAt ?? null, now));
            const languages = input.languages?.map(({ code, dialect, level }) => ({ code, dialect, level }));
            const trainings = input.trainings?.map(({ title, date }) => ({ title, date: new Date(`${date}T00:00:00Z`) }));
            if (match) {
              if (languages) await tx.interpreterLanguage.deleteMany({ where: { interpreterId: match.id } });
              if (trainings) await tx.interpreterTraining.deleteMany({ where: { interpreterId: match.id } });
              await tx.interpreter.update({
                where: { id: match.id },
                data: { ...columns, ...(languages ? { languages: { create: languages } } : {}), ...(trainings ? { trainings: { create: trainings } } : {}) },
              });
              results.push({ row: plan.line, id: match.id, action: "updated" });
            } else {
              const row = await tx.interpreter.create({
                data: {
                  ...(columns as Required<Pick<typeof columns, "name" | "phone">> & typeof columns),
                  languages: { create: languages ?? [] },
                  trainings: { create: trainings ?? [] },
                },
                select: { id: true },
              });
              results.push({ row: plan.line, id: row.id, action: "created" });
            }
            options.onProgress?.(results.length, planned.length);
          }
          return results;
        }, IMPORT_TRANSACTION)
        .catch(phoneConflict);
      return summarise(done);
    },
  };
}

function summarise(rows: ImportResult["rows"]): ImportResult {
  return {
    created: rows.filter((row) => row.action === "created").length,
    updated: rows.filter((row) => row.action === "updated").length,
    rows,
  };
}

export type InterpreterImportService = ReturnType<typeof createInterpreterImportService>;
