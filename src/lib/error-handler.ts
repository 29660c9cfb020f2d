import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../app-env";
import { isDatabaseUnavailable } from "../db/database";
import { ApiError, ERROR_STATUS, type ErrorCode } from "./api-error";

const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Renders the one error body: `{"error":{"code","message","details","requestId"}}`. */
export function errorResponse(c: Context<AppEnv>, code: ErrorCode, message: string, details: unknown = null) {
  return c.json(
    { error: { code, message, details, requestId: c.get("requestId") ?? "" } },
    ERROR_STATUS[code] as ContentfulStatusCode,
  );
}

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  422: "VALIDATION_FAILED",
  429: "RATE_LIMITED",
  503: "SERVICE_UNAVAILABLE",
};

/** Every thrown error ends here: ApiErrors as they are, Hono's own exceptions by status, the rest as 500. */
export const handleError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof ApiError) return errorResponse(c, error.code, error.message, error.details);
  if (error instanceof HTTPException) {
    // Hono's JSON validator throws a 400 with this message for unparsable bodies.
    if (error.status === 400 && /json/i.test(error.message)) {
      return errorResponse(c, "MALFORMED_JSON", "The request body is not valid JSON.");
    }
    const code = STATUS_CODES[error.status];
    if (code) return errorResponse(c, code, error.message || code);
  }
  const logger = c.get("deps")?.logger;
  if (isDatabaseUnavailable(error)) {
    logger?.warn({ err: error, requestId: c.get("requestId") }, "database unavailable");
    c.header("Retry-After", String(DATABASE_RETRY_AFTER_SECONDS));
    return errorResponse(c, "SERVICE_UNAVAILABLE", "The database is unavailable or too slow right now; try again shortly.");
  }
  logger?.error({ err: error, requestId: c.get("requestId") }, "unhandled error");
  return errorResponse(c, "INTERNAL_ERROR", "An unexpected error occurred. Quote the request id when reporting it.");
};

export const handleNotFound: NotFoundHandler<AppEnv> = (c) =>
  errorResponse(c, "NOT_FOUND", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`);
