import type { Rule, RuleTable } from "./internal/validate.js";

/**
 * The type and range of every option, one line each: the validator reads these tables, so a
 * new option is a line here besides its JSDoc and default in options.ts.
 */
const ms: Rule = { type: "number", max: Number.MAX_SAFE_INTEGER };
const fn: Rule = { type: "function" };
const object: Rule = { type: "object" };

export const CLIENT_OPTION_RULES: RuleTable = {
  baseUrl: { type: "string" },
  statusUrl: { type: "string" },
  api: { type: "oneOf", values: ["jobs", "heygen-v2", "heygen-v3", "elevenlabs"] },
  apiKey: { type: "string" },
  clientName: { type: "string", nonEmpty: true },
  fetch: fn,
  headers: object,
  requestTimeoutMs: { type: "number", min: 1 },
  maxResponseBytes: { type: "number", min: 1, integer: true },
  logger: object,
  clock: object,
  random: fn,
  model: object,
  maxRetries: { type: "number", max: 100, integer: true },
  statusMap: object,
  maxRequestsPerSecond: { type: "number", min: Number.MIN_VALUE },
  maxConcurrentRequests: { type: "number", min: 1, integer: true },
};

export const WAIT_OPTION_RULES: RuleTable = {
  jobId: { type: "string", nonEmpty: true },
  mode: { type: "oneOf", values: ["auto", "poll", "long-poll", "stream"] },
  maxWaitMs: { type: "number" },
  pollIntervalMs: ms,
  initialIntervalMs: ms,
  backoffFactor: { type: "number", min: 1, max: 1_000 },
  maxBackoffMs: ms,
  maxIntervalMs: ms,
  minIntervalMs: ms,
  jitter: { type: "number", max: 1 },
  kind: { type: "string" },
  expectedDurationMs: ms,
  size: { type: "number", min: Number.MIN_VALUE, max: Number.MAX_VALUE },
  targetDelayShare: { type: "number", min: 1e-6, max: 1 },
  longPollWaitMs: ms,
  streamIdleTimeoutMs: { type: "number", min: 1, max: Number.MAX_SAFE_INTEGER },
  maxConsecutiveFailures: { type: "number", min: 1, integer: true },
  requestTimeoutMs: { type: "number", min: 1 },
  signal: { type: "signal" },
  onPoll: fn,
  onProgress: fn,
  onStatusChange: fn,
};

const {
  jobId: _jobId,
  onPoll: _onPoll,
  onStatusChange: _onStatusChange,
  ...shared
} = WAIT_OPTION_RULES;

export const WAIT_MANY_OPTION_RULES: RuleTable = {
  ...shared,
  mode: { type: "oneOf", values: ["auto", "poll", "stream"] },
  batchSize: { type: "number", min: 1, integer: true },
};

/** Names people try for a client option (lower-cased), and the option they mean. */
export const CLIENT_ALIASES: Readonly<Record<string, string>> = {
  url: "baseUrl",
  baseuri: "baseUrl",
  endpoint: "baseUrl",
  host: "baseUrl",
  key: "apiKey",
  token: "apiKey",
  timeout: "requestTimeoutMs",
  timeoutms: "requestTimeoutMs",
  retries: "maxRetries",
};

/** Names people try for a wait option (lower-cased), and the option they mean. */
export const WAIT_ALIASES: Readonly<Record<string, string>> = {
  timeout: "maxWaitMs",
  timeoutms: "maxWaitMs",
  maxwait: "maxWaitMs",
  deadline: "maxWaitMs",
  interval: "pollIntervalMs",
  pollinterval: "pollIntervalMs",
  id: "jobId",
  job: "jobId",
  retries: "maxConsecutiveFailures",
  maxretries: "maxConsecutiveFailures",
};
