import { expect } from "vitest";
import type { ApiResponse } from "./test-app";

/** One entry of `error.details` in a 422 answer (`row` only for CSV imports). */
export interface Problem {
  path: (string | number)[];
  message: string;
  code?: string;
  in?: string;
  row?: number;
}

/** Asserts the status (showing the body if it differs) and the error code. */
export function expectError(response: ApiResponse, status: number, code: string): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.body.error.code).toBe(code);
}

/**
 * Asserts a 422 VALIDATION_FAILED answer with a problem at exactly `path`, with a message, in
 * `options.in` (default "body"), and, if given, a message matching `options.message` (or
 * `options` itself when it is a RegExp). Returns that problem.
 */
export function expectValidationError(
  response: ApiResponse,
  path: (string | number)[],
  options: RegExp | { message?: RegExp; in?: string } = {},
): Problem {
  const { message, in: location = "body" } = options instanceof RegExp ? { message: options } : options;
  expect(response.status, JSON.stringify(response.body)).toBe(422);
  expect(response.body.error.code).toBe("VALIDATION_FAILED");
  const details = response.body.error.details as Problem[];
  expect(Array.isArray(details)).toBe(true);
  const problem = details.find((detail) => JSON.stringify(detail.path) === JSON.stringify(path));
  expect(problem, `no problem at ${JSON.stringify(path)} in ${JSON.stringify(details)}`).toBeDefined();
  expect(problem!.message).toEqual(expect.any(String));
  expect(problem!.message.length).toBeGreaterThan(0);
  expect(problem!.in).toBe(location);
  if (message) expect(problem!.message).toMatch(message);
  return problem!;
}
