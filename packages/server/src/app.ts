import Fastify, { type FastifyInstance } from "fastify";
import { resolveAppOptions, type AppOptions } from "./app-options.js";
import { ApiKeys } from "./auth/api-keys.js";
import { EventStreams } from "./events/event-streams.js";
import { JobWatch } from "./events/job-watch.js";
import { LongPolls } from "./events/long-polls.js";
import { MultiplexedStreams } from "./events/multiplexed-streams.js";
import { Scheduler } from "./events/scheduler.js";
import { Faults } from "./faults/plugin.js";
import { setAppInternals } from "./internals.js";
import { JobService } from "./jobs/service.js";
import { withAsyncStdout } from "./logging/async-stdout.js";
import { RequestLog } from "./logging/request-log.js";
import { identifyCaller, requireApiKey } from "./plugins/auth.js";
import { clientErrorHandler } from "./plugins/client-error.js";
import { trackConnections } from "./plugins/connections.js";
import { handleFrameworkError, installErrorHandler } from "./plugins/error-handler.js";
import { installJsonBody } from "./plugins/json-body.js";
import { installNotFound } from "./plugins/not-found.js";
import { rateLimiter } from "./plugins/rate-limit.js";
import { genReqId, installRequestIdHeader } from "./plugins/request-id.js";
import { healthRoutes } from "./routes/health.js";
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
  const logging = withAsyncStdout(resolved.logger);
  const app = Fastify({
    logger: logging.logger,
    logController: new RequestLog(),
    bodyLimit: resolved.bodyLimit,
    genReqId,
    // genReqId reads the header itself so that it can refuse insane values.
    requestIdHeader: false,
    frameworkErrors: handleFrameworkError,
    // Requests Node's parser refuses get our error shape too.
    clientErrorHandler,
    // A whole request (headers and body) must arrive within this: no slowloris. Answers may
    // take longer (long-polls, streams).
    requestTimeout: 30_000,
    // Keep bodies strict: reject unknown fields instead of dropping them, "5" is not a number.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  });
  installRequestIdHeader(app);
  installJsonBody(app);
  installErrorHandler(app);
  installNotFound(app);

  // One scheduler for every wake-up in the server; see src/events/.
  const onError = (error: unknown) => app.log.error({ err: error }, "scheduled task failed");
  const { now } = resolved;
  const scheduler = new Scheduler({ now, setTimer: resolved.setTimer, onError });
  const watch = new JobWatch(scheduler, onError);
  const longPolls = new LongPolls(scheduler, watch);
  const streams = new EventStreams({
    scheduler,
    watch,
    now,
    progressIntervalMs: resolved.sseProgressIntervalMs,
    heartbeatMs: resolved.sseHeartbeatMs,
    retryMs: resolved.sseRetryMs,
  });

  const multiplexed = new MultiplexedStreams({
    scheduler,
    watch,
    now,
    heartbeatMs: resolved.sseHeartbeatMs,
    retryMs: resolved.sseRetryMs,
  });

  const service = new JobService({
    ...resolved,
    onCancel: (record) => watch.changed(record.id, record),
  });
  const faults = new Faults({
    settings: {
      rate: resolved.faultRate,
      kinds: resolved.faultKinds,
      latency: resolved.latency,
    },
    random: resolved.faultRandom,
    latencyRandom: resolved.latencyRandom,
    scheduler,
    now,
    findJob: (id, owner) => service.find(id, owner),
    // Only this service's jobs can carry overrides in a store of our own; a caller's store may
    // hold older ones.
    mayHaveOverrides: () => options.store !== undefined || service.jobsWithFaultOverrides > 0,
  });
  setAppInternals(app, { scheduler, watch, longPolls, streams, faults });

  // A request meets these in this order: who is calling (no answer yet), the draws and the added
  // latency, the rate limit (by key, else by IP, so bad keys are limited too), 401 without a
  // valid key, and last the fault, if one is drawn. Health checks skip them all.
  app.addHook("onRequest", identifyCaller(new ApiKeys(resolved.apiKeys)));
  app.addHook("onRequest", faults.prepare);
  if (resolved.rateLimit > 0) {
    app.addHook("onRequest", rateLimiter(app, { max: resolved.rateLimit, now }));
  }
  app.addHook("onRequest", requireApiKey);
  app.addHook("onRequest", faults.inject);

  // Held, delayed, hung and slow requests, open streams and unused connections would keep
  // `close()` waiting: answer, end or drop them first.
  const dropIdleConnections = trackConnections(app);
  app.addHook("preClose", async () => {
    longPolls.releaseAll();
    streams.closeAll();
    multiplexed.closeAll();
    faults.releaseAll();
    dropIdleConnections();
  });
  app.addHook("onClose", async () => scheduler.clear());
  app.addHook("onClose", logging.close);

  const live = { longPolls, streams, maxWaitSeconds: resolved.maxWaitSeconds };
  void app.register(healthRoutes);
  void app.register(statusRoutes, { service, live });
  void app.register(jobRoutes, {
    service,
    live,
    multiplexed,
    now,
    maxListLimit: resolved.maxListLimit,
  });
  return app;
}
