export { TranslationStatusClient, type CreateJobOptions, type RequestOptions } from "./client.js";
export type {
  ApiName,
  CreateJobOptionsByApi,
  ElevenlabsCreateJobOptions,
  HeygenV2CreateJobOptions,
  HeygenV3CreateJobOptions,
} from "./profiles/index.js";
export { WAIT_DEFAULTS, CLIENT_DEFAULTS, type ClientOptions, type WaitOptions } from "./options.js";
export {
  backoffDelay,
  nextDelay,
  nominalInterval,
  type BackoffOptions,
  type ScheduleInput,
  type ScheduleOptions,
  type ScheduledDelay,
} from "./schedule.js";
export { DurationModel, type DurationModelOptions, type DurationModelSnapshot } from "./learned.js";
export {
  learnedDelay,
  learnedTarget,
  type LearnedJob,
  type LearnedTarget,
} from "./learned-schedule.js";
export {
  checksAtDelay,
  gridFromCdf,
  optimalFrontier,
  optimalPlan,
  planForDelay,
  type CheckingPlan,
  type FrontierPoint,
  type LengthGrid,
} from "./optimal-checking.js";
export type { JobOutcome, JobRef, WaitManyOptions } from "./wait-many.js";
export { BUDGET_DEFAULTS, RequestBudget, type BudgetOptions } from "./budget.js";
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
