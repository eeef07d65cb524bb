import { endOf } from "../jobs/derive.js";
import { PendingJobs } from "../jobs/pending-jobs.js";
import type { JobRecord } from "../jobs/record.js";
import { deepFreeze } from "./deep-freeze.js";
import type { JobStore, ListRecordsOptions } from "./job-store.js";

/**
 * Keeps records in process memory, in insertion order; everything is lost on restart. Each
 * record is copied and deeply frozen as it comes in, so reads hand out the stored record itself,
 * with no copy per read: nobody can change it, the store's caller no more than its readers.
 * `expire` drops ended jobs, so memory follows the jobs within the retention period.
 */
export class MemoryJobStore implements JobStore {
  readonly #records: JobRecord[] = [];
  readonly #positions = new Map<string, number>();
  readonly #pending = new PendingJobs();

  async insert(record: JobRecord): Promise<void> {
    if (this.#positions.has(record.id)) throw new Error(`Job ${record.id} already exists`);
    const copy = frozenCopy(record);
    this.#positions.set(record.id, this.#records.push(copy) - 1);
    if (copy.cancelledAt === undefined) this.#pending.add(copy.owner ?? "", copy);
  }

  async insertWithin(record: JobRecord, limit: number): Promise<boolean> {
    // One synchronous step between the count and the insert: nothing can slip in between.
    if (this.#pending.pending(record.owner ?? "", record.createdAt).length >= limit) return false;
    await this.insert(record);
    return true;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    return this.#lookup(id);
  }

  async getMany(ids: readonly string[]): Promise<Array<JobRecord | undefined>> {
    return ids.map((id) => this.#lookup(id));
  }

  #lookup(id: string): JobRecord | undefined {
    const position = this.#positions.get(id);
    return position === undefined ? undefined : this.#records[position];
  }

  async update(record: JobRecord): Promise<void> {
    const position = this.#positions.get(record.id);
    if (position === undefined) throw new Error(`Job ${record.id} does not exist`);
    const copy = frozenCopy(record);
    this.#records[position] = copy;
    const owner = copy.owner ?? "";
    if (copy.cancelledAt === undefined) this.#pending.add(owner, copy);
    else this.#pending.remove(owner, copy.id);
  }

  async list({ after, limit }: ListRecordsOptions): Promise<JobRecord[]> {
    let start = 0;
    if (after !== undefined) {
      const position = this.#positions.get(after);
      if (position === undefined) return [];
      start = position + 1;
    }
    return this.#records.slice(start, start + limit);
  }

  async pendingOf(owner: string, at: number): Promise<JobRecord[]> {
    return structuredClone(this.#pending.pending(owner, at));
  }

  async expire(before: number): Promise<void> {
    const kept = this.#records.filter((record) => endOf(record) >= before);
    if (kept.length === this.#records.length) return;
    this.#records.length = 0;
    this.#positions.clear();
    for (const record of kept) this.#positions.set(record.id, this.#records.push(record) - 1);
  }

  async ping(): Promise<void> {}
}

function frozenCopy(record: JobRecord): JobRecord {
  return deepFreeze(structuredClone(record));
}
