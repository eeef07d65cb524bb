/** Every status a job can be in. `pending` covers queued and running. */
export type JobStatus = "pending" | "completed" | "error" | "cancelled";

/** The statuses that end a wait. A job in one of them never changes again. */
export type TerminalStatus = Exclude<JobStatus, "pending">;

/** Why a job failed, as the server reports it. */
export interface JobFailure {
  code: string;
  message: string;
}

/** One observation of a job, normalized from whichever response shape the server used. */
export interface StatusSnapshot {
  status: JobStatus;
  /** The job's id; undefined for the single-job `/status` resource. */
  jobId: string | undefined;
  /** Completion between 0 and 1, when the server reports it. */
  progress: number | undefined;
  createdAt: string | undefined;
  /** When the status last changed; for a finished job, the moment it finished. */
  updatedAt: string | undefined;
  /** The server's estimate of when the job will finish (ISO 8601), if it gives one. */
  estimatedCompletionAt: string | undefined;
  /** The moment the job really finished (ISO 8601), once terminal, if the server says. */
  completedAt: string | undefined;
  /** Present when `status` is `error` and the server said why. */
  error: JobFailure | undefined;
  /** The job's size, when the API reports one (HeyGen v3: the video's `duration`, seconds). */
  size?: number | undefined;
  /**
   * How long the server expects the whole job to take, in ms, when its creation answer says
   * (ElevenLabs' `expected_duration_sec`). A wait on the job uses it as `expectedDurationMs`.
   */
  expectedDurationMs?: number;
  /** The parsed response body, untouched, for fields this client does not model. */
  raw: unknown;
}

/** The outcome of {@link TranslationStatusClient.waitForCompletion}. */
export interface WaitResult {
  /** `completed`, `error` or `cancelled`: outcomes, not exceptions. */
  status: TerminalStatus;
  /** The terminal snapshot, with the job's error and the raw body. */
  snapshot: StatusSnapshot;
  /** HTTP requests the wait made, failed ones included. */
  requests: number;
  /** Time from the call to the moment the terminal status was known, in ms. */
  elapsedMs: number;
  /** How the terminal status was observed, after any fallback. */
  mode: Exclude<WaitMode, "auto">;
}

/** How a wait gets its observations. `auto` picks the best the server advertises. */
export type WaitMode = "auto" | "poll" | "long-poll" | "stream";

/**
 * Where the delay before the next request came from: the order of authority, then `stream`
 * (opening or reopening the push stream) and `deadline` (clamped to the time left).
 */
export type DelaySource =
  | "explicit"
  | "poll-after"
  | "retry-after"
  | "estimate"
  | "learned"
  | "backoff"
  | "stream"
  | "deadline";

/** Reported to `onPoll` after every request of a wait (a stream counts when it ends). */
export interface PollEvent {
  /** 1 for the first request. */
  attempt: number;
  /** How this request was made. */
  mode: Exclude<WaitMode, "auto">;
  elapsedMs: number;
  /** What the request saw; undefined when it failed. */
  snapshot: StatusSnapshot | undefined;
  /** Why the request failed; it will be retried if `nextPollInMs` is defined. */
  error: unknown;
  /** Delay before the next request; undefined when this was the last one. */
  nextPollInMs: number | undefined;
  /** Why that delay; undefined when this was the last request. */
  delaySource: DelaySource | undefined;
}

/** Reported to `onProgress` for every status the wait sees, from a poll or a stream. */
export interface ProgressEvent {
  snapshot: StatusSnapshot;
  /** 0..1 when the server reports it. */
  progress: number | undefined;
  /** The server's estimated completion, in epoch ms, when it gives one. */
  estimatedCompletionAt: number | undefined;
  /** How the wait is observing the job now. */
  mode: Exclude<WaitMode, "auto">;
}

/** A console-like sink. Any method may be missing; nothing is logged without a logger. */
export interface Logger {
  debug?(message: string, ...details: unknown[]): void;
  info?(message: string, ...details: unknown[]): void;
  warn?(message: string, ...details: unknown[]): void;
  error?(message: string, ...details: unknown[]): void;
}

/**
 * Where time comes from. Inject one to drive waits on a virtual clock in tests and simulations;
 * the default uses `Date.now` and `setTimeout`.
 */
export interface Clock {
  /**
   * Milliseconds since the Unix epoch, like `Date.now()`: compared with the server's
   * timestamps (an estimated completion, a job's creation) as well as with itself.
   */
  now(): number;
  /** Resolves after `ms`, or rejects with `signal.reason` as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The `fetch` this client calls: the global one by default. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;
