import { timeout } from "hono/timeout";
import { ApiError } from "./api-error";

/**
 * Answers 503 with `Retry-After` when a request is still running after `milliseconds`, so a
 * client is never left hanging. It is the last line: the database's own statement timeout (and
 * the transaction timeout) are shorter, fail the work itself and roll it back.
 *
 * @example
 * app.use(requestTimeout(config.REQUEST_TIMEOUT_MS));
 */
export function requestTimeout(milliseconds: number) {
  return timeout(milliseconds, (c) => {
    c.header("Retry-After", String(Math.max(1, Math.ceil(milliseconds / 1000))));
    return new ApiError("SERVICE_UNAVAILABLE", `The request took longer than ${milliseconds} ms and was stopped; try again shortly.`);
  });
}
