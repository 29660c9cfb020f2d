import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import type { Role } from "../generated/prisma/enums";
import { ApiError } from "../lib/api-error";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Resolves `Authorization: Bearer <key>` to an actor (401 when missing, unknown or revoked), counts
 * the request against the key's rate limit (429 with Retry-After when spent), and checks that its
 * role is one of `roles` (403 otherwise).
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
    const verdict = c.get("services").rateLimiter.take(actor.keyId, c.get("deps").clock.now().getTime());
    if (verdict.limit > 0) {
      c.header("RateLimit-Limit", String(verdict.limit));
      c.header("RateLimit-Remaining", String(verdict.remaining));
      c.header("RateLimit-Reset", String(verdict.resetSeconds));
    }
    if (!verdict.allowed) {
      c.header("Retry-After", String(verdict.retryAfterSeconds));
      throw new ApiError("RATE_LIMITED", `This key may make ${verdict.limit} requests per minute. Try again in ${verdict.retryAfterSeconds} s.`, {
        limitPerMinute: verdict.limit,
        retryAfterSeconds: verdict.retryAfterSeconds,
      });
    }
    if (!roles.includes(actor.role)) {
      throw new ApiError("FORBIDDEN", `This needs the role ${roles.join(" or ")}; the key has the role ${actor.role}.`);
    }
    c.set("actor", actor);
    await next();
  });
}
