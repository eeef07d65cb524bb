import type Database from "better-sqlite3";
import type { DeliveryAttempt } from "../webhooks/delivery-log.js";
import type { EndpointChanges, WebhookEndpoint } from "../webhooks/endpoints.js";
import { newLease } from "./lease.js";
import type { WebhookStore, WebhookTask } from "./webhook-store.js";

type Db = InstanceType<typeof Database>;

// Whole records as JSON, plus the columns the queries need. A task's `available_at` is when it
// may be claimed: its due time, or the end of the lease that holds it.
export const WEBHOOK_SCHEMA = `
CREATE TABLE IF NOT EXISTS webhook_endpoints (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_endpoints_owner ON webhook_endpoints (owner, created_at);
CREATE TABLE IF NOT EXISTS webhook_secrets (owner TEXT PRIMARY KEY, secret TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS webhook_tasks (
  id TEXT PRIMARY KEY,
  available_at INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_tasks_available ON webhook_tasks (available_at);
CREATE TABLE IF NOT EXISTS webhook_attempts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  at INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_attempts_key ON webhook_attempts (key, seq);
CREATE INDEX IF NOT EXISTS webhook_attempts_at ON webhook_attempts (at);
`;

interface RecordRow {
  record: string;
}

/** Webhook state in the SQLite database of the jobs; see `WebhookStore`. */
export class SqliteWebhookStore implements WebhookStore {
  readonly #addEndpoint: (endpoint: WebhookEndpoint, max: number) => boolean;
  readonly #endpoints;
  readonly #endpoint;
  readonly #updateEndpoint: (id: string, changes: EndpointChanges) => WebhookEndpoint | undefined;
  readonly #deleteEndpoint: (id: string) => boolean;
  readonly #secret: (owner: string, candidate: string) => string;
  readonly #addTasks: (tasks: readonly WebhookTask[]) => void;
  readonly #claimDue: (now: number, leaseMs: number, limit: number) => WebhookTask[];
  readonly #claim: (id: string, now: number, leaseMs: number) => WebhookTask | undefined;
  readonly #complete: (task: WebhookTask, next: readonly WebhookTask[]) => boolean;
  readonly #addAttempt: (key: string, attempt: DeliveryAttempt) => void;
  readonly #attempts;
  readonly #expire;

