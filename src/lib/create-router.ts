import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-env";
import { validationError } from "./api-error";

/**
 * A router whose validation failures become the API's 422 error, with every zod issue in
 * `details` (`path`, `message`, `code`, and `in`: body, query or path).
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const location = { json: "body", query: "query", param: "path", form: "body", header: "header" }[
        result.target as string
      ] ?? result.target;
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
