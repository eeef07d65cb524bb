import { randomUUID } from "node:crypto";
import { Redis, type RedisOptions } from "ioredis";
import { endOf } from "../jobs/derive.js";
import type { JobRecord } from "../jobs/record.js";
import { RETENTION_MS } from "../jobs/retention.js";
import {
  LocalListeners,
  type ChangeBus,
  type ChangeListener,
  type JobChange,
} from "./change-bus.js";
import type { IdempotencyRecord, IdempotencyStore } from "./idempotency-store.js";
import type { JobStore, ListRecordsOptions } from "./job-store.js";
import { RedisWebhookStore } from "./redis-webhook-store.js";
import type { WebhookStore } from "./webhook-store.js";

export interface RedisStoreOptions {
  /** `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. */
  url: string;
  /**
   * Starts every key and the change channel, so several simulators can share one Redis.
   * @default "translation-status:"
   */
  prefix?: string;
  /** How long an idempotency key is kept (Redis expires it), in ms. */
  idempotencyTtlMs: number;
  /**
   * How long a job's record is kept after the job ended (Redis expires it), in ms.
   * @default 86_400_000 (24 h)
   */
  retentionMs?: number;
  /** Hears a change message that could not be read, and connection errors. */
  onError?: (error: unknown) => void;
  /**
   * Longest wait for `ping`, in ms.
   * @default 1_000
   */
  pingTimeoutMs?: number;
}

// Atomic, so that two servers creating jobs at once agree on their order (the sequence number
// is the job's place in creation order, shared by every server) and, with a limit (ARGV[5] > 0),
// cannot together leave more than that many of one owner's jobs pending: ended ones leave the
// owner's index (scored by end time) first, then the rest are counted. Answers -1 when full.
// The record expires (PX, ARGV[7]) a retention period after the job's end.
const INSERT = `
local limit = tonumber(ARGV[5])
if limit > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ARGV[6])
  if redis.call('ZCARD', KEYS[4]) >= limit then return -1 end
end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local seq = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[7])
redis.call('ZADD', KEYS[3], seq, ARGV[2])
if ARGV[4] == '0' then redis.call('ZADD', KEYS[4], ARGV[3], ARGV[2]) end
return 1`;