  constructor(db: Db, historyPerKey = 100) {
    db.exec(WEBHOOK_SCHEMA);
    const count = db.prepare<[string], { n: number }>(
      "SELECT count(*) AS n FROM webhook_endpoints WHERE owner = ?",
    );
    const insertEndpoint = db.prepare<[string, string, number, string]>(
      "INSERT INTO webhook_endpoints (id, owner, created_at, record) VALUES (?, ?, ?, ?)",
    );
    this.#addEndpoint = transaction(db, (endpoint: WebhookEndpoint, max: number) => {
      const owner = endpoint.owner ?? "";
      if (count.get(owner)!.n >= max) return false;
      insertEndpoint.run(endpoint.id, owner, endpoint.createdAt, JSON.stringify(endpoint));
      return true;
    });
    this.#endpoints = db.prepare<[string], RecordRow>(
      "SELECT record FROM webhook_endpoints WHERE owner = ? ORDER BY created_at, rowid",
    );
    this.#endpoint = db.prepare<[string], RecordRow>(
      "SELECT record FROM webhook_endpoints WHERE id = ?",
    );
    const writeEndpoint = db.prepare<[string, string]>(
      "UPDATE webhook_endpoints SET record = ? WHERE id = ?",
    );
    this.#updateEndpoint = transaction(db, (id: string, changes: EndpointChanges) => {
      const row = this.#endpoint.get(id);
      if (row === undefined) return undefined;
      const endpoint = { ...(JSON.parse(row.record) as WebhookEndpoint), ...changes };
      writeEndpoint.run(JSON.stringify(endpoint), id);
      return endpoint;
    });
    const deleteEndpoint = db.prepare<[string]>("DELETE FROM webhook_endpoints WHERE id = ?");
    const deleteAttempts = db.prepare<[string]>("DELETE FROM webhook_attempts WHERE key = ?");
    this.#deleteEndpoint = transaction(db, (id: string) => {
      deleteAttempts.run(`wh:${id}`);
      return deleteEndpoint.run(id).changes > 0;
    });
    const insertSecret = db.prepare<[string, string]>(
      "INSERT OR IGNORE INTO webhook_secrets (owner, secret) VALUES (?, ?)",
    );
    const readSecret = db.prepare<[string], { secret: string }>(
      "SELECT secret FROM webhook_secrets WHERE owner = ?",
    );
    this.#secret = transaction(db, (owner: string, candidate: string) => {
      insertSecret.run(owner, candidate);
      return readSecret.get(owner)!.secret;
    });
    const insertTask = db.prepare<[string, number, string]>(
      "INSERT OR IGNORE INTO webhook_tasks (id, available_at, record) VALUES (?, ?, ?)",
    );
    this.#addTasks = transaction(db, (tasks: readonly WebhookTask[]) => {
      for (const task of tasks) insertTask.run(task.id, available(task), JSON.stringify(task));
    });
    const due = db.prepare<[number, number], RecordRow>(
      "SELECT record FROM webhook_tasks WHERE available_at <= ? ORDER BY available_at LIMIT ?",
    );
    const readTask = db.prepare<[string], RecordRow>(
      "SELECT record FROM webhook_tasks WHERE id = ?",
    );
    const writeTask = db.prepare<[number, string, string]>(
      "UPDATE webhook_tasks SET available_at = ?, record = ? WHERE id = ?",
    );
    const lease = (task: WebhookTask, now: number, leaseMs: number): WebhookTask => {
      const leased = { ...task, leasedUntil: now + leaseMs, lease: newLease() };
      writeTask.run(available(leased), JSON.stringify(leased), task.id);
      return leased;
    };
    this.#claimDue = transaction(db, (now: number, leaseMs: number, limit: number) =>
      due.all(now, limit).map((row) => lease(parse(row), now, leaseMs)),
    );
    this.#claim = transaction(db, (id: string, now: number, leaseMs: number) => {
      const row = readTask.get(id);
      if (row === undefined) return undefined;
      const task = parse(row);
      return task.leasedUntil > now ? undefined : lease(task, now, leaseMs);
    });
    const deleteTask = db.prepare<[string]>("DELETE FROM webhook_tasks WHERE id = ?");
    this.#complete = transaction(db, (task: WebhookTask, next: readonly WebhookTask[]) => {
      const row = readTask.get(task.id);
      if (row === undefined || task.lease === "" || parse(row).lease !== task.lease) return false;
      deleteTask.run(task.id);
      for (const each of next) insertTask.run(each.id, available(each), JSON.stringify(each));
      return true;
    });
    const insertAttempt = db.prepare<[string, number, string]>(
      "INSERT INTO webhook_attempts (key, at, record) VALUES (?, ?, ?)",
    );
    const trim = db.prepare<[string, string, number]>(
      `DELETE FROM webhook_attempts WHERE key = ? AND seq NOT IN
         (SELECT seq FROM webhook_attempts WHERE key = ? ORDER BY seq DESC LIMIT ?)`,
    );
    this.#addAttempt = transaction(db, (key: string, attempt: DeliveryAttempt) => {
      insertAttempt.run(key, Date.parse(attempt.attemptedAt), JSON.stringify(attempt));
      trim.run(key, key, historyPerKey);
    });
    this.#attempts = db.prepare<[string], RecordRow>(
      "SELECT record FROM webhook_attempts WHERE key = ? ORDER BY seq",
    );
    this.#expire = db.prepare<[number]>("DELETE FROM webhook_attempts WHERE at < ?");
  }

  async addEndpoint(endpoint: WebhookEndpoint, maxPerOwner: number): Promise<boolean> {
    return this.#addEndpoint(endpoint, maxPerOwner);
  }

  async endpoints(owner: string): Promise<WebhookEndpoint[]> {
    return this.#endpoints.all(owner).map((row) => JSON.parse(row.record) as WebhookEndpoint);
  }

  async endpoint(id: string): Promise<WebhookEndpoint | undefined> {
    const row = this.#endpoint.get(id);
    return row === undefined ? undefined : (JSON.parse(row.record) as WebhookEndpoint);
  }

  async updateEndpoint(id: string, changes: EndpointChanges): Promise<WebhookEndpoint | undefined> {
    return this.#updateEndpoint(id, changes);
  }

  async deleteEndpoint(id: string): Promise<boolean> {
    return this.#deleteEndpoint(id);
  }

  async callbackSecret(owner: string, candidate: string): Promise<string> {
    return this.#secret(owner, candidate);
  }

  async addTasks(tasks: readonly WebhookTask[]): Promise<void> {
    this.#addTasks(tasks);
  }

  async claimDue(now: number, leaseMs: number, limit: number): Promise<WebhookTask[]> {
    return this.#claimDue(now, leaseMs, limit);
  }

  async claim(id: string, now: number, leaseMs: number): Promise<WebhookTask | undefined> {
    return this.#claim(id, now, leaseMs);
  }

  async complete(task: WebhookTask, next: readonly WebhookTask[]): Promise<boolean> {
    return this.#complete(task, next);
  }

  async addAttempt(key: string, attempt: DeliveryAttempt): Promise<void> {
    this.#addAttempt(key, attempt);
  }

  async attempts(key: string): Promise<DeliveryAttempt[]> {
    return this.#attempts.all(key).map((row) => JSON.parse(row.record) as DeliveryAttempt);
  }

  async expire(before: number): Promise<void> {
    this.#expire.run(before);
  }
}

/** When a task may be claimed: when due, and not before its lease ends. */
function available(task: WebhookTask): number {
  return Math.max(task.dueAt, task.leasedUntil);
}

function parse(row: RecordRow): WebhookTask {
  return JSON.parse(row.record) as WebhookTask;
}

/** `run` as one immediate write transaction: another process on the file waits for it. */
function transaction<A extends unknown[], R>(db: Db, run: (...args: A) => R): (...args: A) => R {
  const wrapped = db.transaction(run);
  return (...args) => wrapped.immediate(...args);
}
