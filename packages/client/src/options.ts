import type { BudgetOptions } from "./budget.js";
import { checkRule, describe } from "./internal/validate.js";
import type { DurationModelSnapshot } from "./learned.js";
import type { ApiName } from "./profiles/types.js";
import type {
  Clock,
  FetchLike,
  JobStatus,
  Logger,
  PollEvent,
  ProgressEvent,
  StatusSnapshot,
  WaitMode,
} from "./types.js";

/** Options of {@link TranslationStatusClient}. */
export interface ClientOptions<A extends ApiName = ApiName> extends BudgetOptions {
  /**
   * Root of the API: jobs live at `{baseUrl}/jobs/{id}` (or where `api` puts them).
   * @default "http://localhost:8000"
   */
  baseUrl?: string;
  /**
   * The API's shape: ours (`/jobs`), HeyGen's video translation, `heygen-v2`
   * (`/v2/video_translate`) or `heygen-v3` (`/v3/video-translations`), or ElevenLabs' dubbing,
   * `elevenlabs` (`/v1/dubbing`), whose statuses are normalized to ours. `createJob` takes that
   * API's body.
   * @default "jobs"
   */
  api?: A;
  /** Sent as `X-Api-Key` with every request (`xi-api-key` with `api: "elevenlabs"`). */
  apiKey?: string;
  /**
   * The single-job status resource read by `getStatus()` without a job id.
   * @default `${baseUrl}/status`
   */
  statusUrl?: string;
  /**
   * The fetch implementation, for instance one with a proxy agent, or a mock in tests.
   * @default globalThis.fetch
   */
  fetch?: FetchLike;
  /**
   * Sent as `X-Client-Name`, so the server's dashboard tells integrations apart. Where the
   * runtime lets a client set it (Node, not browsers), `User-Agent` is `translation-status/VERSION`.
   * @default none (the server then falls back to the User-Agent)
   */
  clientName?: string;
  /** Headers sent with every request, such as an API key. */
  headers?: Record<string, string>;
  /**
   * Time allowed for one request, headers and body, before it fails with RequestTimeoutError.
   * A long-poll gets its hold time on top; a stream gets it for its first bytes.
   * @default 30_000
   */
  requestTimeoutMs?: number;
  /**
   * Largest response body accepted; a larger one is refused without being buffered.
   * @default 1_048_576 (1 MiB)
   */
  maxResponseBytes?: number;
  /** Receives a debug line per poll and a warning per retried failure. Silent by default. */
  logger?: Logger;
  /**
   * Source of time for waits and timeouts. Inject a virtual clock in tests and simulations.
   * @default Date.now and setTimeout
   */
  clock?: Clock;
  /**
   * Random numbers in [0, 1) for jitter.
   * @default Math.random
   */
  random?: () => number;
  /**
   * Job durations learned earlier (from `exportModel()`), so a restarted service keeps them.
   */
  model?: DurationModelSnapshot;
  /**
   * Retries of a retryable failure (network error, timeout, 408, 429, 5xx) for `getStatus`,
   * `createJob` (made safe by its Idempotency-Key) and `cancelJob`. A wait has its own bound,
   * `maxConsecutiveFailures`.
   * @default 2
   */
  maxRetries?: number;
  /**
   * Extra status values and what they mean, for servers that name their states differently:
   * `{ running: "pending", succeeded: "completed", failed: "error" }`. A value that is neither
   * known nor mapped is an UnexpectedResponseError, never "still pending".
   */
  statusMap?: Record<string, JobStatus>;
}

