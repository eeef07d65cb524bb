import type { DeliveryAttempt } from "../webhooks/delivery-log.js";
import { DeliveryLog } from "../webhooks/delivery-log.js";
import type { EndpointChanges, WebhookEndpoint } from "../webhooks/endpoints.js";
import { newLease } from "./lease.js";
import type { WebhookStore, WebhookTask } from "./webhook-store.js";

export interface MemoryWebhookStoreOptions {
  /** Attempts kept per endpoint and per job. @default 100 */
  historyPerKey?: number;
  /** Jobs whose attempts are kept; older ones are forgotten first. @default 10_000 */
  historyJobs?: number;
}

/**
 * Webhook state in process memory, lost on restart. Bounded: endpoints per owner are capped,
 * tasks end with their deliveries, and attempts are kept for a bounded number of jobs.
 */
export class MemoryWebhookStore implements WebhookStore {
  readonly #endpoints = new Map<string, WebhookEndpoint>();
  readonly #secrets = new Map<string, string>();
  readonly #tasks = new Map<string, WebhookTask>();
  readonly #byEndpoint: DeliveryLog;
  readonly #byJob: DeliveryLog;

  constructor({ historyPerKey = 100, historyJobs = 10_000 }: MemoryWebhookStoreOptions = {}) {
    // Endpoints are few (a bounded number per owner); jobs are many.
    this.#byEndpoint = new DeliveryLog({ perKey: historyPerKey, keys: Number.POSITIVE_INFINITY });
    this.#byJob = new DeliveryLog({ perKey: historyPerKey, keys: historyJobs });
  }

  async addEndpoint(endpoint: WebhookEndpoint, maxPerOwner: number): Promise<boolean> {
    // Counted and added in one synchronous step: two requests cannot both take the last place.
    const owner = endpoint.owner ?? "";
    let count = 0;
    for (const each of this.#endpoints.values()) if ((each.owner ?? "") === owner) count++;
    if (count >= maxPerOwner) return false;
    this.#endpoints.set(endpoint.id, structuredClone(endpoint));
    return true;
  }

  async endpoints(owner: string): Promise<WebhookEndpoint[]> {
    return [...this.#endpoints.values()]
      .filter((endpoint) => (endpoint.owner ?? "") === owner)
      .map((endpoint) => structuredClone(endpoint));
  }

  async endpoint(id: string): Promise<WebhookEndpoint | undefined> {
    const endpoint = this.#endpoints.get(id);
    return endpoint === undefined ? undefined : structuredClone(endpoint);
  }

  async updateEndpoint(id: string, changes: EndpointChanges): Promise<WebhookEndpoint | undefined> {
    const endpoint = this.#endpoints.get(id);
    if (endpoint === undefined) return undefined;
    Object.assign(endpoint, structuredClone(changes));
    return structuredClone(endpoint);
  }

  async deleteEndpoint(id: string): Promise<boolean> {
    this.#byEndpoint.delete(`wh:${id}`);
    return this.#endpoints.delete(id);
  }

  async callbackSecret(owner: string, candidate: string): Promise<string> {
    const secret = this.#secrets.get(owner);
    if (secret !== undefined) return secret;
    this.#secrets.set(owner, candidate);
    return candidate;
  }

  async addTasks(tasks: readonly WebhookTask[]): Promise<void> {
    for (const task of tasks) {
      if (!this.#tasks.has(task.id)) this.#tasks.set(task.id, structuredClone(task));
    }
  }

  async claimDue(now: number, leaseMs: number, limit: number): Promise<WebhookTask[]> {
    const claimed: WebhookTask[] = [];
    for (const task of this.#tasks.values()) {
      if (claimed.length === limit) break;
      if (task.dueAt <= now && task.leasedUntil <= now)
        claimed.push(this.#lease(task, now, leaseMs));
    }
    return claimed;
  }

  async claim(id: string, now: number, leaseMs: number): Promise<WebhookTask | undefined> {
    const task = this.#tasks.get(id);
    return task === undefined || task.leasedUntil > now
      ? undefined
      : this.#lease(task, now, leaseMs);
  }

  async complete(task: WebhookTask, next: readonly WebhookTask[]): Promise<boolean> {
    if (this.#tasks.get(task.id)?.lease !== task.lease || task.lease === "") return false;
    this.#tasks.delete(task.id);
    await this.addTasks(next);
    return true;
  }

  async addAttempt(key: string, attempt: DeliveryAttempt): Promise<void> {
    this.#log(key).add(key, attempt);
  }

  async attempts(key: string): Promise<DeliveryAttempt[]> {
    return this.#log(key).get(key);
  }

  async expire(before: number): Promise<void> {
    this.#byJob.expire(before);
    this.#byEndpoint.expire(before);
  }

  #log(key: string): DeliveryLog {
    return key.startsWith("wh:") ? this.#byEndpoint : this.#byJob;
  }

  #lease(task: WebhookTask, now: number, leaseMs: number): WebhookTask {
    task.leasedUntil = now + leaseMs;
    task.lease = newLease();
    return structuredClone(task);
  }
}
