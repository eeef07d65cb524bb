import type { IdempotencyRecord, IdempotencyStore } from "./idempotency-store.js";

export interface MemoryIdempotencyStoreOptions {
  /**
   * Records kept per scope (API key); past it the oldest is forgotten.
   * @default 10_000
   */
  maxKeysPerScope?: number;
}

/**
 * Keeps records in process memory, at most `maxKeysPerScope` per scope (the oldest goes first),
 * so memory stays bounded whatever clients send: scopes are the configured keys (or one with
 * auth off), each alone for `POST /jobs` and with each other endpoint that takes keys.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #maxKeysPerScope: number;
  readonly #scopes = new Map<string, Map<string, IdempotencyRecord>>();

  constructor({ maxKeysPerScope = 10_000 }: MemoryIdempotencyStoreOptions = {}) {
    if (!(Number.isSafeInteger(maxKeysPerScope) && maxKeysPerScope > 0)) {
      throw new TypeError(
        `Expected \`maxKeysPerScope\` to be a positive integer, got ${String(maxKeysPerScope)}`,
      );
    }
    this.#maxKeysPerScope = maxKeysPerScope;
  }

  async get(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const record = this.#scopes.get(scope)?.get(key);
    return record === undefined ? undefined : { ...record };
  }

  async put(record: IdempotencyRecord): Promise<void> {
    let records = this.#scopes.get(record.scope);
    if (records === undefined) {
      records = new Map();
      this.#scopes.set(record.scope, records);
    }
    // Re-inserted, so the Map's order stays oldest first.
    records.delete(record.key);
    records.set(record.key, { ...record });
    if (records.size > this.#maxKeysPerScope) records.delete(records.keys().next().value!);
  }

  async expire(before: number): Promise<void> {
    for (const [scope, records] of this.#scopes) {
      // Oldest first: stop at the first record still young enough.
      for (const [key, record] of records) {
        if (record.createdAt >= before) break;
        records.delete(key);
      }
      if (records.size === 0) this.#scopes.delete(scope);
    }
  }
}
