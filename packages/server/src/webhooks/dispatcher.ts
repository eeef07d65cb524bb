import type { JobWatch } from "../events/job-watch.js";
import type { Scheduler } from "../events/scheduler.js";
import { deriveState, endOf } from "../jobs/derive.js";
import type { JobRecord } from "../jobs/record.js";
import type { Random } from "../jobs/random.js";
import type { SendWork, WebhookStore, WebhookTask } from "../store/webhook-store.js";
import { retryDelayMs } from "./backoff.js";
import type { DeliveryAttempt } from "./delivery-log.js";
import { hears } from "./endpoint-filter.js";
import type { WebhookEndpoints } from "./endpoints.js";
import { buildEvent } from "./payload.js";

/** What `onDelivery` hears after every attempt. */
export interface DeliveryOutcome extends DeliveryAttempt {
  /** Whose event it was; undefined with auth off. */
  owner: string | undefined;
}

export interface WebhookDispatcherOptions {
  scheduler: Scheduler;
  watch: JobWatch;
  endpoints: WebhookEndpoints;
  /** Where pending deliveries and attempts are kept (and claimed, when servers share it). */
  store: WebhookStore;
  /** The job's current record, or undefined when it is gone. */
  findJob: (id: string) => Promise<JobRecord | undefined>;
  /** The same clock the jobs are derived from: timestamps, timeouts and retries follow it. */
  now: () => number;
  /** Draws the jitter of retry delays. */
  random: Random;
  /** @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** Attempts per event and target, the first included. @default 5 */
  maxAttempts?: number;
  /** How long an attempt may take, answer included, in ms. @default 10_000 */
  timeoutMs?: number;
  /** Backoff before the first retry, doubling after each. @default 1_000 */
  retryDelayMs?: number;
  /** Cap on the backoff. @default 60_000 */
  maxRetryDelayMs?: number;
  /**
   * How often to claim the work due in the store that this server is not already waiting for
   * (another server's, or work left by a restart), in ms; 0 never, for a store only this
   * server uses and which does not outlive it.
   * @default 0
   */
  pollIntervalMs?: number;
  /** Hears every attempt, e.g. for metrics; what it throws goes to `onError`. */
  onDelivery?: (outcome: DeliveryOutcome) => void;
  /** Hears what went wrong outside an attempt (a throwing `onDelivery`, a failing store). */
  onError?: (error: unknown) => void;
}

/** A delivery this server works on: an attempt in flight, or its retry scheduled here. */
interface Delivery {
  webhookId: string | null;
  /** Cancels the scheduled retry, or aborts the attempt in flight. */
  stop?: () => void;
}

class AttemptTimeout extends Error {
  override name = "AttemptTimeout";
}

/** A claim outlasts the longest attempt by this much, in ms: store round trips included. */
const LEASE_MARGIN_MS = 10_000;

/** Tasks claimed per look at the store. */
const CLAIM_BATCH = 100;

/**
 * Sends signed webhooks (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`) when jobs end. The work lives in the webhook store as tasks: one per job
 * with someone to tell, due at its end, which becomes one delivery per target, each retried
 * with backoff. A server claims a task (a lease) before doing it, so several servers sharing the
 * store never do it twice, and a task whose server died is claimed by another once the lease
 * ends. The server that created a job wakes at its end on the one scheduler, which also times
 * attempts out and fires retries: no timer of its own, nothing that `close()` cannot stop.
 */
export class WebhookDispatcher {
  readonly #scheduler: Scheduler;
  readonly #watch: JobWatch;
  readonly #endpoints: WebhookEndpoints;
  readonly #store: WebhookStore;
  readonly #findJob: (id: string) => Promise<JobRecord | undefined>;
  readonly #now: () => number;
  readonly #random: Random;
  readonly #fetch: typeof fetch;
  readonly #maxAttempts: number;
  readonly #timeoutMs: number;
  readonly #leaseMs: number;
  readonly #pollIntervalMs: number;
  readonly #backoff: { retryDelayMs: number; maxRetryDelayMs: number };
  readonly #onDelivery: ((outcome: DeliveryOutcome) => void) | undefined;
  readonly #onError: (error: unknown) => void;
  readonly #active = new Map<string, Delivery>();
  readonly #unwatch = new Map<string, () => void>();
  #stopPolling: (() => void) | undefined;
  #closed = false;

