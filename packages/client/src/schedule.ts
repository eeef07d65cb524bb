/** The knobs of the computed backoff, all in milliseconds except the factor and jitter. */
export interface BackoffOptions {
  initialIntervalMs: number;
  backoffFactor: number;
  maxIntervalMs: number;
  /** Share of each interval that may be randomly taken off, 0..1. */
  jitter: number;
}

/** What the wait loop knows when it asks for the next delay. */
export interface ScheduleInput {
  /** Requests made so far (1 after the first poll). */
  attempt: number;
  /** Time left before the deadline. */
  remainingMs: number;
  /** A server hint from `Retry-After`, in ms, if the last response carried one. */
  retryAfterMs?: number | undefined;
}

/**
 * Nominal interval after the `attempt`-th request, before jitter: `initialIntervalMs` growing by
 * `backoffFactor` each time, never above `maxIntervalMs`.
 */
export function nominalInterval(attempt: number, options: BackoffOptions): number {
  const grown = options.initialIntervalMs * options.backoffFactor ** Math.max(0, attempt - 1);
  return Math.min(options.maxIntervalMs, grown);
}

/**
 * Computed backoff with "subtractive" jitter: the nominal interval minus up to `jitter` of it.
 * Unlike full jitter, the mean interval stays close to nominal (full jitter halves it and so
 * doubles the requests of a long wait); unlike ± jitter, the cap stays a true upper bound.
 * The spread is what keeps clients that started together from polling in lockstep.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number,
): number {
  return nominalInterval(attempt, options) * (1 - options.jitter * random());
}

/**
 * The delay before the next request. A server's `Retry-After` wins over computed backoff and
 * gets no jitter (it already is the server's own spreading), but it is capped by
 * `maxIntervalMs` so a huge value cannot stall the wait. Every delay is clamped to the time
 * left, so the last poll happens at the deadline rather than the wait giving up early.
 */
export function nextDelay(
  input: ScheduleInput,
  options: BackoffOptions,
  random: () => number,
): number {
  const delay =
    input.retryAfterMs !== undefined
      ? Math.min(input.retryAfterMs, options.maxIntervalMs)
      : backoffDelay(input.attempt, options, random);
  return Math.max(0, Math.min(delay, input.remainingMs));
}
