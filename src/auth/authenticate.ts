import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import type { Role } from "../generated/prisma/enums";
import { ApiError } from "../lib/api-error";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Resolves `Authorization: Bearer <key>` to an actor (401 when missing, unknown or revoked) and
 * checks that its role is one of `roles` (403 otherwise).
 *
 * @example
 * createRoute({ ..., middleware: [authorize(["coordinator", "finance"])] })
 */
export function authorize(roles: readonly Role[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const match = BEARER.exec(c.req.header("authorization") ?? "");
    if (!match?.[1]) {
      throw new ApiError("UNAUTHORIZED", "Send an API key as 'Authorization: Bearer <key>'.");
    }
    const actor = await c.get("services").apiKeys.authenticate(match[1]);
    if (!actor) throw new ApiError("UNAUTHORIZED", "The API key is unknown or has been revoked.");
    if (!roles.includes(actor.role)) {
      throw new ApiError("FORBIDDEN", `This needs the role ${roles.join(" or ")}; the key has the role ${actor.role}.`);
    }
    c.set("actor", actor);
    await next();
  });
}
