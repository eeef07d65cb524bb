import { deriveState, type JobStatus } from "../jobs/derive.js";
import type { JobStore } from "../store/job-store.js";

export const JOB_STATUSES: readonly JobStatus[] = ["pending", "completed", "error", "cancelled"];

// Large pages: a scrape reads every record once, and each page is one round trip.
const PAGE = 1_000;

/**
 * How many jobs the store holds in each status at `at`: every record is read, since a status is
 * derived from the record and the clock and no counter could follow it. O(jobs) per call, which
 * is fine at scrape intervals for a simulator's store.
 */
export async function countJobs(store: JobStore, at: number): Promise<Record<JobStatus, number>> {
  const counts: Record<JobStatus, number> = { pending: 0, completed: 0, error: 0, cancelled: 0 };
  let after: string | undefined;
  for (;;) {
    const page = await store.list({ ...(after !== undefined && { after }), limit: PAGE });
    for (const record of page) counts[deriveState(record, at).status]++;
    if (page.length < PAGE) return counts;
    after = page.at(-1)!.id;
  }
}
