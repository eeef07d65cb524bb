import type { WaitOptions } from "./options.js";
import type { StatusSnapshot, WaitResult } from "./types.js";

/**
 * A job to wait on, alone or with a signal that cancels the wait on it alone, and its size
 * (see the `size` option of a single wait).
 */
export type JobRef = string | { jobId: string; signal?: AbortSignal; size?: number };

/** Options of `waitForAll` and `waitForEach`: those of one wait, applied to each job. */
export interface WaitManyOptions extends Omit<
  WaitOptions,
  "jobId" | "mode" | "onPoll" | "onProgress" | "onStatusChange"
> {
  /**
   * `auto` polls all jobs in batches once and then follows the server's multiplexed event
   * stream if it advertises one; `poll` only polls, in batches; `stream` starts with the
   * stream. Each falls back (stream → batches → one wait per job) when the server cannot.
   * @default "auto"
   */
  mode?: "auto" | "poll" | "stream";
  /**
   * Jobs asked about in one batch request (`GET /jobs?ids=...`, or the API's own bulk read)
   * or one stream; never more than the API allows in one request (100 for HeyGen's).
   * @default 100
   */
  batchSize?: number;
  /** Called for every status seen, for any of the jobs. */
  onProgress?: (jobId: string, snapshot: StatusSnapshot) => void;
}

/** How one job's wait ended: a terminal status, or the error that ended the wait on it. */
export type JobOutcome =
  { jobId: string; ok: true; result: WaitResult } | { jobId: string; ok: false; error: unknown };

/**
 * The jobs of a wait on many, checked, each id once: a TypeError for an empty id or a size
 * that is not a positive number.
 */
export function readJobRefs(
  refs: Iterable<JobRef>,
): Array<{ jobId: string; signal: AbortSignal | undefined; size: number | undefined }> {
  const jobs = new Map<
    string,
    { jobId: string; signal: AbortSignal | undefined; size: number | undefined }
  >();
  for (const ref of refs) {
    const jobId = typeof ref === "string" ? ref : ref.jobId;
    if (typeof jobId !== "string" || jobId.length === 0) {
      throw new TypeError(`Every job id must be a non-empty string, got ${JSON.stringify(jobId)}`);
    }
    if (jobs.has(jobId)) continue;
    const size = typeof ref === "string" ? undefined : ref.size;
    if (size !== undefined && !(typeof size === "number" && size > 0 && Number.isFinite(size))) {
      throw new TypeError(`A job's size must be a positive number, got ${String(size)}`);
    }
    jobs.set(jobId, { jobId, signal: typeof ref === "string" ? undefined : ref.signal, size });
  }
  return [...jobs.values()];
}
