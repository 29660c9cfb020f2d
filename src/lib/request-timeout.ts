import type { MiddlewareHandler } from "hono";
import { timeout } from "hono/timeout";
import { ApiError } from "./api-error";

/**
 * How long creating, voiding or paying an export batch may take: each moves every allowance of
 * the batch in one transaction (a year of a large pool is a million rows, minutes on a busy
 * server), and its statements have a statement timeout of this length of their own.
 */
export const EXPORT_BATCH_TIMEOUT_MS = 600_000;

/** Requests that may run longer than REQUEST_TIMEOUT_MS, by method and path. */
const LONGER_REQUESTS = [{ method: "POST", path: /^\/v1\/exports(\/[^/]+\/(void|paid))?$/, milliseconds: EXPORT_BATCH_TIMEOUT_MS }];

function timeoutOf(milliseconds: number): MiddlewareHandler {
  return timeout(milliseconds, (c) => {
    c.header("Retry-After", String(Math.max(1, Math.ceil(milliseconds / 1000))));
    return new ApiError("SERVICE_UNAVAILABLE", `The request took longer than ${milliseconds} ms and was stopped; try again shortly.`);
  });
}

/**
 * Answers 503 with `Retry-After` when a request is still running after `milliseconds`, so a
 * client is never left hanging. It is the last line: the database's own statement timeout (and
 * the transaction timeout) are shorter, fail the work itself and roll it back. Creating, voiding
 * and paying an export batch get EXPORT_BATCH_TIMEOUT_MS instead (if that is longer).
 *
 * @example
 * app.use(requestTimeout(config.REQUEST_TIMEOUT_MS));
 */
export function requestTimeout(milliseconds: number): MiddlewareHandler {
  const normal = timeoutOf(milliseconds);
  const longer = LONGER_REQUESTS.map((request) => ({ ...request, handler: timeoutOf(Math.max(milliseconds, request.milliseconds)) }));
  return (c, next) => {
    const special = longer.find((request) => request.method === c.req.method && request.path.test(c.req.path));
    return (special?.handler ?? normal)(c, next);
  };
}