/** Options of {@link TranslationStatusClient.waitForCompletion}. */
export interface WaitOptions {
  /** The job to wait on. Without it, the wait polls the single-job `statusUrl`. */
  jobId?: string;
  /**
   * How to observe the job. `auto` polls once, then uses the best the server advertises in
   * that answer (a push stream, else long-polling, else polling), and falls back a step
   * whenever one does not work out.
   * @default "auto"
   */
  mode?: WaitMode;
  /**
   * Overall deadline. The last poll happens at the deadline; if the job is still pending then,
   * the wait rejects with WaitTimeoutError. `Infinity` waits as long as it takes.
   * @default 3_600_000 (1 hour: video translations take 5 to 30 minutes, sometimes more)
   */
  maxWaitMs?: number;
  /**
   * A fixed interval between polls. Beats every server hint (but not a `Retry-After` on a
   * failed request, nor the deadline). Leave unset to let the server and the schedule decide.
   */
  pollIntervalMs?: number;
  /**
   * Interval after the first poll when the server gives no hint; the first poll is immediate.
   * @default 1_000
   */
  initialIntervalMs?: number;
  /**
   * Growth of the interval after each poll without a hint.
   * @default 1.5
   */
  backoffFactor?: number;
  /**
   * Ceiling of the computed backoff, used when the server gives no hint.
   * @default 30_000, or `maxIntervalMs` when you set that
   */
  maxBackoffMs?: number;
  /**
   * The longest gap between two requests, whatever the backoff or a server hint says, so a
   * huge `Retry-After` cannot stall the wait.
   * @default 3_600_000 (1 hour, the default deadline: a server's hint is trusted whole)
   */
  maxIntervalMs?: number;
  /**
   * The shortest gap between two requests, whatever a server hint says.
   * @default 50
   */
  minIntervalMs?: number;
  /**
   * Share of each computed interval that may be randomly taken off (0 disables jitter).
   * @default 0.2
   */
  jitter?: number;
  /**
   * What kind of job this is (say, "dub-720p"), so the client learns how long such jobs take
   * and, when the server gives no hint, polls around that instead of backing off blindly.
   * @default "default"
   */
  kind?: string;
  /**
   * How long you expect the job to take (for instance an API's own expected duration). Used
   * as a duration known ± 15% until the client has learned enough of this kind.
   */
  expectedDurationMs?: number;
  /**
   * The job's size, a positive number in any unit you pick as long as it is the same for the
   * kind (say, the input video's seconds). The client learns each kind's duration per unit of
   * size and schedules a job by its own size: a 1-minute video is not polled on the schedule
   * of a 30-minute one. The `heygen-v3` API fills it from the status answer's `duration`.
   */
  size?: number;
  /**
   * When the server gives no hint, the mean delay the learned schedule aims at, as a share of
   * the job's expected length (0.015: about 1.5 s late on a 100 s job, 13.5 s on a 15-minute
   * one). The schedule is the optimal checking schedule for what was learned of the kind: the
   * fewest polls that meet this aim. The aim is never below 100 ms (or `minIntervalMs`), nor above the
   * mean delay of backoff at its ceiling (`maxBackoffMs × (1 − jitter/2) / 2`, 13.5 s by
   * default), so learning never makes a wait later than not learning. Lower polls more and
   * finds out sooner; higher polls less.
   * @default 0.015
   */
  targetDelayShare?: number;
  /**
   * How long to ask the server to hold each long-poll (`Prefer: wait`); the server may cap it.
   * @default 60_000
   */
  longPollWaitMs?: number;
  /**
   * Longest silence on a push stream (no event, no heartbeat) before it counts as dropped.
   * @default 45_000 (three times a 15-second heartbeat)
   */
  streamIdleTimeoutMs?: number;
  /**
   * Opt-in fail-fast: failed requests in a row (network errors, timeouts, 408, 425, 429, 5xx,
   * a gateway's HTML page) after which the wait gives up with the last failure. By default an
   * outage never ends a wait before its deadline; only a wrong URL or key fails before the
   * first answer (name not found, connection refused, TLS, 401, 403, 404).
   * @default Infinity
   */
  maxConsecutiveFailures?: number;
  /**
   * Per-request timeout for this wait.
   * @default the client's `requestTimeoutMs`
   */
  requestTimeoutMs?: number;
  /** Cancels the wait at once: it rejects with the signal's reason and leaves nothing running. */
  signal?: AbortSignal;
  /** Called after every request, with what it saw and when the next one will be. */
  onPoll?: (event: PollEvent) => void;
  /** Called for every status seen, with the progress and the server's estimate. */
  onProgress?: (event: ProgressEvent) => void;
  /** Called when the status differs from the previous one seen (the first status included). */
  onStatusChange?: (snapshot: StatusSnapshot, previous: StatusSnapshot | undefined) => void;
}

export const CLIENT_DEFAULTS = {
  baseUrl: "http://localhost:8000",
  requestTimeoutMs: 30_000,
  maxResponseBytes: 1_048_576,
  maxRetries: 2,
} as const;

export const WAIT_DEFAULTS = {
  mode: "auto",
  maxWaitMs: 3_600_000,
  initialIntervalMs: 1_000,
  backoffFactor: 1.5,
  maxBackoffMs: 30_000,
  maxIntervalMs: 3_600_000,
  minIntervalMs: 50,
  jitter: 0.2,
  kind: "default",
  targetDelayShare: 0.015,
  longPollWaitMs: 60_000,
  streamIdleTimeoutMs: 45_000,
  maxConsecutiveFailures: Infinity,
} as const;

/** Throws a TypeError naming `name` unless `value` is a number in [min, max]. */
export function checkNumber(
  name: string,
  value: number,
  range: { min?: number; max?: number; integer?: boolean },
): number {
  checkRule(name, { type: "number", ...range }, value);
  return value;
}

/** Throws a TypeError naming `name` unless `value` is an absolute http(s) URL; strips a final slash. */
export function checkUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new TypeError(`Option "${name}" must be an absolute URL, got ${describe(value)}`, {
      cause,
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(
      `Option "${name}" must be an http or https URL, got ${JSON.stringify(value)}`,
    );
  }
  return value.replace(/\/+$/, "");
}
