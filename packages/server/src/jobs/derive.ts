import type { JobRecord } from "./record.js";

export type JobStatus = "pending" | "completed" | "error" | "cancelled";

export interface JobState {
  status: JobStatus;
  /** 0..1; below 1 while pending, frozen at the cancel moment. */
  progress: number;
  /** Milliseconds since the epoch of the last status change. */
  updatedAt: number;
}

/** The job's state at `now`, computed from its record alone. */
export function deriveState(record: JobRecord, now: number): JobState {
  if (record.cancelledAt !== undefined) {
    return {
      status: "cancelled",
      progress: progressAt(record, record.cancelledAt),
      updatedAt: record.cancelledAt,
    };
  }
  const finishedAt = record.createdAt + record.pendingDurationMs;
  if (now >= finishedAt) return { status: record.outcome, progress: 1, updatedAt: finishedAt };
  return { status: "pending", progress: progressAt(record, now), updatedAt: record.createdAt };
}

function progressAt(record: JobRecord, time: number): number {
  if (record.pendingDurationMs <= 0) return 1;
  const fraction = Math.max(0, time - record.createdAt) / record.pendingDurationMs;
  // Floor to 4 decimals so a pending job never reads as 1 (done) and the JSON stays short.
  return Math.min(Math.floor(fraction * 10_000) / 10_000, 0.9999);
}

/** When the job ended or will end: its cancel, else the end of its pending time. */
export function endOf(record: JobRecord): number {
  return record.cancelledAt ?? record.createdAt + record.pendingDurationMs;
}
