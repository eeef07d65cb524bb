import type { ErrorBody } from "../errors.js";
import { deriveState, type JobStatus } from "./derive.js";
import { estimateTimes } from "./estimate.js";
import type { JobRecord } from "./record.js";

export type { JobStatus };

/** The job as the API shows it. Its duration, estimate bias and future outcome stay hidden. */
export interface JobView {
  id: string;
  status: JobStatus;
  /** Same value as `status`; the name the original clients read. */
  result: JobStatus;
  progress: number;
  /** ISO 8601 with milliseconds. */
  createdAt: string;
  /** ISO 8601 with milliseconds: the moment of the last status change. */
  updatedAt: string;
  /** ISO 8601 with milliseconds: the server's estimate while pending, then `completedAt`. */
  estimatedCompletionAt: string;
  /** ISO 8601 with milliseconds: when it completed, failed or was cancelled; only once it has. */
  completedAt?: string;
  metadata: Record<string, unknown>;
  /** Only when `status` is "error". */
  error?: { code: string; message: string };
}

/** `GET /status`. `result` comes first: the original clients read only that key. */
export interface LegacyStatusView {
  result: Exclude<JobStatus, "cancelled">;
  status: Exclude<JobStatus, "cancelled">;
  progress: number;
  createdAt: string;
  updatedAt: string;
  estimatedCompletionAt: string;
  completedAt?: string;
  error?: { code: string; message: string };
}

export type { ErrorBody };

export function toJobView(record: JobRecord, now: number): JobView {
  const { status, progress, updatedAt } = deriveState(record, now);
  const { estimatedCompletionAt, completedAt } = estimateTimes(record, now);
  return {
    id: record.id,
    status,
    result: status,
    progress,
    createdAt: iso(record.createdAt),
    updatedAt: iso(updatedAt),
    estimatedCompletionAt: iso(estimatedCompletionAt),
    ...(completedAt !== undefined && { completedAt: iso(completedAt) }),
    metadata: record.metadata,
    ...(status === "error" && record.failure && { error: { ...record.failure } }),
  };
}

export function toLegacyView(record: JobRecord, now: number): LegacyStatusView {
  const { status, progress, createdAt, updatedAt, estimatedCompletionAt, completedAt, error } =
    toJobView(record, now);
  // The legacy job is never stored, so nothing can cancel it.
  if (status === "cancelled") throw new Error("The legacy job cannot be cancelled");
  return {
    result: status,
    status,
    progress,
    createdAt,
    updatedAt,
    estimatedCompletionAt,
    ...(completedAt !== undefined && { completedAt }),
    ...(error && { error }),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
