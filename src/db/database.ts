import type { PrismaClient } from "../generated/prisma/client";

export type DatabaseKind = "embedded" | "postgres";

/** An open database: the Prisma client, which kind it is, and how to close it. */
export interface Database {
  prisma: PrismaClient;
  kind: DatabaseKind;
  /** Returns when the database answers a trivial query; throws otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Prisma error codes the services translate into API errors. */
export const PRISMA_UNIQUE_VIOLATION = "P2002";
export const PRISMA_FOREIGN_KEY_VIOLATION = "P2003";
export const PRISMA_RECORD_NOT_FOUND = "P2025";

export function prismaErrorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}
