import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { validationError } from "./api-error";
import { UNSTORABLE_TEXT_MESSAGE, unstorableTextPaths } from "./storable-text";

/**
 * A router whose validation failures become the API's 422 error, with every zod issue in
 * `details` (`path`, `message`, `code`, and `in`: body, query or path). Valid input with text
 * the database cannot store (NUL, lone surrogates) is refused the same way.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      const location = { json: "body", query: "query", param: "path", form: "body", header: "header" }[
        result.target as string
      ] ?? result.target;
      if (result.success) {
        const paths = unstorableTextPaths(result.data);
        if (paths.length === 0) return;
        throw validationError(
          `Invalid ${location}: ${paths.slice(0, 3).map((path) => `${path.join(".") || "(root)"}: ${UNSTORABLE_TEXT_MESSAGE}`).join("; ")}`,
          paths.map((path) => ({ path, message: UNSTORABLE_TEXT_MESSAGE, code: "invalid_characters", in: location })),
        );
      }
      throw validationError(
        `Invalid ${location}: ${result.error.issues
          .slice(0, 3)
          .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
          .join("; ")}`,
        result.error.issues.map((issue) => ({
          path: issue.path.map((part) => (typeof part === "symbol" ? String(part) : part)),
          message: issue.message,
          code: issue.code,
          in: location,
        })),
      );
    },
  });
}

export type AppRouter = ReturnType<typeof createRouter>;
