import type { WebhookEventType } from "./event-types.js";

/** One attempt to deliver one event to one URL, as `GET …/deliveries` shows it. */
export interface DeliveryAttempt {
  /** The `webhook-id`: the same on every attempt of one event. */
  eventId: string;
  eventType: WebhookEventType;
  jobId: string;
  /** The endpoint's id, or null for a job's own `callbackUrl`. */
  webhookId: string | null;
  url: string;
  /** 1 for the first try. */
  attempt: number;
  /** ISO 8601: when the request was sent. */
  attemptedAt: string;
  /** The receiver's HTTP status, or null when there was none (refused, timed out...). */
  statusCode: number | null;
  /** Why the attempt failed without a status, or null. */
  error: string | null;
  durationMs: number;
  /** `delivered` on a 2xx, `retrying` when another attempt is scheduled, `failed` when none is. */
  outcome: "delivered" | "retrying" | "failed";
  /** ISO 8601: when the next attempt is due, or null. */
  nextRetryAt: string | null;
  /** The body sent, on attempts to endpoints (not shown in `…/deliveries`). */
  body?: string;
}

/**
 * Recent attempts per key (an endpoint, a job), in bounded memory: at most `perKey` attempts for
 * each of at most `keys` keys; past them, the oldest attempt, then the least recently written key,
 * is forgotten.
 */
export class DeliveryLog {
  readonly #perKey: number;
  readonly #keys: number;
  readonly #entries = new Map<string, DeliveryAttempt[]>();

  constructor({ perKey, keys }: { perKey: number; keys: number }) {
    this.#perKey = perKey;
    this.#keys = keys;
  }

  add(key: string, attempt: DeliveryAttempt): void {
    const list = this.#entries.get(key) ?? [];
    // Re-inserted, so Map order is least recently written first.
    this.#entries.delete(key);
    list.push(attempt);
    if (list.length > this.#perKey) list.splice(0, list.length - this.#perKey);
    this.#entries.set(key, list);
    if (this.#entries.size > this.#keys) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  /** Oldest first. */
  get(key: string): DeliveryAttempt[] {
    return [...(this.#entries.get(key) ?? [])];
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Forgets the keys last written before `before` (ms since the epoch). */
  expire(before: number): void {
    // Least recently written first: stop at the first key written since.
    for (const [key, list] of this.#entries) {
      if (Date.parse(list.at(-1)!.attemptedAt) >= before) break;
      this.#entries.delete(key);
    }
  }

  /** How many keys have attempts on record. */
  get size(): number {
    return this.#entries.size;
  }
}
