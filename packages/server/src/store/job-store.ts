import type { JobRecord } from "../jobs/record.js";

export interface ListRecordsOptions {
  /** Start after the job with this id; an id the store does not hold yields an empty page. */
  after?: string;
  limit: number;
}

/**
 * Where job records live. Records only: the job service derives everything else, so a store
 * never needs to know the clock (a moment it must compare with is passed in). What a caller reads
 * or writes cannot change what the store holds: implementations copy what they are given and
 * return copies or deeply frozen records (which throw on assignment), never live references to
 * what they keep.
 */
export interface JobStore {
  insert(record: JobRecord): Promise<void>;
  /**
   * Inserts the record unless its owner already has `limit` jobs pending at its creation, in
   * one atomic step, so that servers sharing the store cannot pass the limit together; resolves
   * false (and stores nothing) when full. Without it, the concurrency limit holds per server only.
   */
  insertWithin?(record: JobRecord, limit: number): Promise<boolean>;
  get(id: string): Promise<JobRecord | undefined>;
  /**
   * The record of each id, in the order asked; undefined where there is none. For batch reads:
   * one round trip instead of one per id. Without it, readers call `get` for each id.
   */
  getMany?(ids: readonly string[]): Promise<Array<JobRecord | undefined>>;
  /** Replaces the record with the same id; rejects when there is none. */
  update(record: JobRecord): Promise<void>;
  /** Records in creation order. */
  list(options: ListRecordsOptions): Promise<JobRecord[]>;
  /**
   * The owner's records (`""` for jobs without an owner) still pending at `at`: not cancelled,
   * and `createdAt + pendingDurationMs > at`; in creation order. For the concurrency limit,
   * which therefore holds across restarts and across servers sharing a store.
   */
  pendingOf(owner: string, at: number): Promise<JobRecord[]>;
  /**
   * Forgets the jobs that ended (completed, failed or were cancelled) before `before`, ms since
   * the epoch; pending jobs stay. For retention: without it, records are kept until the store
   * forgets them by its own means (Redis expires each record itself).
   */
  expire?(before: number): Promise<void>;
  /** Resolves when the store answers; rejects (or never settles) when it cannot. For `/readyz`. */
  ping?(): Promise<void>;
}

/** The record of each id, in the order asked: one `getMany` where the store has it, else `get` per id. */
export function getRecords(
  store: JobStore,
  ids: readonly string[],
): Promise<Array<JobRecord | undefined>> {
  return store.getMany === undefined
    ? Promise.all(ids.map((id) => store.get(id)))
    : store.getMany(ids);
}
