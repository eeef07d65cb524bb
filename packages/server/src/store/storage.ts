import type { Redis } from "ioredis";
import { InProcessChangeBus, type ChangeBus } from "./change-bus.js";
import type { IdempotencyStore } from "./idempotency-store.js";
import type { JobStore } from "./job-store.js";
import { MemoryIdempotencyStore } from "./memory-idempotency-store.js";
import { MemoryJobStore } from "./memory-job-store.js";
import { MemoryWebhookStore } from "./memory-webhook-store.js";
import type { WebhookStore } from "./webhook-store.js";
import { RedisStore } from "./redis-job-store.js";
import { SqliteStore } from "./sqlite-job-store.js";
import type { StorageSpec } from "./storage-spec.js";

/** Everything an app keeps outside its process memory, and how its servers hear of changes. */
export interface Storage {
  jobs: JobStore;
  idempotency: IdempotencyStore;
  changes: ChangeBus;
  /** Webhook endpoints, secrets, pending deliveries and attempts. */
  webhooks: WebhookStore;
  /** Whether the store outlives this server or is shared: others may leave work in it. */
  shared: boolean;
  /** The Redis connection and key prefix, when the store is Redis: for counters every server shares. */
  redis?: { client: Redis; prefix: string };
  /** Connects; the app waits for it before it takes requests. */
  connect(): Promise<void>;
  /** Resolves when the store answers; for `/readyz`. */
  ping(): Promise<void>;
  /** Closes connections and files; for `app.close()`. */
  close(): Promise<void>;
}

export interface OpenStorageOptions {
  /** How long an idempotency key is kept, in ms (Redis expires keys itself). */
  idempotencyTtlMs: number;
  /** How long an ended job is kept, in ms (Redis expires records itself). @default 24 h */
  retentionMs?: number;
  onError: (error: unknown) => void;
}

/** Opens the store `spec` names. SQLite opens (and creates the file) at once; Redis on `connect`. */
export function openStorage(spec: StorageSpec, options: OpenStorageOptions): Storage {
  switch (spec.kind) {
    case "memory": {
      const jobs = new MemoryJobStore();
      return {
        jobs,
        idempotency: new MemoryIdempotencyStore(),
        changes: new InProcessChangeBus(options.onError),
        webhooks: new MemoryWebhookStore(),
        shared: false,
        connect: async () => {},
        ping: () => jobs.ping(),
        close: async () => {},
      };
    }
    case "sqlite": {
      const sqlite = new SqliteStore({ path: spec.path });
      return {
        jobs: sqlite.jobs,
        idempotency: sqlite.idempotency,
        changes: new InProcessChangeBus(options.onError),
        webhooks: sqlite.webhooks,
        shared: true,
        connect: async () => {},
        ping: () => sqlite.ping(),
        close: async () => sqlite.close(),
      };
    }
    case "redis": {
      const redis = new RedisStore({
        url: spec.url,
        ...(spec.prefix !== undefined && { prefix: spec.prefix }),
        idempotencyTtlMs: options.idempotencyTtlMs,
        ...(options.retentionMs !== undefined && { retentionMs: options.retentionMs }),
        onError: options.onError,
      });
      return {
        jobs: redis.jobs,
        idempotency: redis.idempotency,
        changes: redis.changes,
        webhooks: redis.webhooks,
        shared: true,
        redis: { client: redis.client, prefix: redis.prefix },
        connect: () => redis.connect(),
        ping: () => redis.ping(),
        close: () => redis.close(),
      };
    }
  }
}