  constructor(options: WebhookDispatcherOptions) {
    this.#scheduler = options.scheduler;
    this.#watch = options.watch;
    this.#endpoints = options.endpoints;
    this.#store = options.store;
    this.#findJob = options.findJob;
    this.#now = options.now;
    this.#random = options.random;
    // Looked up per call, so a test can stub the global after the app is built.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#maxAttempts = options.maxAttempts ?? 5;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#leaseMs = this.#timeoutMs + LEASE_MARGIN_MS;
    this.#pollIntervalMs = options.pollIntervalMs ?? 0;
    this.#backoff = {
      retryDelayMs: options.retryDelayMs ?? 1_000,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 60_000,
    };
    this.#onDelivery = options.onDelivery;
    this.#onError = options.onError ?? (() => {});
  }

  /** Deliveries this server works on: an attempt in flight or a retry scheduled. */
  get pending(): number {
    return this.#active.size;
  }

  /** Jobs watched for their end. */
  get watching(): number {
    return this.#unwatch.size;
  }

  /** Starts claiming due work from the store every `pollIntervalMs`, once the store is up. */
  start(): void {
    if (this.#pollIntervalMs <= 0 || this.#closed || this.#stopPolling !== undefined) return;
    const tick = () => {
      if (this.#closed) return;
      this.#stopPolling = this.#scheduler.schedule(this.#now() + this.#pollIntervalMs, tick);
      this.#store
        .claimDue(this.#now(), this.#leaseMs, CLAIM_BATCH)
        .then((tasks) => {
          for (const task of tasks) this.#detach(this.#perform(task));
        })
        .catch(this.#onError);
    };
    tick();
  }

  /**
   * A job was created: if it has a `callbackUrl` or its owner has endpoints, put a task for its
   * end in the store (resolved once it is there) and wake at its end. Endpoints hear about the
   * jobs created after they were registered. Never rejects: a failure goes to `onError`.
   */
  async jobCreated(record: JobRecord): Promise<void> {
    if (this.#closed) return;
    try {
      if (
        record.callbackUrl === undefined &&
        (await this.#endpoints.list(record.owner)).length === 0
      ) {
        return;
      }
      await this.#watchEnd(record);
    } catch (error) {
      this.#onError(error);
    }
  }

  /**
   * An endpoint scoped to this job was registered after it was created: its end is watched
   * (again: a task already there stays as it is) unless it has ended. Rejects if the store does.
   */
  async endpointScoped(record: JobRecord): Promise<void> {
    if (this.#closed || this.#unwatch.has(record.id)) return;
    if (deriveState(record, this.#now()).status !== "pending") return;
    await this.#watchEnd(record);
  }

  async #watchEnd(record: JobRecord): Promise<void> {
    const id = jobTaskId(record.id);
    await this.#store.addTasks([
      {
        id,
        dueAt: endOf(record),
        leasedUntil: 0,
        lease: "",
        work: { type: "job", jobId: record.id },
      },
    ]);
    if (this.#closed || this.#unwatch.has(record.id)) return;
    const unwatch = this.#watch.watch(record, () => {
      this.#unwatch.delete(record.id);
      this.#run(id);
    });
    this.#unwatch.set(record.id, unwatch);
  }

  /** A job was cancelled here: its events go now, from here unless its creator is faster. */
  jobCancelled(record: JobRecord): void {
    if (!this.#closed && !this.#unwatch.has(record.id)) this.#run(jobTaskId(record.id));
  }

  /** An endpoint's recent attempts, oldest first. */
  endpointDeliveries(id: string): Promise<DeliveryAttempt[]> {
    return this.#store.attempts(`wh:${id}`);
  }

  /** A job's `callbackUrl` attempts, oldest first. */
  jobDeliveries(id: string): Promise<DeliveryAttempt[]> {
    return this.#store.attempts(`job:${id}`);
  }

  /** The endpoint is gone: drop its retries here (other servers drop theirs when due). */
  endpointDeleted(id: string): void {
    for (const [taskId, delivery] of this.#active) {
      if (delivery.webhookId !== id) continue;
      this.#finish(taskId);
      this.#detach(this.#drop(taskId));
    }
  }

  /**
   * Stops every watch, pending retry and attempt in flight, and the polling; nothing is sent
   * from here afterwards. What was left stays in the store for another server (or a restart).
   */
  close(): void {
    this.#closed = true;
    this.#stopPolling?.();
    for (const unwatch of this.#unwatch.values()) unwatch();
    this.#unwatch.clear();
    for (const taskId of [...this.#active.keys()]) this.#finish(taskId);
  }

  /** Claims the task and does it, detached from whoever asked: requests never wait. */
  #run(id: string): void {
    if (this.#closed) return;
    this.#detach(
      this.#store.claim(id, this.#now(), this.#leaseMs).then(async (task) => {
        if (task !== undefined) await this.#perform(task);
      }),
    );
  }

  #detach(work: Promise<void>): void {
    work.catch((error: unknown) => this.#onError(error));
  }

  async #perform(task: WebhookTask): Promise<void> {
    if (this.#closed) return;
    if (task.work.type === "job") await this.#expand(task, task.work.jobId);
    else await this.#send(task, task.work);
  }

  /** The job ended: one delivery task per target, in the same step that ends the job's task. */
  async #expand(task: WebhookTask, jobId: string): Promise<void> {
    const record = await this.#findJob(jobId);
    const now = this.#now();
    const event = record === undefined ? undefined : buildEvent(record, now);
    if (record === undefined || event === undefined) {
      // Gone (past its retention), or claimed before its end: nothing now, or later.
      const later = record === undefined ? [] : [{ ...task, leasedUntil: 0, lease: "" }];
      await this.#store.complete(task, later);
      return;
    }
    const sends: WebhookTask[] = [];
    const add = (target: string, url: string, webhookId: string | null) =>
      sends.push({
        id: `send:${jobId}:${target}`,
        dueAt: now,
        leasedUntil: 0,
        lease: "",
        work: { type: "send", event, url, webhookId, attempts: 0 },
      });
    if (record.callbackUrl !== undefined) add("callback", record.callbackUrl, null);
    for (const endpoint of await this.#endpoints.list(record.owner)) {
      if (hears(endpoint, event.type, record)) add(endpoint.id, endpoint.url, endpoint.id);
    }
    if (!(await this.#store.complete(task, sends))) return;
    for (const send of sends) this.#run(send.id);
  }

  /** One attempt of one delivery; then its retry, or its end. */
  async #send(task: WebhookTask, work: SendWork): Promise<void> {
    const { event, webhookId } = work;
    let secret: string;
    if (webhookId === null) {
      secret = await this.#endpoints.callbackSecret(event.owner);
    } else {
      const endpoint = await this.#store.endpoint(webhookId);
      if (endpoint === undefined) {
        // Deleted since: its deliveries end unsent.
        await this.#store.complete(task, []);
        this.#active.delete(task.id);
        return;
      }
      secret = endpoint.secret;
    }
    if (this.#closed) return;
    const delivery: Delivery = { webhookId };
    this.#active.get(task.id)?.stop?.();
    this.#active.set(task.id, delivery);
    const attempts = work.attempts + 1;
    const signer = this.#endpoints.signerFor(secret);
    const startedAt = this.#now();
    const controller = new AbortController();
    const cancelTimeout = this.#scheduler.schedule(startedAt + this.#timeoutMs, () =>
      controller.abort(new AttemptTimeout(`timed out after ${this.#timeoutMs} ms`)),
    );
    delivery.stop = () => {
      cancelTimeout();
      controller.abort();
    };
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await this.#fetch(work.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "translation-status-server",
          "webhook-id": event.id,
          "webhook-timestamp": String(Math.floor(startedAt / 1_000)),
          "webhook-signature": signer.sign(event.id, new Date(startedAt), event.body),
        },
        body: event.body,
        signal: controller.signal,
        // A redirect is a failed attempt: the body goes only where the user asked.
        redirect: "manual",
      });
      statusCode = response.status;
      // The answer's body is not needed; dropping it frees the connection.
      await response.body?.cancel().catch(() => {});
    } catch (caught) {
      error = describeFailure(controller.signal.reason ?? caught);
    } finally {
      cancelTimeout();
    }
    // Closed while the attempt was in flight: the task is left to another server. The endpoint
    // deleted: its delivery ends unsent.
    if (this.#closed) return;
    if (this.#active.get(task.id) !== delivery) {
      await this.#store.complete(task, []);
      return;
    }

    const delivered = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const last = delivered || attempts >= this.#maxAttempts;
    const now = this.#now();
    const nextRetryAt = last ? null : now + retryDelayMs(attempts, this.#backoff, this.#random);
    const attempt: DeliveryAttempt = {
      eventId: event.id,
      eventType: event.type,
      jobId: event.jobId,
      webhookId,
      url: work.url,
      attempt: attempts,
      attemptedAt: new Date(startedAt).toISOString(),
      statusCode,
      error,
      durationMs: Math.max(0, now - startedAt),
      outcome: delivered ? "delivered" : last ? "failed" : "retrying",
      nextRetryAt: nextRetryAt === null ? null : new Date(nextRetryAt).toISOString(),
      // An endpoint's history is also its list of events sent (HeyGen's `GET /v3/webhooks/events`).
      ...(webhookId !== null && { body: event.body }),
    };
    await this.#store.addAttempt(
      webhookId === null ? `job:${event.jobId}` : `wh:${webhookId}`,
      attempt,
    );
    const retry: WebhookTask[] =
      nextRetryAt === null
        ? []
        : [{ ...task, dueAt: nextRetryAt, leasedUntil: 0, lease: "", work: { ...work, attempts } }];
    const kept = await this.#store.complete(task, retry);
    if (nextRetryAt === null || !kept || this.#active.get(task.id) !== delivery) {
      if (this.#active.get(task.id) === delivery) this.#active.delete(task.id);
    } else {
      delivery.stop = this.#scheduler.schedule(nextRetryAt, () => {
        if (this.#active.get(task.id) !== delivery) return;
        delete delivery.stop;
        this.#detach(this.#retry(task.id, delivery));
      });
    }
    try {
      this.#onDelivery?.({ ...attempt, owner: event.owner });
    } catch (caught) {
      this.#onError(caught);
    }
  }

  /** The retry scheduled here, unless another server has claimed it first. */
  async #retry(taskId: string, delivery: Delivery): Promise<void> {
    const task = await this.#store.claim(taskId, this.#now(), this.#leaseMs);
    if (task !== undefined) await this.#perform(task);
    else if (this.#active.get(taskId) === delivery) this.#active.delete(taskId);
  }

  /** Ends a task unsent, unless another claim on it holds. */
  async #drop(taskId: string): Promise<void> {
    const task = await this.#store.claim(taskId, this.#now(), this.#leaseMs);
    if (task !== undefined) await this.#store.complete(task, []);
  }

  #finish(taskId: string): void {
    const delivery = this.#active.get(taskId);
    delivery?.stop?.();
    this.#active.delete(taskId);
  }
}

function jobTaskId(jobId: string): string {
  return `job:${jobId}`;
}

/** A short reason for an attempt that got no status: "timed out after 10000 ms", "ECONNREFUSED". */
function describeFailure(error: unknown): string {
  if (error instanceof AttemptTimeout) return error.message;
  if (error instanceof Error) {
    const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
    if (typeof cause?.code === "string") return cause.code;
    if (typeof cause?.message === "string" && cause.message !== "") return cause.message;
    return error.message;
  }
  return String(error);
}
