export { TranslationStatusClient, type CreateJobOptions, type RequestOptions } from "./client.js";
export { WAIT_DEFAULTS, CLIENT_DEFAULTS, type ClientOptions, type WaitOptions } from "./options.js";
export { backoffDelay, nextDelay, nominalInterval, type BackoffOptions } from "./schedule.js";
export * from "./errors/index.js";
export type {
  Clock,
  FetchLike,
  JobFailure,
  JobStatus,
  Logger,
  PollEvent,
  StatusSnapshot,
  TerminalStatus,
  WaitResult,
} from "./types.js";
