import type { Clock, FetchLike, Logger, PollEvent, StatusSnapshot } from "./types.js";

/** Options of {@link TranslationStatusClient}. */
export interface ClientOptions {
  /**
   * Root of the API: jobs live at `{baseUrl}/jobs/{id}`.
   * @default "http://localhost:8000"
   */
  baseUrl?: string;
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
  /** Headers sent with every request, such as an API key. */
  headers?: Record<string, string>;
  /**
   * Time allowed for one request, headers and body, before it fails with RequestTimeoutError.
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
}

/** Options of {@link TranslationStatusClient.waitForCompletion}. */
export interface WaitOptions {
  /** The job to wait on. Without it, the wait polls the single-job `statusUrl`. */
  jobId?: string;
  /**
   * Overall deadline. The last poll happens at the deadline; if the job is still pending then,
   * the wait rejects with WaitTimeoutError. `Infinity` waits as long as it takes.
   * @default 3_600_000 (1 hour: video translations take 5 to 30 minutes, sometimes more)
   */
  maxWaitMs?: number;
  /**
   * Interval after the first poll; the first poll itself happens at once.
   * @default 1_000
   */
  initialIntervalMs?: number;
  /**
   * Growth of the interval after each poll.
   * @default 1.5
   */
  backoffFactor?: number;
  /**
   * Longest interval between two polls, whatever the backoff or a server hint says.
   * @default 30_000
   */
  maxIntervalMs?: number;
  /**
   * Share of each computed interval that may be randomly taken off (0 disables jitter).
   * @default 0.2
   */
  jitter?: number;
  /**
   * Failed requests in a row (network errors, timeouts, 408, 429, 5xx) after which the wait
   * gives up with the last failure instead of hiding it behind a timeout. `Infinity` allowed.
   * @default 5
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
  /** Called when the status differs from the previous one seen (the first status included). */
  onStatusChange?: (snapshot: StatusSnapshot, previous: StatusSnapshot | undefined) => void;
}

export const CLIENT_DEFAULTS = {
  baseUrl: "http://localhost:8000",
  requestTimeoutMs: 30_000,
  maxResponseBytes: 1_048_576,
} as const;

export const WAIT_DEFAULTS = {
  maxWaitMs: 3_600_000,
  initialIntervalMs: 1_000,
  backoffFactor: 1.5,
  maxIntervalMs: 30_000,
  jitter: 0.2,
  maxConsecutiveFailures: 5,
} as const;

/** Throws a TypeError naming `name` unless `value` is a number in [min, max]. */
export function checkNumber(
  name: string,
  value: number,
  { min = 0, max = Infinity, integer = false }: { min?: number; max?: number; integer?: boolean },
): number {
  const valid =
    typeof value === "number" &&
    !Number.isNaN(value) &&
    value >= min &&
    value <= max &&
    (!integer || Number.isInteger(value) || value === Infinity);
  if (!valid) {
    const range = max === Infinity ? `>= ${min}` : `between ${min} and ${max}`;
    throw new TypeError(
      `Option "${name}" must be ${integer ? "an integer" : "a number"} ${range}, got ${String(value)}`,
    );
  }
  return value;
}

/** Throws a TypeError naming `name` unless `value` is an absolute http(s) URL; strips a final slash. */
export function checkUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new TypeError(`Option "${name}" must be an absolute URL, got ${JSON.stringify(value)}`, {
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
