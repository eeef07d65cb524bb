import type { Webhook } from "standardwebhooks";
import type { JobWatch } from "../events/job-watch.js";
import type { Scheduler } from "../events/scheduler.js";
import type { JobRecord } from "../jobs/record.js";
import type { Random } from "../jobs/random.js";
import { retryDelayMs } from "./backoff.js";
import { DeliveryLog, type DeliveryAttempt } from "./delivery-log.js";
import type { WebhookEndpoints } from "./endpoints.js";
import { buildEvent, type WebhookEvent } from "./payload.js";

/** What `onDelivery` hears after every attempt. */
export interface DeliveryOutcome extends DeliveryAttempt {
  /** Whose event it was; undefined with auth off. */
  owner: string | undefined;
}

export interface WebhookDispatcherOptions {
  scheduler: Scheduler;
  watch: JobWatch;
  endpoints: WebhookEndpoints;
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
  /** Attempts kept per endpoint and per job. @default 100 */
  historyPerKey?: number;
  /** Jobs whose attempts are kept; older ones are forgotten first. @default 10_000 */
  historyJobs?: number;
  /** Hears every attempt, e.g. for metrics; what it throws goes to `onError`. */
  onDelivery?: (outcome: DeliveryOutcome) => void;
  /** Hears what went wrong outside an attempt (a throwing `onDelivery`). */
  onError?: (error: unknown) => void;
}

/** An event on its way to one URL, across its attempts. */
interface Delivery {
  event: WebhookEvent;
  url: string;
  /** The endpoint's id, or null for a job's `callbackUrl`. */
  webhookId: string | null;
  signer: Webhook;
  attempts: number;
  /** Cancels the scheduled retry, or aborts the attempt in flight. */
  stop?: () => void;
}

class AttemptTimeout extends Error {
  override name = "AttemptTimeout";
}

/**
 * Sends signed webhooks (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`) when jobs end. A job is watched from its creation when someone could hear
 * about it, on the server's one scheduler, which also times attempts out and fires retries: no
 * timer of its own, nothing that `close()` cannot stop.
 */
export class WebhookDispatcher {
  readonly #scheduler: Scheduler;
  readonly #watch: JobWatch;
  readonly #endpoints: WebhookEndpoints;
  readonly #now: () => number;
  readonly #random: Random;
  readonly #fetch: typeof fetch;
  readonly #maxAttempts: number;
  readonly #timeoutMs: number;
  readonly #backoff: { retryDelayMs: number; maxRetryDelayMs: number };
  readonly #onDelivery: ((outcome: DeliveryOutcome) => void) | undefined;
  readonly #onError: (error: unknown) => void;
  readonly #byEndpoint: DeliveryLog;
  readonly #byJob: DeliveryLog;
  readonly #active = new Set<Delivery>();
  readonly #unwatch = new Map<string, () => void>();
  #closed = false;

