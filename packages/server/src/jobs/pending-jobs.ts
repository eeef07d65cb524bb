import { deriveState } from "./derive.js";
import type { JobRecord } from "./record.js";

/**
 * The pending jobs of each owner: the memory store's index for the concurrency limit. Jobs leave
 * when cancelled, or when found ended (state is derived, so there is nothing to wake): on a
 * query, and on an add once an owner's set has doubled since it was last swept, so the index
 * holds about the jobs really pending at an amortised O(1) per add.
 */
export class PendingJobs {
  readonly #byOwner = new Map<string, { jobs: Map<string, JobRecord>; sweepAt: number }>();

  add(owner: string, record: JobRecord): void {
    let entry = this.#byOwner.get(owner);
    if (entry === undefined) {
      entry = { jobs: new Map(), sweepAt: 16 };
      this.#byOwner.set(owner, entry);
    }
    entry.jobs.set(record.id, record);
    if (entry.jobs.size >= entry.sweepAt) {
      // A new record's creation is the latest moment this index has seen.
      this.#sweep(owner, record.createdAt);
      entry.sweepAt = Math.max(16, entry.jobs.size * 2);
    }
  }

  remove(owner: string, id: string): void {
    const entry = this.#byOwner.get(owner);
    entry?.jobs.delete(id);
    if (entry?.jobs.size === 0) this.#byOwner.delete(owner);
  }

  /** The owner's jobs still pending at `now`, oldest first; forgets the others. */
  pending(owner: string, now: number): JobRecord[] {
    return [...this.#sweep(owner, now)];
  }

  #sweep(owner: string, now: number): Iterable<JobRecord> {
    const entry = this.#byOwner.get(owner);
    if (entry === undefined) return [];
    for (const [id, record] of entry.jobs) {
      if (deriveState(record, now).status !== "pending") entry.jobs.delete(id);
    }
    if (entry.jobs.size === 0) this.#byOwner.delete(owner);
    return entry.jobs.values();
  }
}
