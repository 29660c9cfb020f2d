import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Every error code the API answers with, and its HTTP status. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  MALFORMED_JSON: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  HAS_HISTORY: 409,
  INVALID_TRANSITION: 409,
  DOUBLE_BOOKING: 409,
  SMS_OPTED_OUT: 409,
  NO_SMS_CONSENT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VALIDATION_FAILED: 422,
  NOT_ELIGIBLE: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/**
 * The one error type of the API. Thrown anywhere, rendered by the app's error handler as
 * `{"error":{"code","message","details","requestId"}}` with the status that belongs to the code.
 *
 * @example
 * throw new ApiError("NOT_FOUND", "No organisation with this id");
 */
export class ApiError extends HTTPException {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(ERROR_STATUS[code], { message });
    this.code = code;
    this.details = details ?? null;
    this.name = "ApiError";
  }
}

/** A field-level validation problem, in the same shape zod issues take in `details`. */
export interface FieldProblem {
  path: (string | number)[];
  message: string;
  code?: string;
  /** Where the field is: body, query, path, or a CSV row. */
  in?: string;
  /** For CSV imports: the line of the file. */
  row?: number;
}

export function validationError(message: string, problems: FieldProblem[]): ApiError {
  return new ApiError("VALIDATION_FAILED", message, problems);
}
