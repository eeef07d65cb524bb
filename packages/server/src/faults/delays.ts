import type { Scheduler } from "../events/scheduler.js";

/**
 * Requests waiting out their added latency: one entry each in the shared scheduler, so they run
 * on the injected clock, and `releaseAll` lets them all through at once on shutdown.
 */
export class Delays {
  readonly #scheduler: Scheduler;
  readonly #now: () => number;
  readonly #waiting = new Set<() => void>();
  #closed = false;

  constructor(scheduler: Scheduler, now: () => number) {
    this.#scheduler = scheduler;
    this.#now = now;
  }

  /** Requests waiting right now. */
  get size(): number {
    return this.#waiting.size;
  }

  /** Resolves after `ms` on the server's clock, or at once when closing. */
  wait(ms: number): Promise<void> {
    if (ms <= 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const release = () => {
        if (!this.#waiting.delete(release)) return;
        cancel();
        resolve();
      };
      this.#waiting.add(release);
      const cancel = this.#scheduler.schedule(this.#now() + ms, release);
    });
  }

  /** Lets every waiting request through and delays no more; for `app.close()`. */
  releaseAll(): void {
    this.#closed = true;
    for (const release of [...this.#waiting]) release();
  }
}
