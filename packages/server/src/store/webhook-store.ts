import type { DeliveryAttempt } from "../webhooks/delivery-log.js";
import type { EndpointChanges, WebhookEndpoint } from "../webhooks/endpoints.js";
import type { WebhookEvent } from "../webhooks/payload.js";

/** Send this job's events once it has ended: listed when the job is created. */
export interface JobEndWork {
  type: "job";
  jobId: string;
}

/** Send one event to one URL; the next attempt of a retried delivery keeps the event. */
export interface SendWork {
  type: "send";
  event: WebhookEvent;
  url: string;
  /** The endpoint's id, or null for a job's `callbackUrl`. */
  webhookId: string | null;
  /** Attempts already made. */
  attempts: number;
}

/**
 * A unit of webhook work in the store, due at a moment. Any server sharing the store may claim
 * it: a claim is a lease (`leasedUntil`, `lease`), so a server that dies holding it only delays
 * the work until the lease ends, and `complete` from a server whose lease was taken over is
 * refused, so no work is done twice by two live servers.
 */
export interface WebhookTask {
  /** `job:<jobId>`, or `send:<jobId>:<endpoint id or "callback">`. */
  id: string;
  /** Milliseconds since the epoch. */
  dueAt: number;
  /** While claimed: until when (ms since the epoch), else 0. */
  leasedUntil: number;
  /** The claim's token; "" when unclaimed. */
  lease: string;
  work: JobEndWork | SendWork;
}

/**
 * Webhook endpoints, callback secrets, pending deliveries and the attempts made, where the jobs
 * are: a restart (SQLite, Redis) or another server (Redis) delivers what one server started.
 * Owners are owner ids, or "" with auth off. Like the job store it never reads the clock.
 */
export interface WebhookStore {
  /** Adds the endpoint unless its owner already has `maxPerOwner`; false when full. Atomic. */
  addEndpoint(endpoint: WebhookEndpoint, maxPerOwner: number): Promise<boolean>;
  /** The owner's endpoints, oldest first. */
  endpoints(owner: string): Promise<WebhookEndpoint[]>;
  endpoint(id: string): Promise<WebhookEndpoint | undefined>;
  /**
   * Sets the given fields of the endpoint in one step (two changes at once both apply) and
   * answers it as it now is; undefined when there is none.
   */
  updateEndpoint(id: string, changes: EndpointChanges): Promise<WebhookEndpoint | undefined>;
  /** Removes the endpoint and its attempts; false when there was none. */
  deleteEndpoint(id: string): Promise<boolean>;
  /** The owner's callback secret: `candidate` if it had none yet (atomic), else the one it has. */
  callbackSecret(owner: string, candidate: string): Promise<string>;
  /** Adds each task whose id is not there yet. */
  addTasks(tasks: readonly WebhookTask[]): Promise<void>;
  /** Claims up to `limit` tasks due at `now` and not leased, for `leaseMs`. */
  claimDue(now: number, leaseMs: number, limit: number): Promise<WebhookTask[]>;
  /** Claims the task `id`, due or not, unless another claim on it still holds. */
  claim(id: string, now: number, leaseMs: number): Promise<WebhookTask | undefined>;
  /**
   * Ends a claimed task and adds `next` (the tasks it led to, or its retry) in one step; false,
   * changing nothing, when the claim no longer holds.
   */
  complete(task: WebhookTask, next: readonly WebhookTask[]): Promise<boolean>;
  /** Records an attempt under `key` (`wh:<id>` or `job:<id>`), keeping the latest ones. */
  addAttempt(key: string, attempt: DeliveryAttempt): Promise<void>;
  /** The attempts under `key`, oldest first. */
  attempts(key: string): Promise<DeliveryAttempt[]>;
  /** Forgets attempts made before `before` (ms since the epoch). */
  expire(before: number): Promise<void>;
}
