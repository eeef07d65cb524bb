import { deriveState } from "./derive.js";
import type { JobRecord } from "./record.js";

/**
 * The pending jobs of each owner, for MAX_CONCURRENT_JOBS. Jobs leave when cancelled, or when a
 * check finds them ended (state is derived, so there is nothing to wake), which keeps at most
 * the limit per owner in memory.
 */
export class PendingJobs {
  readonly #byOwner = new Map<string, Map<string, JobRecord>>();

  add(owner: string, record: JobRecord): void {
    let jobs = this.#byOwner.get(owner);
    if (jobs === undefined) {
      jobs = new Map();
      this.#byOwner.set(owner, jobs);
    }
    jobs.set(record.id, record);
  }

  remove(owner: string, id: string): void {
    const jobs = this.#byOwner.get(owner);
    jobs?.delete(id);
    if (jobs?.size === 0) this.#byOwner.delete(owner);
  }

  /** The owner's jobs still pending at `now`; forgets the others. */
  pending(owner: string, now: number): JobRecord[] {
    const jobs = this.#byOwner.get(owner);
    if (jobs === undefined) return [];
    for (const [id, record] of jobs) {
      if (deriveState(record, now).status !== "pending") jobs.delete(id);
    }
    if (jobs.size === 0) this.#byOwner.delete(owner);
    return [...jobs.values()];
  }
}
