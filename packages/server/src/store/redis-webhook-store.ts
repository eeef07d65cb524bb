import type { Redis } from "ioredis";
import type { DeliveryAttempt } from "../webhooks/delivery-log.js";
import type { EndpointChanges, WebhookEndpoint } from "../webhooks/endpoints.js";
import { newLease } from "./lease.js";
import type { WebhookStore, WebhookTask } from "./webhook-store.js";

// KEYS: endpoints (hash id -> JSON), the owner's ids (zset by creation). ARGV: id, JSON,
// createdAt, max. The count and the insert in one step, so servers cannot pass the cap together.
const ADD_ENDPOINT = `
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1`;

// KEYS: endpoints. ARGV: id, the changes as JSON (a null stays null: cjson.null). Read, merged
// and written in one step, so two changes at once (a new URL, a rotated secret) both apply.
const UPDATE_ENDPOINT = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return false end
local endpoint = cjson.decode(json)
for key, value in pairs(cjson.decode(ARGV[2])) do endpoint[key] = value end
json = cjson.encode(endpoint)
redis.call('HSET', KEYS[1], ARGV[1], json)
return json`;

// Tasks: KEYS[1] hash id -> JSON (the lease inside), KEYS[2] zset id -> when it may be claimed
// (its due time, or the end of the lease that holds it). A claim rewrites both.
const CLAIM = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return false end
local task = cjson.decode(json)
if tonumber(task.leasedUntil) > tonumber(ARGV[2]) then return false end
task.leasedUntil = tonumber(ARGV[2]) + tonumber(ARGV[3])
task.lease = ARGV[4]
json = cjson.encode(task)
redis.call('HSET', KEYS[1], ARGV[1], json)
redis.call('ZADD', KEYS[2], math.max(tonumber(task.dueAt), task.leasedUntil), ARGV[1])
return json`;

// ARGV: now, leaseMs, limit, then one lease token per task that may be claimed.
const CLAIM_DUE = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local claimed = {}
for i, id in ipairs(ids) do
  local json = redis.call('HGET', KEYS[1], id)
  if json then
    local task = cjson.decode(json)
    task.leasedUntil = tonumber(ARGV[1]) + tonumber(ARGV[2])
    task.lease = ARGV[3 + i]
    json = cjson.encode(task)
    redis.call('HSET', KEYS[1], id, json)
    redis.call('ZADD', KEYS[2], task.leasedUntil, id)
    table.insert(claimed, json)
  else
    redis.call('ZREM', KEYS[2], id)
  end
end
return claimed`;

// ARGV: id, lease, then (id, availableAt, JSON) per task to add unless present.
const COMPLETE = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json or ARGV[2] == '' or cjson.decode(json).lease ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
for i = 3, #ARGV, 3 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 2]) == 1 then
    redis.call('ZADD', KEYS[2], ARGV[i + 1], ARGV[i])
  end
end
return 1`;

const ADD_TASKS = `
for i = 1, #ARGV, 3 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 2]) == 1 then
    redis.call('ZADD', KEYS[2], ARGV[i + 1], ARGV[i])
  end
end
return 1`;

export interface RedisWebhookStoreOptions {
  /** Attempts kept per endpoint and per job. @default 100 */
  historyPerKey?: number;
  /** How long the attempts of a key are kept after its latest, in ms (Redis expires them). */
  retentionMs: number;
}

/**
 * Webhook state on the Redis of the jobs, shared by every server pointed at it. Keys (after the
 * prefix): `wh:endpoints` (id -> endpoint), `wh:owner:<owner>` (ids by creation), `wh:secrets`
 * (owner -> callback secret), `wh:tasks` (id -> task) and `wh:queue` (ids by the moment they may
 * be claimed), `wh:log:<key>` (a list of attempts, expiring a retention period after the latest).
 */
export class RedisWebhookStore implements WebhookStore {
  readonly #redis: Redis;
  readonly #p: string;
  readonly #historyPerKey: number;
  readonly #retentionMs: number;

  constructor(
    redis: Redis,
    prefix: string,
    { historyPerKey = 100, retentionMs }: RedisWebhookStoreOptions,
  ) {
    this.#redis = redis;
    this.#p = `${prefix}wh:`;
    this.#historyPerKey = historyPerKey;
    this.#retentionMs = retentionMs;
  }

