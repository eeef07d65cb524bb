import type { JobRecord } from "../jobs/record.js";
import type { JobStore, ListRecordsOptions } from "./job-store.js";

/** Keeps records in process memory, in insertion order; everything is lost on restart. */
export class MemoryJobStore implements JobStore {
  readonly #records: JobRecord[] = [];
  readonly #positions = new Map<string, number>();

  async insert(record: JobRecord): Promise<void> {
    if (this.#positions.has(record.id)) throw new Error(`Job ${record.id} already exists`);
    this.#positions.set(record.id, this.#records.push(structuredClone(record)) - 1);
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const position = this.#positions.get(id);
    return position === undefined ? undefined : structuredClone(this.#records[position]);
  }

  async update(record: JobRecord): Promise<void> {
    const position = this.#positions.get(record.id);
    if (position === undefined) throw new Error(`Job ${record.id} does not exist`);
    this.#records[position] = structuredClone(record);
  }

  async list({ after, limit }: ListRecordsOptions): Promise<JobRecord[]> {
    let start = 0;
    if (after !== undefined) {
      const position = this.#positions.get(after);
      if (position === undefined) return [];
      start = position + 1;
    }
    return structuredClone(this.#records.slice(start, start + limit));
  }
}
