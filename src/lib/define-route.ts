import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { authorize } from "../auth/authenticate";
import type { Role } from "../generated/prisma/enums";
import { ApiError } from "./api-error";
import { errorResponses } from "./error-schema";

type RouteOptions = Omit<RouteConfig, "middleware" | "security"> & {
  /** Who may call it; `"public"` needs no key. */
  roles: readonly Role[] | "public";
  /** Error statuses this route answers besides the ones every route of its shape has. */
  errors?: number[];
};

const JSON_CONTENT_TYPE = /^application\/([a-z-.]+\+)?json(\s*;.*)?$/i;

/** A JSON body with another content type would otherwise be validated as `{}`; say what is wrong. */
const requireJsonContentType = (bodyRequired: boolean) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const contentType = c.req.header("content-type");
    const hasBody = contentType !== undefined || Number(c.req.header("content-length") ?? 0) > 0 || c.req.header("transfer-encoding") !== undefined;
    if ((bodyRequired || hasBody) && !JSON_CONTENT_TYPE.test(contentType ?? "")) {
      throw new ApiError("UNSUPPORTED_MEDIA_TYPE", "Send the body as JSON with 'Content-Type: application/json'.");
    }
    await next();
  });

/**
 * `createRoute` with the house rules applied once: authorisation by role, a JSON content-type
 * check, bearer security in the spec, and the shared error responses for every status the route
 * can answer.
 *
 * @example
 * const getOrganisation = defineRoute({
 *   method: "get", path: "/v1/organisations/{id}", roles: ["coordinator", "requester", "finance"],
 *   request: { params: IdParamSchema }, responses: { 200: jsonContent(OrganisationSchema, "The organisation") },
 * });
 */
export function defineRoute<const R extends RouteOptions>(options: R) {
  const { roles, errors = [], ...route } = options;
  const hasJsonBody = Boolean(route.request?.body?.content?.["application/json"]);
  const hasInput = Boolean(route.request?.params || route.request?.query || route.request?.body);
  const statuses = new Set<number>([500, 503, ...errors]);
  if (roles !== "public") [401, 403, 429].forEach((status) => statuses.add(status));
  if (hasInput) statuses.add(422);
  if (route.request?.params) statuses.add(404);
  if (hasJsonBody) [400, 413, 415].forEach((status) => statuses.add(status));

  const middleware = [
    ...(roles === "public" ? [] : [authorize(roles)]),
    ...(hasJsonBody ? [requireJsonContentType(route.request?.body?.required !== false)] : []),
  ];
  const roleNote = roles === "public" ? "No API key needed." : `Roles: ${roles.join(", ")}.`;
  return createRoute({
    ...route,
    description: [route.description, roleNote].filter(Boolean).join("\n\n"),
    security: roles === "public" ? [] : [{ bearerAuth: [] }],
    "x-roles": roles === "public" ? [] : [...roles],
    middleware,
    responses: { ...errorResponses(...[...statuses].sort()), ...route.responses },
  } as unknown as R & { middleware: typeof middleware });
}

/** A JSON response entry for `responses`. */
export function jsonContent<T>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/** A required JSON request body. */
export function jsonBody<T>(schema: T, description?: string) {
  return { required: true, description, content: { "application/json": { schema } } };
}
