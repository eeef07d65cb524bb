/** What one wait cost and how late it found out. */
export interface WaitSample {
  /** The job's real length, in ms. */
  lengthMs: number;
  /** HTTP requests made (a stream counts once per connection). */
  requests: number;
  /** From the job's real completion to the moment the waiter knew, in ms. */
  delayMs: number;
}

/** The figures a table row shows. */
export interface Summary {
  jobs: number;
  meanRequests: number;
  maxRequests: number;
  meanDelayMs: number;
  p95DelayMs: number;
  maxDelayMs: number;
  /** Mean over jobs of delay ÷ length, in percent. */
  meanDelayPct: number;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Nearest-rank percentile (`p` in 0..100): a value that was observed, never interpolated. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1]!;
}

export function summarize(samples: readonly WaitSample[]): Summary {
  const requests = samples.map((s) => s.requests);
  const delays = samples.map((s) => s.delayMs);
  return {
    jobs: samples.length,
    meanRequests: mean(requests),
    maxRequests: Math.max(...requests),
    meanDelayMs: mean(delays),
    p95DelayMs: percentile(delays, 95),
    maxDelayMs: Math.max(...delays),
    meanDelayPct: mean(samples.map((s) => (s.lengthMs > 0 ? (100 * s.delayMs) / s.lengthMs : 0))),
  };
}
