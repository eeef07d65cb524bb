import fastifyCors from "@fastify/cors";
import Fastify, { type FastifyInstance } from "fastify";
import { resolveAppOptions, type AppOptions } from "./app-options.js";
import { JobWatch } from "./events/job-watch.js";
import { LongPolls } from "./events/long-polls.js";
import { Scheduler } from "./events/scheduler.js";
import { SseHub } from "./events/sse-hub.js";
import { Faults, faultsPlugin } from "./faults/plugin.js";
import { JobService } from "./jobs/service.js";
import { openApiPlugin, openApiRoutes } from "./openapi/document.js";
import { countJobs } from "./metrics/job-counts.js";
import { Metrics } from "./metrics/metrics.js";
import { metricsPlugin } from "./metrics/routes.js";
import { withStdoutDestination } from "./logging/stdout.js";
import { RequestLog } from "./logging/request-log.js";
import { authPlugin } from "./plugins/auth.js";
import { clientErrorHandler } from "./plugins/client-error.js";
import { corsOptions, resolveCorsOrigins } from "./plugins/cors.js";
import { trackConnections } from "./plugins/connections.js";
import { handleFrameworkError, installErrorHandler } from "./plugins/error-handler.js";
import { installJsonBody } from "./plugins/json-body.js";
import { installNotFound } from "./plugins/not-found.js";
import { rateLimitPlugin } from "./plugins/rate-limit.js";
import { genReqId, installRequestIdHeader } from "./plugins/request-id.js";
import { corePlugin } from "./routes/core.js";
import { healthRoutes } from "./routes/health.js";
import { heygenRoutes } from "./heygen/index.js";
import { elevenlabsRoutes } from "./elevenlabs/index.js";
import { webhookRoutes } from "./routes/webhooks.js";
import { WebhookDispatcher } from "./webhooks/dispatcher.js";
import { MAX_WEBHOOKS_PER_OWNER, WebhookEndpoints } from "./webhooks/endpoints.js";
import { resolveWebhookOptions } from "./webhooks/options.js";
import { webhookTargets } from "./webhooks/target-options.js";
import { openStorage } from "./store/storage.js";
import { findDashboardDir } from "./dashboard/files.js";
import { timelinePlugin } from "./timeline/plugin.js";
import { TimelineRecorder } from "./timeline/recorder.js";

