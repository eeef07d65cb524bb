import type { DelaySource } from "./types.js";

/** The knobs of the computed backoff, all in milliseconds except the factor and jitter. */
export interface BackoffOptions {
  initialIntervalMs: number;
  backoffFactor: number;
  /** Ceiling of the computed backoff. */
  maxBackoffMs: number;
  /** Share of each interval that may be randomly taken off, 0..1. */
  jitter: number;
}

/** Everything that bounds or overrides the next delay. */
export interface ScheduleOptions extends BackoffOptions {
  /** The longest gap between two requests, whatever the source of the delay. */
  maxIntervalMs: number;
  /** The shortest gap between two requests, so no hint can turn a wait into a tight loop. */
  minIntervalMs: number;
  /** A fixed interval set by the caller: beats every server hint. */
  pollIntervalMs: number | undefined;
}

/** What the wait loop knows when it asks for the next delay. */
export interface ScheduleInput {
  /** 1-based position in the current run of computed backoff. */
  backoffAttempt: number;
  /** Time left before the deadline. */
  remainingMs: number;
  /** Whether the last request failed (then only `Retry-After` or backoff apply). */
  failed: boolean;
  pollAfterMs?: number | undefined;
  retryAfterMs?: number | undefined;
  /** Time until the server's estimated completion (negative once it has passed). */
  estimatedRemainingMs?: number | undefined;
  /** Delay proposed by the learned schedule, if it applies. */
  learnedDelayMs?: number | undefined;
}

export interface ScheduledDelay {
  delayMs: number;
  source: DelaySource;
}

/**
 * Nominal interval of the `attempt`-th computed backoff, before jitter: `initialIntervalMs`
 * growing by `backoffFactor` each time, never above `maxBackoffMs`.
 */
export function nominalInterval(attempt: number, options: BackoffOptions): number {
  // 0 × Infinity is NaN: a zero interval stays zero however many attempts have passed.
  if (options.initialIntervalMs === 0) return 0;
  const grown = options.initialIntervalMs * options.backoffFactor ** Math.max(0, attempt - 1);
  return Math.min(options.maxBackoffMs, grown);
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
 * Poll this long after the estimated completion: just after it, not long before. The margin
 * grows a little with the remaining time, since a far estimate is a rougher one.
 */
export function estimateMargin(estimatedRemainingMs: number): number {
  return Math.max(25, estimatedRemainingMs * 0.005);
}

/**
 * The delay before the next request, by order of authority: after a failure, the server's
 * `Retry-After` or backoff; otherwise the caller's fixed `pollIntervalMs`, then the server's
 * poll hint (`Poll-After-Ms`, then `Retry-After`), then its estimated completion (poll just
 * after it), then the learned schedule, then computed backoff. Hints get no jitter (they
 * already are the server's own spreading). Every delay is held within
 * [`minIntervalMs`, `maxIntervalMs`] and clamped to the time left, so the last poll happens at
 * the deadline rather than the wait giving up early.
 */
export function nextDelay(
  input: ScheduleInput,
  options: ScheduleOptions,
  random: () => number,
): ScheduledDelay {
  const chosen = choose(input, options, random);
  const bounded = Math.min(Math.max(chosen.delayMs, options.minIntervalMs), options.maxIntervalMs);
  if (bounded >= input.remainingMs) {
    return { delayMs: Math.max(0, input.remainingMs), source: "deadline" };
  }
  return { delayMs: bounded, source: chosen.source };
}

function choose(
  input: ScheduleInput,
  options: ScheduleOptions,
  random: () => number,
): ScheduledDelay {
  const backoff = (): ScheduledDelay => ({
    delayMs: backoffDelay(input.backoffAttempt, options, random),
    source: "backoff",
  });
  if (input.failed) {
    return input.retryAfterMs !== undefined
      ? { delayMs: input.retryAfterMs, source: "retry-after" }
      : backoff();
  }
  if (options.pollIntervalMs !== undefined) {
    return { delayMs: options.pollIntervalMs, source: "explicit" };
  }
  if (input.pollAfterMs !== undefined) return { delayMs: input.pollAfterMs, source: "poll-after" };
  if (input.retryAfterMs !== undefined)
    return { delayMs: input.retryAfterMs, source: "retry-after" };
  if (input.estimatedRemainingMs !== undefined && input.estimatedRemainingMs > 0) {
    const remaining = input.estimatedRemainingMs;
    return { delayMs: remaining + estimateMargin(remaining), source: "estimate" };
  }
  if (input.learnedDelayMs !== undefined) {
    return { delayMs: input.learnedDelayMs, source: "learned" };
  }
  return backoff();
}
