import { Scalar } from "@scalar/hono-api-reference";
import { requestId } from "hono/request-id";
import type { AppDeps } from "./app-env";
import { allowancesRouter } from "./features/allowances";
import { apiKeysRouter } from "./features/api-keys";
import { exportsRouter } from "./features/exports";
import { tariffsRouter } from "./features/tariffs";
import { availabilityRouter } from "./features/availability";
import { blocksRouter } from "./features/blocks";
import { bookingSeriesRouter } from "./features/booking-series";
import { bookingsRouter } from "./features/bookings";
import { calendarRouter } from "./features/calendar";
import { dispatchRouter } from "./features/dispatch";
import { mountSmsRoutes } from "./features/sms";
import { webhooksRouter } from "./features/webhooks";
import { healthRouter } from "./features/health";
import { interpretersRouter } from "./features/interpreters";
import { organisationsRouter } from "./features/organisations";
import { privacyRouter } from "./features/privacy";
import { reportsRouter } from "./features/reports";
import { ApiError } from "./lib/api-error";
import { bodySizeLimit } from "./lib/body-limit";
import { createRouter } from "./lib/create-router";
import { handleError, handleNotFound } from "./lib/error-handler";
import { requestLogger } from "./lib/request-logger";
import { requestTimeout } from "./lib/request-timeout";
import { createServices } from "./services";

export const API_VERSION = "0.1.0";

/**
 * Builds the whole HTTP app from its dependencies. Node (`src/server.ts`) and tests use the same
 * factory; nothing here touches the process, the file system or the environment.
 *
 * @example
 * const app = createApp({ config, db, clock: systemClock, random: cryptoRandom, logger });
 * const response = await app.request("/healthz");
 */
export function createApp(deps: AppDeps) {
  const services = createServices(deps);
  const app = createRouter();

  app.use(requestId({ headerName: "X-Request-Id" }));
  app.use(async (c, next) => {
    c.set("deps", deps);
    c.set("services", services);
    await next();
  });
  app.use(requestLogger(deps.logger));
  app.use(requestTimeout(deps.config.REQUEST_TIMEOUT_MS));
  app.use(
    bodySizeLimit(deps.config.BODY_LIMIT_BYTES, () => {
      throw new ApiError("PAYLOAD_TOO_LARGE", `The body is larger than ${deps.config.BODY_LIMIT_BYTES} bytes.`);
    }),
  );

  app.route("/", healthRouter);
  app.route("/", apiKeysRouter);
  app.route("/", organisationsRouter);
  app.route("/", interpretersRouter);
  app.route("/", privacyRouter);
  app.route("/", availabilityRouter);
  app.route("/", blocksRouter);
  app.route("/", bookingsRouter);
  app.route("/", bookingSeriesRouter);
  app.route("/", dispatchRouter);
  app.route("/", webhooksRouter);
  app.route("/", tariffsRouter);
  app.route("/", allowancesRouter);
  app.route("/", exportsRouter);
  app.route("/", reportsRouter);
  app.route("/", calendarRouter);
  mountSmsRoutes(app);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API key from POST /v1/api-keys, `npm run keys -- create`, or the one printed at first start.",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Dolmetscherpool API",
      version: API_VERSION,
      description:
        "Dispatch service for community interpreter pools: registry of organisations and interpreters, bookings, SMS offers, allowances and finance exports. Times are UTC (ISO 8601); money is integer cents.",
    },
  });
  app.get("/docs", Scalar({ url: "/openapi.json", pageTitle: "Dolmetscherpool API" }));

  app.notFound(handleNotFound);
  app.onError(handleError);
  return app;
}

export type App = ReturnType<typeof createApp>;
