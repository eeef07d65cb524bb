import Fastify, { type FastifyInstance } from "fastify";
import { resolveAppOptions, type AppOptions } from "./app-options.js";
import { JobService } from "./jobs/service.js";
import { handleFrameworkError, installErrorHandler } from "./plugins/error-handler.js";
import { installJsonBody } from "./plugins/json-body.js";
import { installNotFound } from "./plugins/not-found.js";
import { genReqId, installRequestIdHeader } from "./plugins/request-id.js";
import { jobRoutes } from "./routes/jobs.js";
import { statusRoutes } from "./routes/status.js";

/**
 * The simulator as a Fastify app, not yet listening: call `app.inject()` in tests, or use
 * `startServer` to serve it. The `/status` job starts now.
 *
 * @example
 * const app = buildApp({ pendingDurationMs: 0, errorProbability: 0 });
 * const response = await app.inject({ method: "GET", url: "/status" });
 * response.json(); // { result: "completed", ... }
 */
export function buildApp(options: AppOptions = {}): FastifyInstance {
  const resolved = resolveAppOptions(options);
  const app = Fastify({
    logger: resolved.logger,
    bodyLimit: resolved.bodyLimit,
    genReqId,
    // genReqId reads the header itself so that it can refuse insane values.
    requestIdHeader: false,
    frameworkErrors: handleFrameworkError,
    // Keep bodies strict: reject unknown fields instead of dropping them, "5" is not a number.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  });
  installRequestIdHeader(app);
  installJsonBody(app);
  installErrorHandler(app);
  installNotFound(app);

  const service = new JobService(resolved);
  void app.register(statusRoutes, { service });
  void app.register(jobRoutes, { service, maxListLimit: resolved.maxListLimit });
  return app;
}
