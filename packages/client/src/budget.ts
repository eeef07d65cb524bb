import type { Clock } from "./types.js";

/** Limits on what one client sends, shared by all its calls and waits. */
export interface BudgetOptions {
  /**
   * Requests started per second, on average; bursts of up to one second's worth are allowed.
   * `Infinity` turns the limit off.
   * @default 10
   */
  maxRequestsPerSecond?: number;
  /**
   * Short requests in flight at once. Held requests (long-polls, streams) take a token from
   * the rate but no slot here, since they are meant to stay open.
   * @default 6
   */
  maxConcurrentRequests?: number;
}

export const BUDGET_DEFAULTS = { maxRequestsPerSecond: 10, maxConcurrentRequests: 6 } as const;

/** The budget could not let a request start before its deadline. */
export class BudgetDeadlineError extends Error {
  override name = "BudgetDeadlineError";
}

interface Waiter {
  held: boolean;
  notAfter: number;
  resolve: (release: () => void) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
}

/**
 * A token bucket and a semaphore in one FIFO queue: every request of a client passes here, so
 * a burst of waits never becomes a burst of requests, and a 429 pauses them all together. At
 * most one timer runs, and only while someone is queued.
 */
export class RequestBudget {
  readonly #rate: number;
  readonly #maxConcurrent: number;
  readonly #clock: Clock;
  #tokens: number;
  #refilledAt: number;
  #active = 0;
  #pausedUntil = 0;
  #queue: Waiter[] = [];
  #timer: AbortController | undefined;
  /**
   * One abort listener per signal, however many queued requests share it (a wait on 10,000
   * jobs queues hundreds on one): many listeners on one signal cost time and make Node warn.
   */
  #signals = new Map<AbortSignal, { waiting: number; onAbort: () => void }>();

  constructor(options: Required<BudgetOptions>, clock: Clock) {
    this.#rate = options.maxRequestsPerSecond;
    this.#maxConcurrent = options.maxConcurrentRequests;
    this.#clock = clock;
    this.#tokens = Number.isFinite(this.#rate) ? Math.max(1, this.#rate) : Infinity;
    this.#refilledAt = clock.now();
  }

  /** Requests waiting for their turn (for tests and metrics). */
  get queued(): number {
    return this.#queue.length;
  }

  /** Short requests in flight. */
  get active(): number {
    return this.#active;
  }

  /**
   * Waits for a turn; resolves with the function that ends it. `held` requests (long-polls,
   * streams) are released from the concurrency count as soon as they start. A request whose
   * turn by the rate or a pause would come after `notAfter` (clock time) is refused at once
   * with BudgetDeadlineError, so a wait never overruns its deadline queueing.
   */
  acquire(held: boolean, signal?: AbortSignal, notAfter = Infinity): Promise<() => void> {
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      this.#queue.push({ held, notAfter, resolve, reject, signal });
      if (signal) this.#listen(signal);
      this.#pump();
    });
  }

  #listen(signal: AbortSignal): void {
    const entry = this.#signals.get(signal);
    if (entry) {
      entry.waiting += 1;
      return;
    }
    const onAbort = () => {
      this.#signals.delete(signal);
      const aborted = this.#queue.filter((w) => w.signal === signal);
      this.#queue = this.#queue.filter((w) => w.signal !== signal);
      for (const waiter of aborted) waiter.reject(signal.reason);
      this.#pump();
    };
    this.#signals.set(signal, { waiting: 1, onAbort });
    signal.addEventListener("abort", onAbort, { once: true });
  }

  #unlisten(signal: AbortSignal | undefined): void {
    if (!signal) return;
    const entry = this.#signals.get(signal);
    if (!entry) return;
    entry.waiting -= 1;
    if (entry.waiting > 0) return;
    this.#signals.delete(signal);
    signal.removeEventListener("abort", entry.onAbort);
  }

  /** The server said "too many requests": nobody starts a request before `ms` from now. */
  pause(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#clock.now() + ms);
  }

  #pump(): void {
    this.#timer?.abort();
    this.#timer = undefined;
    // First come, first served, except that a short request waiting for a slot does not hold
    // back a held one behind it, which needs no slot.
    for (let i = 0; i < this.#queue.length;) {
      const waiter = this.#queue[i]!;
      if (!waiter.held && this.#active >= this.#maxConcurrent) {
        i += 1;
        continue;
      }
      const now = this.#clock.now();
      this.#refill(now);
      const wait = Math.max(
        this.#pausedUntil - now,
        this.#tokens >= 1 ? 0 : ((1 - this.#tokens) / this.#rate) * 1_000,
      );
      if (now + wait > waiter.notAfter) {
        this.#remove(i);
        waiter.reject(
          new BudgetDeadlineError("the request budget has no room before the deadline"),
        );
        continue;
      }
      if (wait > 0) {
        this.#sleep(wait);
        return;
      }
      this.#tokens -= 1;
      this.#remove(i);
      if (waiter.held) {
        waiter.resolve(() => {});
        continue;
      }
      this.#active += 1;
      let released = false;
      waiter.resolve(() => {
        if (released) return;
        released = true;
        this.#active -= 1;
        this.#pump();
      });
    }
  }

  #remove(index: number): void {
    const [waiter] = this.#queue.splice(index, 1);
    this.#unlisten(waiter?.signal);
  }

  #refill(now: number): void {
    if (!Number.isFinite(this.#rate)) return;
    const elapsed = Math.max(0, now - this.#refilledAt);
    this.#tokens = Math.min(Math.max(1, this.#rate), this.#tokens + (elapsed / 1_000) * this.#rate);
    this.#refilledAt = now;
  }

  #sleep(ms: number): void {
    const timer = new AbortController();
    this.#timer = timer;
    this.#clock.sleep(ms, timer.signal).then(
      () => {
        if (this.#timer === timer) this.#timer = undefined;
        this.#pump();
      },
      () => {},
    );
  }
}
