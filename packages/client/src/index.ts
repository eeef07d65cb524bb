export { TranslationStatusClient } from "./client.js";
export type {
  CreateJobOptions,
  RequestOptions,
  SimulatorCreateJobOptions,
} from "./create-options.js";
export type {
  ApiName,
  CreateJobOptionsByApi,
  ElevenlabsCreateJobOptions,
  HeygenV2CreateJobOptions,
  HeygenV3CreateJobOptions,
} from "./profiles/index.js";
export { WAIT_DEFAULTS, CLIENT_DEFAULTS, type ClientOptions, type WaitOptions } from "./options.js";
export {
  nextDelay,
  type BackoffOptions,
  type ScheduleInput,
  type ScheduleOptions,
  type ScheduledDelay,
} from "./schedule.js";
export type { DurationModelSnapshot } from "./learned.js";
export type { JobOutcome, JobRef, WaitManyOptions } from "./wait-many-options.js";
export { BUDGET_DEFAULTS, type BudgetOptions } from "./budget.js";
export { readEvents, type ReadEventsOptions, type ServerSentEvent } from "./read-events.js";
export * from "./errors/index.js";
export type {
  Clock,
  DelaySource,
  FetchLike,
  JobFailure,
  JobStatus,
  Logger,
  PollEvent,
  ProgressEvent,
  StatusSnapshot,
  TerminalStatus,
  WaitMode,
  WaitResult,
} from "./types.js";