  constructor(options: WebhookDispatcherOptions) {
    this.#scheduler = options.scheduler;
    this.#watch = options.watch;
    this.#endpoints = options.endpoints;
    this.#now = options.now;
    this.#random = options.random;
    // Looked up per call, so a test can stub the global after the app is built.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#maxAttempts = options.maxAttempts ?? 5;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#backoff = {
      retryDelayMs: options.retryDelayMs ?? 1_000,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 60_000,
    };
    this.#onDelivery = options.onDelivery;
    this.#onError = options.onError ?? (() => {});
    const perKey = options.historyPerKey ?? 100;
    // Endpoints are few (a bounded number per owner); jobs are many.
    this.#byEndpoint = new DeliveryLog({ perKey, keys: Number.POSITIVE_INFINITY });
    this.#byJob = new DeliveryLog({ perKey, keys: options.historyJobs ?? 10_000 });
  }

  /** Deliveries under way: an attempt in flight or a retry scheduled. */
  get pending(): number {
    return this.#active.size;
  }

  /** Jobs watched for their end. */
  get watching(): number {
    return this.#unwatch.size;
  }

  /**
   * A job was created: watch it for its end if it has a `callbackUrl` or its owner has
   * endpoints. Endpoints hear about the jobs created after they were registered.
   */
  jobCreated(record: JobRecord): void {
    if (this.#closed) return;
    if (record.callbackUrl === undefined && this.#endpoints.list(record.owner).length === 0) {
      return;
    }
    const unwatch = this.#watch.watch(record, (changed) => {
      this.#unwatch.delete(record.id);
      // A cancel hands over the new record; a completion leaves the old one, which is enough.
      this.#dispatch(changed ?? record);
    });
    this.#unwatch.set(record.id, unwatch);
  }

  /** An endpoint's recent attempts, oldest first. */
  endpointDeliveries(id: string): DeliveryAttempt[] {
    return this.#byEndpoint.get(id);
  }

  /** A job's `callbackUrl` attempts, oldest first. */
  jobDeliveries(id: string): DeliveryAttempt[] {
    return this.#byJob.get(id);
  }

  /** The endpoint is gone: drop its pending retries and its history. */
  endpointDeleted(id: string): void {
    for (const delivery of this.#active) {
      if (delivery.webhookId === id) this.#finish(delivery);
    }
    this.#byEndpoint.delete(id);
  }

  /** Stops every watch, pending retry and attempt in flight; nothing is sent afterwards. */
  close(): void {
    this.#closed = true;
    for (const unwatch of this.#unwatch.values()) unwatch();
    this.#unwatch.clear();
    for (const delivery of this.#active) this.#finish(delivery);
  }

  #dispatch(record: JobRecord): void {
    if (this.#closed) return;
    const event = buildEvent(record, this.#now());
    if (event === undefined) return;
    if (record.callbackUrl !== undefined) {
      this.#start({
        event,
        url: record.callbackUrl,
        webhookId: null,
        signer: this.#endpoints.callbackSignerFor(record.owner),
        attempts: 0,
      });
    }
    for (const endpoint of this.#endpoints.list(record.owner)) {
      if (endpoint.createdAt > record.createdAt || !endpoint.events.includes(event.type)) continue;
      this.#start({
        event,
        url: endpoint.url,
        webhookId: endpoint.id,
        signer: this.#endpoints.signerFor(endpoint),
        attempts: 0,
      });
    }
  }

  #start(delivery: Delivery): void {
    this.#active.add(delivery);
    this.#run(delivery);
  }

  /** An attempt, detached from whoever started it: requests and scheduler tasks never wait. */
  #run(delivery: Delivery): void {
    this.#attempt(delivery).catch((error: unknown) => {
      this.#finish(delivery);
      this.#onError(error);
    });
  }

  #finish(delivery: Delivery): void {
    delivery.stop?.();
    delete delivery.stop;
    this.#active.delete(delivery);
  }

  async #attempt(delivery: Delivery): Promise<void> {
    const { event } = delivery;
    delivery.attempts++;
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
      const response = await this.#fetch(delivery.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "translation-status-server",
          "webhook-id": event.id,
          "webhook-timestamp": String(Math.floor(startedAt / 1_000)),
          "webhook-signature": delivery.signer.sign(event.id, new Date(startedAt), event.body),
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
    // Closed, or the endpoint deleted, while the attempt was in flight: nothing more to do.
    if (!this.#active.has(delivery)) return;

    const delivered = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const last = delivered || delivery.attempts >= this.#maxAttempts;
    const now = this.#now();
    const nextRetryAt = last
      ? null
      : now + retryDelayMs(delivery.attempts, this.#backoff, this.#random);
    const attempt: DeliveryAttempt = {
      eventId: event.id,
      eventType: event.type,
      jobId: event.jobId,
      webhookId: delivery.webhookId,
      url: delivery.url,
      attempt: delivery.attempts,
      attemptedAt: new Date(startedAt).toISOString(),
      statusCode,
      error,
      durationMs: Math.max(0, now - startedAt),
      outcome: delivered ? "delivered" : last ? "failed" : "retrying",
      nextRetryAt: nextRetryAt === null ? null : new Date(nextRetryAt).toISOString(),
    };
    if (delivery.webhookId === null) this.#byJob.add(event.jobId, attempt);
    else this.#byEndpoint.add(delivery.webhookId, attempt);
    if (nextRetryAt === null) {
      this.#active.delete(delivery);
      delete delivery.stop;
    } else {
      delivery.stop = this.#scheduler.schedule(nextRetryAt, () => {
        if (this.#active.has(delivery)) this.#run(delivery);
      });
    }
    try {
      this.#onDelivery?.({ ...attempt, owner: event.owner });
    } catch (caught) {
      this.#onError(caught);
    }
  }
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
