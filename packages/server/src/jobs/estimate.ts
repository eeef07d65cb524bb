import { deriveState, type JobState } from "./derive.js";
import type { JobRecord } from "./record.js";

/**
 * The bias of a job's estimate, in [-1, 1], from a draw in [0, 1). Drawn once at creation: the
 * estimate errs the same way for the whole life of a job, as a real model's would.
 */
export function drawEtaBias(draw: number): number {
  return Math.min(Math.max(draw * 2 - 1, -1), 1);
}

/**
 * The estimated total duration at `progress` (0..1, time-linear): `D * (1 + E * u * (1 - p)^2)`.
 * That makes the estimate of the time LEFT the truth times `1 + E * u * (1 - p)`: off by up to
 * ±E at the start and better and better as the job advances, as an estimator that learns from
 * the progress it observes would be.
 *
 * @example
 * estimatedTotalMs(10_000, 0.5, 0.2, 1); // 10_500: 5 s left, estimated 5.5 s
 */
export function estimatedTotalMs(
  durationMs: number,
  progress: number,
  etaError: number,
  bias: number,
): number {
  return durationMs * (1 + etaError * bias * (1 - progress) ** 2);
}

export interface JobTimes {
  /** Milliseconds since the epoch: the estimate while pending, `completedAt` once terminal. */
  estimatedCompletionAt: number;
  /** Milliseconds since the epoch: when the job completed, failed or was cancelled; only then. */
  completedAt?: number;
}

/**
 * When the job is expected to end, as the server would estimate it at `now`, in whole ms. Pass
 * `state` when you have derived it already.
 */
export function estimateTimes(
  record: JobRecord,
  now: number,
  state: JobState = deriveState(record, now),
): JobTimes {
  if (state.status !== "pending") {
    return { estimatedCompletionAt: state.updatedAt, completedAt: state.updatedAt };
  }
  // A clock before creation (only ever a test's) reads as the creation moment, like progress.
  const progress = Math.max(0, now - record.createdAt) / record.pendingDurationMs;
  const total = estimatedTotalMs(
    record.pendingDurationMs,
    progress,
    record.etaError,
    record.etaBias,
  );
  return { estimatedCompletionAt: record.createdAt + Math.round(total) };
}
