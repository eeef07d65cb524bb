import Database from "better-sqlite3";
import type { JobRecord } from "../jobs/record.js";
import type { IdempotencyRecord, IdempotencyStore } from "./idempotency-store.js";
import type { JobStore, ListRecordsOptions } from "./job-store.js";
import { SqliteWebhookStore } from "./sqlite-webhook-store.js";
import type { WebhookStore } from "./webhook-store.js";

type Db = InstanceType<typeof Database>;

// Whole records as JSON, plus the columns the queries need: `seq` gives creation order (and
// cursors), `owner` and `ends_at` find an owner's pending jobs through a partial index.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  ends_at INTEGER NOT NULL,
  cancelled INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_pending ON jobs (owner, ends_at) WHERE cancelled = 0;
CREATE TABLE IF NOT EXISTS idempotency_keys (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  record TEXT NOT NULL,
  UNIQUE (scope, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_scope ON idempotency_keys (scope, seq);
`;

export interface SqliteStoreOptions {
  /** A file path, or `:memory:`. The file and its tables are created when missing. */
  path: string;
  /**
   * Idempotency records kept per scope (API key); past it the oldest is forgotten.
   * @default 10_000
   */
  maxKeysPerScope?: number;
}

/**
 * One SQLite database holding jobs, idempotency keys and webhook state, so all survive a restart. Synchronous
 * under the hood (better-sqlite3): each call is a few microseconds on an indexed table, which
 * costs less than the promise that wraps it. WAL mode lets another process read while this one
 * writes.
 */
export class SqliteStore {
  readonly jobs: JobStore;
  readonly idempotency: IdempotencyStore;
  readonly webhooks: WebhookStore;
  readonly #db: Db;

  constructor({ path, maxKeysPerScope = 10_000 }: SqliteStoreOptions) {
    if (!(Number.isSafeInteger(maxKeysPerScope) && maxKeysPerScope > 0)) {
      throw new TypeError(
        `Expected \`maxKeysPerScope\` to be a positive integer, got ${String(maxKeysPerScope)}`,
      );
    }
    this.#db = new Database(path);
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("busy_timeout = 5000");
    this.#db.exec(SCHEMA);
    this.jobs = new SqliteJobStore(this.#db);
    this.idempotency = new SqliteIdempotencyStore(this.#db, maxKeysPerScope);
    this.webhooks = new SqliteWebhookStore(this.#db);
  }

  async ping(): Promise<void> {
    this.#db.prepare("SELECT 1").get();
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

interface RecordRow {
  record: string;
}

/** Jobs in a SQLite table; see `SqliteStore`. */
export class SqliteJobStore implements JobStore {
  readonly #db: Db;
  readonly #insert;
  readonly #get;
  readonly #getMany;
  readonly #update;
  readonly #first;
  readonly #after;
  readonly #pending;
  readonly #countPending;
  readonly #expire;
  readonly #insertWithin: (record: JobRecord, limit: number) => boolean;

  constructor(db: Db) {
    this.#db = db;
    this.#insert = db.prepare<[string, string, number, number, string]>(
      "INSERT INTO jobs (id, owner, ends_at, cancelled, record) VALUES (?, ?, ?, ?, ?)",
    );
    this.#get = db.prepare<[string], RecordRow>("SELECT record FROM jobs WHERE id = ?");
    // The ids as one JSON array: one statement, whatever their number.
    this.#getMany = db.prepare<[string], RecordRow & { id: string }>(
      "SELECT id, record FROM jobs WHERE id IN (SELECT value FROM json_each(?))",
    );
    this.#update = db.prepare<[number, number, string, string]>(
      "UPDATE jobs SET ends_at = ?, cancelled = ?, record = ? WHERE id = ?",
    );
    this.#first = db.prepare<[number], RecordRow>("SELECT record FROM jobs ORDER BY seq LIMIT ?");
    this.#after = db.prepare<[string, number], RecordRow>(
      "SELECT record FROM jobs WHERE seq > (SELECT seq FROM jobs WHERE id = ?) ORDER BY seq LIMIT ?",
    );
    this.#pending = db.prepare<[string, number], RecordRow>(
      "SELECT record FROM jobs WHERE owner = ? AND cancelled = 0 AND ends_at > ? ORDER BY seq",
    );
    this.#countPending = db.prepare<[string, number], { n: number }>(
      "SELECT count(*) AS n FROM jobs WHERE owner = ? AND cancelled = 0 AND ends_at > ?",
    );
    // A cancelled job ended at its cancel, which only the record holds.
    this.#expire = db.prepare<[number, number]>(
      `DELETE FROM jobs WHERE (cancelled = 0 AND ends_at < ?)
         OR (cancelled = 1 AND json_extract(record, '$.cancelledAt') < ?)`,
    );
    // A write transaction: another process on the same file waits for it to end.
    const insertWithin = db.transaction((record: JobRecord, limit: number) => {
      const { n } = this.#countPending.get(record.owner ?? "", record.createdAt)!;
      if (n >= limit) return false;
      this.#run(record);
      return true;
    });
    this.#insertWithin = (record, limit) => insertWithin.immediate(record, limit);
  }

  async insert(record: JobRecord): Promise<void> {
    this.#run(record);
  }

  async insertWithin(record: JobRecord, limit: number): Promise<boolean> {
    return this.#insertWithin(record, limit);
  }

  #run(record: JobRecord): void {
    try {
      this.#insert.run(
        record.id,
        record.owner ?? "",
        endsAt(record),
        record.cancelledAt === undefined ? 0 : 1,
        JSON.stringify(record),
      );
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === "SQLITE_CONSTRAINT_UNIQUE") {
        throw new Error(`Job ${record.id} already exists`, { cause: error });
      }
      throw error;
    }
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const row = this.#get.get(id);
    return row === undefined ? undefined : parse(row);
  }

  async getMany(ids: readonly string[]): Promise<Array<JobRecord | undefined>> {
    const rows = new Map(this.#getMany.all(JSON.stringify(ids)).map((row) => [row.id, row]));
    return ids.map((id) => {
      const row = rows.get(id);
      return row === undefined ? undefined : parse(row);
    });
  }

  async update(record: JobRecord): Promise<void> {
    const { changes } = this.#update.run(
      endsAt(record),
      record.cancelledAt === undefined ? 0 : 1,
      JSON.stringify(record),
      record.id,
    );
    if (changes === 0) throw new Error(`Job ${record.id} does not exist`);
  }

  async list({ after, limit }: ListRecordsOptions): Promise<JobRecord[]> {
    const rows = after === undefined ? this.#first.all(limit) : this.#after.all(after, limit);
    return rows.map(parse);
  }

  async pendingOf(owner: string, at: number): Promise<JobRecord[]> {
    return this.#pending.all(owner, at).map(parse);
  }

  async expire(before: number): Promise<void> {
    this.#expire.run(before, before);
  }

  async ping(): Promise<void> {
    this.#db.prepare("SELECT 1").get();
  }
}

