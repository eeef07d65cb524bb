export { buildApp } from "./app.js";
export type { AppOptions, LoggerOption } from "./app-options.js";
export { startServer, type RunningServer, type StartServerOptions } from "./start.js";
export { loadConfig, LOG_LEVELS, type LogLevel, type ServerConfig } from "./config.js";
export { ConfigError } from "./config-error.js";
export type { ErrorBody, ErrorCode } from "./errors.js";
export type { JobStatus, JobView, LegacyStatusView } from "./jobs/view.js";
export type { JobPage } from "./jobs/service.js";
export type { ClientSummary } from "./timeline/recorder.js";
export type {
  JobTimelineView,
  TimelineEntryView,
  TimelineMode,
  TimelineSummaryView,
} from "./timeline/view.js";
export { estimatedTotalMs, estimateTimes, type JobTimes } from "./jobs/estimate.js";
export {
  MIN_POLL_HINT_MS,
  pollHintMs,
  retryAfterSeconds,
  type PollHintInput,
} from "./jobs/hints.js";
export {
  defaultSetTimer,
  Scheduler,
  type SchedulerOptions,
  type SetTimer,
} from "./events/scheduler.js";
export { parsePrefer, preferredWait } from "./routes/prefer.js";
export type { JobFailure, JobOutcome, JobRecord } from "./jobs/record.js";
export type { JobStore, ListRecordsOptions } from "./store/job-store.js";
export { MemoryJobStore } from "./store/memory-job-store.js";
export type { IdempotencyRecord, IdempotencyStore } from "./store/idempotency-store.js";
export {
  MemoryIdempotencyStore,
  type MemoryIdempotencyStoreOptions,
} from "./store/memory-idempotency-store.js";
export { FAULT_KINDS, type FaultKind } from "./faults/kinds.js";
export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./webhooks/event-types.js";
export type { WebhookAppOptions } from "./webhooks/options.js";
export type { DeliveryAttempt } from "./webhooks/delivery-log.js";
export { SqliteStore, type SqliteStoreOptions } from "./store/sqlite-job-store.js";
export { RedisStore, type RedisStoreOptions } from "./store/redis-job-store.js";
export {
  InProcessChangeBus,
  type ChangeBus,
  type ChangeListener,
  type JobChange,
} from "./store/change-bus.js";
export { parseStorage, type StorageSpec } from "./store/storage-spec.js";
