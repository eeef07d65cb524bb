import { backoffDelay, type BackoffOptions } from "./schedule.js";
import { isRetryable } from "./transport/retryable.js";
import type { Clock } from "./types.js";

/** Backoff between the retries of a single request (not a wait): short, since someone is waiting. */
export const REQUEST_RETRY_BACKOFF: BackoffOptions = {
  initialIntervalMs: 500,
  backoffFactor: 2,
  maxBackoffMs: 8_000,
  jitter: 0.2,
};

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
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send(attempt);
    } catch (error) {
      if (options.signal?.aborted || attempt > options.maxRetries || !retryable(error)) throw error;
      const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
      if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS) throw error;
      const delay = retryAfterMs ?? backoffDelay(attempt, REQUEST_RETRY_BACKOFF, options.random);
      await options.clock.sleep(delay, options.signal);
    }
  }
}
