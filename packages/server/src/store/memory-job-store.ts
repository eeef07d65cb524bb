import type { JobRecord } from "../jobs/record.js";
import { deepFreeze } from "./deep-freeze.js";
import type { JobStore, ListRecordsOptions } from "./job-store.js";

/**
 * Keeps records in process memory, in insertion order; everything is lost on restart. Each
 * record is copied and deeply frozen as it comes in, so reads hand out the stored record itself,
 * with no copy per read: nobody can change it, the store's caller no more than its readers.
 */
export class MemoryJobStore implements JobStore {
  readonly #records: JobRecord[] = [];
  readonly #positions = new Map<string, number>();

  async insert(record: JobRecord): Promise<void> {
    if (this.#positions.has(record.id)) throw new Error(`Job ${record.id} already exists`);
    this.#positions.set(record.id, this.#records.push(frozenCopy(record)) - 1);
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const position = this.#positions.get(id);
    return position === undefined ? undefined : this.#records[position];
  }

  async update(record: JobRecord): Promise<void> {
    const position = this.#positions.get(record.id);
    if (position === undefined) throw new Error(`Job ${record.id} does not exist`);
    this.#records[position] = frozenCopy(record);
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
}

function frozenCopy(record: JobRecord): JobRecord {
  return deepFreeze(structuredClone(record));
}
