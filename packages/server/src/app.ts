import Fastify, { type FastifyInstance } from "fastify";
import { resolveAppOptions, type AppOptions } from "./app-options.js";
import { EventStreams } from "./events/event-streams.js";
import { JobWatch } from "./events/job-watch.js";
import { LongPolls } from "./events/long-polls.js";
import { Scheduler } from "./events/scheduler.js";
import { setAppInternals } from "./internals.js";
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

  // One scheduler for every wake-up in the server; see src/events/.
  const onError = (error: unknown) => app.log.error({ err: error }, "scheduled task failed");
  const scheduler = new Scheduler({ now: resolved.now, setTimer: resolved.setTimer, onError });
  const watch = new JobWatch(scheduler, onError);
  const longPolls = new LongPolls(scheduler, watch);
  const streams = new EventStreams({
    scheduler,
    watch,
    now: resolved.now,
    progressIntervalMs: resolved.sseProgressIntervalMs,
    heartbeatMs: resolved.sseHeartbeatMs,
    retryMs: resolved.sseRetryMs,
  });
  setAppInternals(app, { scheduler, watch, longPolls, streams });
  // Held requests and open streams would keep `close()` waiting: answer and end them first.
  app.addHook("preClose", async () => {
    longPolls.releaseAll();
    streams.closeAll();
  });
  app.addHook("onClose", async () => scheduler.clear());

  const service = new JobService({
    ...resolved,
    onCancel: (record) => watch.changed(record.id, record),
  });
  const live = { longPolls, streams, maxWaitSeconds: resolved.maxWaitSeconds };
  void app.register(statusRoutes, { service, live });
  void app.register(jobRoutes, { service, live, maxListLimit: resolved.maxListLimit });
  return app;
}