  async addEndpoint(endpoint: WebhookEndpoint, maxPerOwner: number): Promise<boolean> {
    const added = await this.#redis.eval(
      ADD_ENDPOINT,
      2,
      `${this.#p}endpoints`,
      this.#ownerKey(endpoint.owner ?? ""),
      endpoint.id,
      JSON.stringify(endpoint),
      endpoint.createdAt,
      maxPerOwner,
    );
    return added === 1;
  }

  async endpoints(owner: string): Promise<WebhookEndpoint[]> {
    const ids = await this.#redis.zrange(this.#ownerKey(owner), 0, -1);
    if (ids.length === 0) return [];
    const found = await this.#redis.hmget(`${this.#p}endpoints`, ...ids);
    return found.flatMap((json) => (json === null ? [] : [JSON.parse(json) as WebhookEndpoint]));
  }

  async endpoint(id: string): Promise<WebhookEndpoint | undefined> {
    const json = await this.#redis.hget(`${this.#p}endpoints`, id);
    return json === null ? undefined : (JSON.parse(json) as WebhookEndpoint);
  }

  async updateEndpoint(id: string, changes: EndpointChanges): Promise<WebhookEndpoint | undefined> {
    const json = (await this.#redis.eval(
      UPDATE_ENDPOINT,
      1,
      `${this.#p}endpoints`,
      id,
      JSON.stringify(changes),
    )) as string | null;
    return json === null ? undefined : (JSON.parse(json) as WebhookEndpoint);
  }

  async deleteEndpoint(id: string): Promise<boolean> {
    const endpoint = await this.endpoint(id);
    if (endpoint === undefined) return false;
    await this.#redis
      .multi()
      .hdel(`${this.#p}endpoints`, id)
      .zrem(this.#ownerKey(endpoint.owner ?? ""), id)
      .del(`${this.#p}log:wh:${id}`)
      .exec();
    return true;
  }

  async callbackSecret(owner: string, candidate: string): Promise<string> {
    const key = `${this.#p}secrets`;
    await this.#redis.hsetnx(key, owner, candidate);
    return (await this.#redis.hget(key, owner)) ?? candidate;
  }

  async addTasks(tasks: readonly WebhookTask[]): Promise<void> {
    if (tasks.length === 0) return;
    await this.#redis.eval(ADD_TASKS, 2, ...this.#taskKeys(), ...tasks.flatMap(taskArgs));
  }

  async claimDue(now: number, leaseMs: number, limit: number): Promise<WebhookTask[]> {
    const leases = Array.from({ length: limit }, newLease);
    const claimed = (await this.#redis.eval(
      CLAIM_DUE,
      2,
      ...this.#taskKeys(),
      now,
      leaseMs,
      limit,
      ...leases,
    )) as string[];
    return claimed.map(parseTask);
  }

  async claim(id: string, now: number, leaseMs: number): Promise<WebhookTask | undefined> {
    const json = (await this.#redis.eval(
      CLAIM,
      2,
      ...this.#taskKeys(),
      id,
      now,
      leaseMs,
      newLease(),
    )) as string | null;
    return json === null ? undefined : parseTask(json);
  }

  async complete(task: WebhookTask, next: readonly WebhookTask[]): Promise<boolean> {
    const done = await this.#redis.eval(
      COMPLETE,
      2,
      ...this.#taskKeys(),
      task.id,
      task.lease,
      ...next.flatMap(taskArgs),
    );
    return done === 1;
  }

  async addAttempt(key: string, attempt: DeliveryAttempt): Promise<void> {
    const list = `${this.#p}log:${key}`;
    await this.#redis
      .multi()
      .rpush(list, JSON.stringify(attempt))
      .ltrim(list, -this.#historyPerKey, -1)
      .pexpire(list, this.#retentionMs)
      .exec();
  }

  async attempts(key: string): Promise<DeliveryAttempt[]> {
    const found = await this.#redis.lrange(`${this.#p}log:${key}`, 0, -1);
    return found.map((json) => JSON.parse(json) as DeliveryAttempt);
  }

  /** Attempts expire by themselves (PEXPIRE on every write). */
  async expire(): Promise<void> {}

  #ownerKey(owner: string): string {
    return `${this.#p}owner:${owner}`;
  }

  #taskKeys(): [string, string] {
    return [`${this.#p}tasks`, `${this.#p}queue`];
  }
}

function taskArgs(task: WebhookTask): [string, number, string] {
  return [task.id, Math.max(task.dueAt, task.leasedUntil), JSON.stringify(task)];
}

function parseTask(json: string): WebhookTask {
  return JSON.parse(json) as WebhookTask;
}
