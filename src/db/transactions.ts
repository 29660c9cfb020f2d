import { prismaErrorCode } from "./database";

// Serialization failures and deadlocks are expected under contention on PostgreSQL: the
// transaction is simply run again. Everything else is passed on.
const RETRYABLE = /40001|40P01|could not serialize|deadlock detected|TransactionWriteConflict/i;

function isRetryable(error: unknown): boolean {
  // P2034 from Prisma's model queries; the SQLSTATE itself as the code of the driver's own errors.
  const code = prismaErrorCode(error);
  if (code === "P2034" || code === "40001" || code === "40P01") return true;
  return RETRYABLE.test(error instanceof Error ? `${error.message} ${JSON.stringify((error as { meta?: unknown }).meta ?? "")}` : String(error));
}

/**
 * Runs `work` (one transaction) again when PostgreSQL aborted it for a serialization failure or
 * a deadlock, a few times with a short random pause.
 */
export async function withRetry<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
