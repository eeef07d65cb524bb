import { backoffDelay, type BackoffOptions } from "./schedule.js";
import { HttpError } from "./errors/HttpError.js";
import { isRetryable } from "./transport/retryable.js";
import type { Clock } from "./types.js";

/** Backoff between the retries of a single request (not a wait): short, since someone is waiting. */
export const REQUEST_RETRY_BACKOFF: BackoffOptions = {
  initialIntervalMs: 500,
  backoffFactor: 2,
  maxBackoffMs: 8_000,
  jitter: 0.2,
};

/**
 * A `409 request_in_progress` (a retried creation whose first attempt the server is still
 * serving) is asked again after a short pause, with the same Idempotency-Key, and does not
 * count as a retry: it is neither a failure nor a reason for a second job.
 */
const IN_PROGRESS_BACKOFF: BackoffOptions = {
  initialIntervalMs: 250,
  backoffFactor: 2,
  maxBackoffMs: 2_000,
  jitter: 0.2,
};

/** How long a creation keeps asking while the server says its first attempt is in progress. */
const IN_PROGRESS_LIMIT_MS = 60_000;

function isInProgress(error: unknown): boolean {
  return error instanceof HttpError && error.status === 409 && error.code === "request_in_progress";
}

/** A server asking for more than this is not worth waiting on inside one call: fail instead. */
const MAX_RETRY_AFTER_MS = 60_000;

/**
 * Runs `send` and retries it on a retryable failure (network error, timeout, 408, 429, 5xx)
 * up to `maxRetries` times, honouring `Retry-After` without jitter. Used by the single-request
 * methods; a wait has its own schedule.
 */
export async function withRetries<T>(
  send: (attempt: number) => Promise<T>,
  options: {
    maxRetries: number;
    clock: Clock;
    random: () => number;
    signal?: AbortSignal | undefined;
    /**
     * Which failures are worth repeating; a request that is not safe to repeat narrows it.
     * @default isRetryable
     */
    retryable?: (error: unknown) => boolean;
  },
): Promise<T> {
  const retryable = options.retryable ?? isRetryable;
  const started = options.clock.now();
  let retries = 0;
  let waits = 0;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send(attempt);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (isInProgress(error) && options.clock.now() - started < IN_PROGRESS_LIMIT_MS) {
        // The first attempt is still being served: ask again, with the same key, shortly.
        waits += 1;
        const hinted = (error as HttpError).retryAfterMs;
        const delay = Math.min(
          hinted ?? backoffDelay(waits, IN_PROGRESS_BACKOFF, options.random),
          IN_PROGRESS_BACKOFF.maxBackoffMs,
        );
        await options.clock.sleep(delay, options.signal);
        continue;
      }
      retries += 1;
      if (retries > options.maxRetries || !retryable(error)) throw error;
      const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
      if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS) throw error;
      const delay = retryAfterMs ?? backoffDelay(retries, REQUEST_RETRY_BACKOFF, options.random);
      await options.clock.sleep(delay, options.signal);
    }
  }
}