// A cancelled job is kept for the retention period from now (ARGV[4]).
const UPDATE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[3] == '1' then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
  redis.call('ZREM', KEYS[2], ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL')
end
return 1`;

// SET NX, or the record that holds the key.
const CLAIM = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
return redis.call('GET', KEYS[1])`;

/** Ids looked at per `expire` call, from the oldest: the index is pruned a slice at a time. */
const EXPIRE_SCAN = 1_000;

/**
 * Jobs, idempotency keys and a change bus on one Redis, shared by every server pointed at it.
 * Keys (after the prefix): `job:<id>` (the record as JSON), `jobs` (ids by creation sequence),
 * `seq`, `pending:<owner>` (ids of jobs not cancelled, by end time), `idem:<scope>:<key>` and
 * the webhook keys `wh:*` (see `RedisWebhookStore`); changes travel on the `changes` channel. Two connections: one for commands, one subscribed.
 */
export class RedisStore {
  readonly jobs: JobStore;
  readonly idempotency: IdempotencyStore;
  readonly changes: ChangeBus;
  readonly webhooks: WebhookStore;
  /** Starts every key and the change channel. */
  readonly prefix: string;
  readonly #client: Redis;
  readonly #subscriber: Redis;
  readonly #channel: string;
  readonly #pingTimeoutMs: number;
  /** Where, without credentials, for error messages. */
  readonly #where: string;
  #lastError: Error | undefined;

  constructor({
    url,
    prefix = "translation-status:",
    idempotencyTtlMs,
    retentionMs = RETENTION_MS,
    onError = () => {},
    pingTimeoutMs = 1_000,
  }: RedisStoreOptions) {
    const options: RedisOptions = {
      lazyConnect: true,
      // A request fails (500) after one reconnection attempt instead of hanging on a dead Redis.
      maxRetriesPerRequest: 1,
      connectTimeout: 5_000,
    };
    this.#client = new Redis(url, options);
    this.#subscriber = new Redis(url, options);
    const onConnectionError = (error: Error) => {
      this.#lastError = error;
      onError(error);
    };
    this.#client.on("error", onConnectionError);
    this.#subscriber.on("error", onConnectionError);
    const parsed = new URL(url);
    this.#where = `${parsed.host}${parsed.pathname}`;
    this.prefix = prefix;
    this.#channel = `${prefix}changes`;
    this.#pingTimeoutMs = pingTimeoutMs;
    this.jobs = new RedisJobStore(this.#client, prefix, retentionMs);
    this.idempotency = new RedisIdempotencyStore(this.#client, prefix, idempotencyTtlMs);
    this.webhooks = new RedisWebhookStore(this.#client, prefix, { retentionMs });
    this.changes = new RedisChangeBus(this.#client, this.#subscriber, this.#channel, onError);
  }

  /** The connection for commands (not the subscribed one), for other shared state. */
  get client(): Redis {
    return this.#client;
  }

  /** Connects both connections and subscribes; rejects when Redis cannot be reached. */
  async connect(): Promise<void> {
    try {
      await Promise.all([this.#client.connect(), this.#subscriber.connect()]);
      await this.#subscriber.subscribe(this.#channel);
    } catch (error) {
      // ioredis rejects with "Connection is closed."; the reason came through 'error'.
      const reason = this.#lastError ?? error;
      throw new Error(
        `Cannot reach Redis at ${this.#where}: ${reason instanceof Error ? reason.message : String(reason)}`,
        { cause: reason },
      );
    }
  }

  async ping(): Promise<void> {
    if (this.#client.status !== "ready") {
      throw new Error(`Redis connection is ${this.#client.status}`);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not answer within ${this.#pingTimeoutMs} ms`)),
        this.#pingTimeoutMs,
      );
    });
    try {
      await Promise.race([this.#client.ping(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.#client, this.#subscriber].map(closeConnection));
  }
}

async function closeConnection(connection: Redis): Promise<void> {
  if (connection.status === "end") return;
  if (connection.status !== "ready") {
    connection.disconnect();
    return;
  }
  try {
    await connection.quit();
  } catch {
    connection.disconnect();
  }
}

/** Jobs on Redis; see `RedisStore`. */
export class RedisJobStore implements JobStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #retentionMs: number;

  constructor(redis: Redis, prefix: string, retentionMs: number) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#retentionMs = retentionMs;
  }

  async insert(record: JobRecord): Promise<void> {
    if ((await this.#insert(record, 0)) !== 1) throw new Error(`Job ${record.id} already exists`);
  }

  async insertWithin(record: JobRecord, limit: number): Promise<boolean> {
    const inserted = await this.#insert(record, limit);
    if (inserted === 0) throw new Error(`Job ${record.id} already exists`);
    return inserted === 1;
  }

  async #insert(record: JobRecord, limit: number): Promise<unknown> {
    const p = this.#prefix;
    // Relative to the record's own creation, so a server on a fake clock keeps its records too.
    const keepMs = endOf(record) - record.createdAt + this.#retentionMs;
    return this.#redis.eval(
      INSERT,
      4,
      `${p}job:${record.id}`,
      `${p}seq`,
      `${p}jobs`,
      `${p}pending:${record.owner ?? ""}`,
      JSON.stringify(record),
      record.id,
      record.createdAt + record.pendingDurationMs,
      record.cancelledAt === undefined ? "0" : "1",
      limit,
      record.createdAt,
      Math.max(1, keepMs),
    );
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const json = await this.#redis.get(`${this.#prefix}job:${id}`);
    return json === null ? undefined : (JSON.parse(json) as JobRecord);
  }

  async getMany(ids: readonly string[]): Promise<Array<JobRecord | undefined>> {
    if (ids.length === 0) return [];
    const found = await this.#redis.mget(ids.map((id) => `${this.#prefix}job:${id}`));
    return found.map((json) => (json === null ? undefined : (JSON.parse(json) as JobRecord)));
  }

  async update(record: JobRecord): Promise<void> {
    const p = this.#prefix;
    const updated = await this.#redis.eval(
      UPDATE,
      2,
      `${p}job:${record.id}`,
      `${p}pending:${record.owner ?? ""}`,
      JSON.stringify(record),
      record.id,
      record.cancelledAt === undefined ? "0" : "1",
      this.#retentionMs,
    );
    if (updated !== 1) throw new Error(`Job ${record.id} does not exist`);
  }

  async list({ after, limit }: ListRecordsOptions): Promise<JobRecord[]> {
    const order = `${this.#prefix}jobs`;
    let ids: string[];
    if (after === undefined) {
      ids = await this.#redis.zrange(order, 0, limit - 1);
    } else {
      const seq = await this.#redis.zscore(order, after);
      if (seq === null) return [];
      ids = await this.#redis.zrangebyscore(order, `(${seq}`, "+inf", "LIMIT", 0, limit);
    }
    return this.#load(ids);
  }

  async pendingOf(owner: string, at: number): Promise<JobRecord[]> {
    const key = `${this.#prefix}pending:${owner}`;
    // Ended jobs leave the index here: their end is in the record, nothing else removes them.
    const [, ids] = await Promise.all([
      this.#redis.zremrangebyscore(key, "-inf", at),
      this.#redis.zrangebyscore(key, `(${at}`, "+inf"),
    ]);
    const records = await this.#load(ids);
    return records.sort((a, b) => a.createdAt - b.createdAt);
  }

  /**
   * Records expire by themselves; this prunes the creation index of the ids whose record is
   * gone, from the oldest, a slice at a time. `before` is not needed: Redis kept the time.
   */
  async expire(): Promise<void> {
    const order = `${this.#prefix}jobs`;
    const ids = await this.#redis.zrange(order, 0, EXPIRE_SCAN - 1);
    if (ids.length === 0) return;
    const exists = await this.#redis.mget(ids.map((id) => `${this.#prefix}job:${id}`));
    const gone = ids.filter((_, index) => exists[index] === null);
    if (gone.length > 0) await this.#redis.zrem(order, ...gone);
  }

  async ping(): Promise<void> {
    await this.#redis.ping();
  }

  async #load(ids: string[]): Promise<JobRecord[]> {
    if (ids.length === 0) return [];
    const values = await this.#redis.mget(ids.map((id) => `${this.#prefix}job:${id}`));
    return values.flatMap((json) => (json === null ? [] : [JSON.parse(json) as JobRecord]));
  }
}

/** Idempotency keys on Redis, each expiring after the TTL. */
export class RedisIdempotencyStore implements IdempotencyStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlMs: number;

  constructor(redis: Redis, prefix: string, ttlMs: number) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#ttlMs = ttlMs;
  }

  async get(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const json = await this.#redis.get(this.#key(scope, key));
    return json === null ? undefined : (JSON.parse(json) as IdempotencyRecord);
  }

  async put(record: IdempotencyRecord): Promise<void> {
    await this.#redis.set(
      this.#key(record.scope, record.key),
      JSON.stringify(record),
      "PX",
      this.#ttlMs,
    );
  }

  async claim(claim: IdempotencyRecord, holdMs: number): Promise<IdempotencyRecord | undefined> {
    const key = this.#key(claim.scope, claim.key);
    const holder = (await this.#redis.eval(CLAIM, 1, key, JSON.stringify(claim), holdMs)) as
      string | null;
    return holder === null ? undefined : (JSON.parse(holder) as IdempotencyRecord);
  }

  async release(scope: string, key: string): Promise<void> {
    await this.#redis.del(this.#key(scope, key));
  }

  // The scope's length first, so no scope and key pair can be spelled like another.
  #key(scope: string, key: string): string {
    return `${this.#prefix}idem:${scope.length}:${scope}:${key}`;
  }
}

interface ChangeMessage extends JobChange {
  /** The bus that sent it: a server has already delivered its own changes locally. */
  origin: string;
}

/** Local listeners at once, the other servers through Redis pub/sub. */
export class RedisChangeBus implements ChangeBus {
  readonly #origin = randomUUID();
  readonly #listeners: LocalListeners;
  readonly #publisher: Redis;
  readonly #channel: string;
  readonly #onError: (error: unknown) => void;

  constructor(publisher: Redis, subscriber: Redis, channel: string, onError: (e: unknown) => void) {
    this.#publisher = publisher;
    this.#channel = channel;
    this.#onError = onError;
    this.#listeners = new LocalListeners(onError);
    subscriber.on("message", (from: string, message: string) => {
      if (from === channel) this.#receive(message);
    });
  }

  publish(change: JobChange): void {
    this.#listeners.emit(change);
    const message: ChangeMessage = { origin: this.#origin, ...change };
    this.#publisher.publish(this.#channel, JSON.stringify(message)).catch(this.#onError);
  }

  subscribe(listener: ChangeListener): () => void {
    return this.#listeners.add(listener);
  }

  #receive(message: string): void {
    let change: ChangeMessage;
    try {
      change = JSON.parse(message) as ChangeMessage;
    } catch (error) {
      this.#onError(error);
      return;
    }
    if (change.origin === this.#origin) return;
    if (change.type !== "cancelled") return;
    if (typeof change.record?.id !== "string") return;
    this.#listeners.emit({ type: change.type, record: change.record });
  }
}
