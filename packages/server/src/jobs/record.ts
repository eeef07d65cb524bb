/** How a job ends if nobody cancels it; drawn when the job is created. */
export type JobOutcome = "completed" | "error";

export interface JobFailure {
  code: string;
  message: string;
}

/**
 * What a store keeps about a job. Status, progress and updatedAt are derived from it and the clock
 * (see `derive.ts`), so nothing needs ticking and a store only ever writes on create and cancel.
 */
export interface JobRecord {
  id: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  pendingDurationMs: number;
  outcome: JobOutcome;
  /** Present exactly when `outcome` is "error". */
  failure?: JobFailure;
  /** Milliseconds since the epoch; set only while the job was pending. */
  cancelledAt?: number;
  metadata: Record<string, unknown>;
}
