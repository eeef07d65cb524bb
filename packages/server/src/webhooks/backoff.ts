export interface RetryDelayOptions {
  /** Backoff before the first retry; doubles after each failed attempt. */
  retryDelayMs: number;
  /** Cap on the doubled backoff. */
  maxRetryDelayMs: number;
}

/**
 * How long to wait after failed attempt `attempt` (1 for the first), in whole ms: the backoff
 * b = min(retryDelayMs · 2^(attempt−1), maxRetryDelayMs), then "equal jitter", a uniform draw in
 * [b/2, b], so receivers that failed together do not get their retries together.
 */
export function retryDelayMs(
  attempt: number,
  { retryDelayMs, maxRetryDelayMs }: RetryDelayOptions,
  random: () => number,
): number {
  const backoff = Math.min(retryDelayMs * 2 ** Math.max(0, attempt - 1), maxRetryDelayMs);
  return Math.round(backoff / 2 + random() * (backoff / 2));
}