/** Idempotency keys in a SQLite table, at most `maxKeysPerScope` per API key. */
export class SqliteIdempotencyStore implements IdempotencyStore {
  readonly #get;
  readonly #put;
  readonly #count;
  readonly #trim;

  constructor(db: Db, maxKeysPerScope: number) {
    this.#get = db.prepare<[string, string], RecordRow>(
      "SELECT record FROM idempotency_keys WHERE scope = ? AND key = ?",
    );
    // REPLACE deletes and re-inserts, so a replaced key counts as the newest, as in memory.
    this.#put = db.prepare<[string, string, string]>(
      "INSERT OR REPLACE INTO idempotency_keys (scope, key, record) VALUES (?, ?, ?)",
    );
    this.#count = db.prepare<[string], { n: number }>(
      "SELECT count(*) AS n FROM idempotency_keys WHERE scope = ?",
    );
    this.#trim = db.prepare<[string, string, number]>(
      `DELETE FROM idempotency_keys WHERE scope = ? AND seq IN
         (SELECT seq FROM idempotency_keys WHERE scope = ? ORDER BY seq LIMIT ?)`,
    );
    const put = db.transaction((record: IdempotencyRecord) => {
      this.#put.run(record.scope, record.key, JSON.stringify(record));
      const excess = this.#count.get(record.scope)!.n - maxKeysPerScope;
      if (excess > 0) this.#trim.run(record.scope, record.scope, excess);
    });
    this.put = async (record) => put(record);
    const expire = db.prepare<[number]>(
      "DELETE FROM idempotency_keys WHERE json_extract(record, '$.createdAt') < ?",
    );
    this.expire = async (before) => {
      expire.run(before);
    };
  }

  async get(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const row = this.#get.get(scope, key);
    return row === undefined ? undefined : (JSON.parse(row.record) as IdempotencyRecord);
  }

  readonly put: (record: IdempotencyRecord) => Promise<void>;
  readonly expire: (before: number) => Promise<void>;
}

function endsAt(record: JobRecord): number {
  return record.createdAt + record.pendingDurationMs;
}

function parse(row: RecordRow): JobRecord {
  return JSON.parse(row.record) as JobRecord;
}
