/** What a server knows when it suggests the next poll: its estimate, never the truth. */
export interface PollHintInput {
  /** Milliseconds since the epoch. */
  now: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Milliseconds since the epoch: the current estimate of the end. */
  estimatedCompletionAt: number;
  /** The job's error bound E, 0 <= E < 1: at progress p the estimate of the time left is off by at most ±E·(1 − p). */
  etaError: number;
  /** The job's progress, 0..1. */
  progress: number;
}

/** No hint is shorter than this: polling faster only costs requests. */
export const MIN_POLL_HINT_MS = 50;
/** How far past the end of a narrow window to come back, so the job has surely ended. */
const PAST_WINDOW_MS = 10;

/**
 * How long a client should wait before asking again, in whole milliseconds (`Poll-After-Ms`).
 *
 * The estimated time left R is the true time left times (1 + e·u) with |u| <= 1 and
 * e = E·(1 − progress), so the truth lies in [R / (1 + e), R / (1 - e)]. While that window is
 * wide, come back at its start (approach from below); once it is narrow (within 1% of the job's
 * total, at least 50 ms), come just after its end, so one more request finds the job done.
 *
 * @example
 * pollHintMs({ now: 0, createdAt: 0, estimatedCompletionAt: 12_000, etaError: 0.2, progress: 0 }); // 10_000
 */
export function pollHintMs({
  now,
  createdAt,
  estimatedCompletionAt,
  etaError,
  progress,
}: PollHintInput): number {
  const remaining = Math.max(0, estimatedCompletionAt - now);
  const error = etaError * (1 - Math.min(Math.max(progress, 0), 1));
  const lower = remaining / (1 + error);
  const upper = remaining / (1 - error);
  const total = Math.max(0, now - createdAt) + remaining;
  const tolerance = Math.max(MIN_POLL_HINT_MS, 0.01 * total);
  const hint = upper - lower <= tolerance ? upper + PAST_WINDOW_MS : lower;
  return Math.round(Math.max(hint, MIN_POLL_HINT_MS));
}

/** `Retry-After` for a hint: RFC 9110 delay-seconds, a whole number of seconds, at least 1. */
export function retryAfterSeconds(hintMs: number): number {
  return Math.max(1, Math.ceil(hintMs / 1000));
}