/** How often a server on a shared or lasting store looks for webhook work left to it, in ms. */
const WEBHOOK_POLL_INTERVAL_MS = 1_000;

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
  const webhookOptions = resolveWebhookOptions(options, options.seed);
  const targets = webhookTargets(options, resolved.apiKeys);
  const corsOrigins = resolveCorsOrigins(options);
  const recorder = new TimelineRecorder(options.timeline);
  const app = Fastify({
    logger: withStdoutDestination(resolved.logger),
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
  const streams = new SseHub({
    scheduler,
    watch,
    now,
    progressIntervalMs: resolved.sseProgressIntervalMs,
    heartbeatMs: resolved.sseHeartbeatMs,
    retryMs: resolved.sseRetryMs,
  });

  // The store `storage` names, unless objects were passed; the app owns (connects, closes) it.
  const storage = openStorage(resolved.storage, {
    idempotencyTtlMs: resolved.idempotencyTtlMs,
    retentionMs: resolved.retentionMs,
    onError: (error) => app.log.error({ err: error }, "store error"),
  });
  const store = resolved.store ?? storage.jobs;
  const idempotencyStore = resolved.idempotencyStore ?? storage.idempotency;
  const ping = async () => {
    await (resolved.store === undefined ? storage.ping() : resolved.store.ping?.());
  };
  app.addHook("onReady", async () => {
    await storage.connect();
    webhooks.start();
  });
  // Cancels (here or on another server sharing the store) wake whoever waits on the job here.
  const { changes } = storage;
  changes.subscribe((change) => {
    if (change.type === "cancelled") watch.changed(change.record.id, change.record);
  });

  // Signed webhooks when jobs end, timed on the same scheduler; see src/webhooks/. The server
  // that created a job sends its webhooks (a cancel elsewhere reaches it through `changes`);
  // the work is in the store, so another server, or a restart, sends what it could not.
  const endpoints = new WebhookEndpoints({
    now,
    store: storage.webhooks,
    maxPerOwner: MAX_WEBHOOKS_PER_OWNER,
    callbackSecret: webhookOptions.callbackSecret,
  });
  const webhooks = new WebhookDispatcher({
    ...webhookOptions,
    fetch: webhookOptions.fetch ?? targets.fetch,
    scheduler,
    watch,
    endpoints,
    store: storage.webhooks,
    findJob: (id) => store.get(id),
    // Another server's work, or a restart's, is found within this.
    pollIntervalMs: storage.shared ? WEBHOOK_POLL_INTERVAL_MS : 0,
    now,
    onError,
    onDelivery: ({ outcome }) => metrics.webhookDelivery(outcome),
  });

  const service = new JobService({
    ...resolved,
    store,
    idempotencyStore,
    webhookPolicy: targets.policy,
    onExpire: (before) => storage.webhooks.expire(before),
    onError: (error) => app.log.error({ err: error }, "could not drop expired records"),
    onCancel: (record) => {
      // First: while the job is still watched here, its watch sends the events.
      webhooks.jobCancelled(record);
      changes.publish({ type: "cancelled", record });
    },
    onCreate: (record) => webhooks.jobCreated(record),
  });
  const metrics = new Metrics({
    longPolls: () => longPolls.size,
    jobStreams: () => streams.openStreams("job"),
    multiplexedStreams: () => streams.openStreams("multiplexed"),
    webhookDeliveries: () => webhooks.pending,
    jobCounts: () => countJobs(store, now()),
    onError: (error) => app.log.error({ err: error }, "metrics: could not count jobs"),
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
    onFault: (kind) => metrics.faultInjected(kind),
    // Only this service's jobs can carry overrides in a store of our own; a caller's store may
    // hold older ones.
    mayHaveOverrides: () => options.store !== undefined || service.jobsWithFaultOverrides > 0,
  });
  // Held, delayed, hung and slow requests, open streams and unused connections would keep
  // `close()` waiting: answer, end or drop them first.
  const dropIdleConnections = trackConnections(app);
  app.addHook("preClose", async () => {
    longPolls.releaseAll();
    streams.closeAll();
    faults.releaseAll();
    webhooks.close();
    dropIdleConnections();
  });
  app.addHook("onClose", targets.close);
  app.addHook("onClose", async () => {
    scheduler.clear();
    await storage.close();
  });

  // The plugins. First the OpenAPI document, which reads the routes as they are added; then
  // those whose hooks every route gets, in the order a request meets them: CORS (a preflight is
  // answered before all of these, and their answers carry the headers that let a page read
  // them), who is calling, the fault draws and the added latency, the rate limit (by key, else by
  // IP, so bad keys are limited too); then, before any body is read, the 401 without a valid key
  // and last the fault, if one is drawn. Public routes skip them all. Metrics and the timelines
  // watch the answers.
  void app.register(openApiPlugin);
  void app.register(fastifyCors, corsOptions(corsOrigins));
  void app.register(authPlugin, { apiKeys: resolved.apiKeys });
  void app.register(faultsPlugin, { faults });
  void app.register(rateLimitPlugin, { max: resolved.rateLimit, now, redis: storage.redis });
  void app.register(metricsPlugin, { metrics });
  const { dashboardDir } = options;
  void app.register(timelinePlugin, {
    recorder,
    service,
    now,
    dashboardDir: dashboardDir === false ? undefined : (dashboardDir ?? findDashboardDir()),
  });

  // Then the routes, each plugin with its own.
  const live = { longPolls, streams, maxWaitSeconds: resolved.maxWaitSeconds };
  void app.register(healthRoutes, { ping });
  void app.register(openApiRoutes);
  void app.register(corePlugin, {
    service,
    live,
    now,
    maxListLimit: resolved.maxListLimit,
  });
  void app.register(webhookRoutes, {
    endpoints,
    dispatcher: webhooks,
    service,
    policy: targets.policy,
  });
  // API profiles, one plugin each: the same jobs in vendors' shapes (docs/heygen.md).
  void app.register(heygenRoutes, {
    service,
    live,
    vendorHints: resolved.vendorHints,
    timing: {
      workSecondsPerVideoSecond: resolved.workSecondsPerVideoSecond,
      pendingDurationMs: resolved.pendingDurationMs,
    },
    webhooks: { endpoints, dispatcher: webhooks, policy: targets.policy },
  });
  void app.register(elevenlabsRoutes, { vendorHints: resolved.vendorHints });
  return app;
}
