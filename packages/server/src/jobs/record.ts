import type { FaultOverrides } from "../faults/decide.js";

/** How a job ends if nobody cancels it; drawn when the job is created. */
export type JobOutcome = "completed" | "error";

export interface JobFailure {
  code: string;
  message: string;
}

/**
 * What a store keeps about a job. Status, progress, updatedAt and estimates are derived from it
 * and the clock (see `derive.ts`, `estimate.ts`), so nothing needs ticking and a store only ever
 * writes on create and cancel.
 */
export interface JobRecord {
  id: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  pendingDurationMs: number;
  outcome: JobOutcome;
  /** The bound E (0 <= E < 1) on the relative error of this job's estimates of the time left. */
  etaError: number;
  /** Drawn at creation, in [-1, 1]: estimates of the time left are the truth times 1 + E * bias. */
  etaBias: number;
  /** Present exactly when `outcome` is "error". */
  failure?: JobFailure;
  /** Milliseconds since the epoch; set only while the job was pending. */
  cancelledAt?: number;
  metadata: Record<string, unknown>;
  /** The owner id of the API key that created it; absent when auth is off. */
  owner?: string;
  /** Fault settings for the requests about this job, overriding the server's. */
  faults?: FaultOverrides;
  /** Where a signed webhook goes when the job ends (see `src/webhooks/`). */
  callbackUrl?: string;
  /** Which API created the job; absent for `POST /jobs`. Picks the webhook events' names. */
  api?: "jobs" | "heygen-v2" | "heygen-v3";
}
