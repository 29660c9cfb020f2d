import { z } from "@hono/zod-openapi";
import { ERROR_CODES, ERROR_STATUS, type ErrorCode } from "./api-error";

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).openapi({ example: "NOT_FOUND" }),
      message: z.string().openapi({ example: "No organisation with id 0193…" }),
      details: z.unknown().openapi({ description: "Field problems for VALIDATION_FAILED (zod issues), otherwise null" }),
      requestId: z.string().openapi({ example: "b1e4c6a0-5f0e-4d8e-9a57-1f2c3d4e5f60" }),
    }),
  })
  .openapi("Error");

const DESCRIPTIONS: Partial<Record<number, string>> = {
  400: "Malformed request (e.g. invalid JSON)",
  401: "Missing, unknown or revoked API key",
  403: "The key's role may not do this",
  404: "Not found (or not visible to this key)",
  409: "Conflicts with the current state",
  413: "Body too large",
  415: "Wrong content type",
  422: "Validation failed; `details` lists the problems per field",
  429: "The key's rate limit is spent; `Retry-After` says when to try again",
  500: "Unexpected error (no internals are revealed)",
  503: "The database is unavailable or too slow, or the request ran longer than the request timeout; retry after `Retry-After` seconds",
};

/** OpenAPI response entries for the given statuses, all with the one error body. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: DESCRIPTIONS[status] ?? "Error",
        content: { "application/json": { schema: ErrorBodySchema } },
      },
    ]),
  );
}

export function statusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}
