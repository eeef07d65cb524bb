import type { Clock } from "@translation-status/client";

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * A discrete-event clock: `sleep` schedules a timer, and `run` advances time straight to the
 * next timer whenever everything else is idle. Waits of hours finish in milliseconds, and
 * every request lands at an exact, assertable virtual time.
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Timers not yet fired or cancelled: a settled wait must leave none. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = {
        at: this.#now + Math.max(0, ms),
        seq: this.#seq++,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#timers.push(timer);
    });
  }

  /** Moves time forward by `ms`, firing every timer due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await idle();
      const next = this.#earliest();
      if (!next || next.at > target) break;
      this.#fire(next);
    }
    this.#now = target;
  }

  /** Drives `promise` to completion, jumping from timer to timer while nothing else runs. */
  async run<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (;;) {
      await idle();
      if (settled) return promise;
      const next = this.#earliest();
      if (!next) throw new Error("VirtualClock: the promise waits on something other than time");
      this.#fire(next);
    }
  }

  #earliest(): Timer | undefined {
    return this.#timers.reduce<Timer | undefined>(
      (best, t) => (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq) ? t : best),
      undefined,
    );
  }

  #fire(timer: Timer): void {
    this.#timers = this.#timers.filter((t) => t !== timer);
    this.#now = Math.max(this.#now, timer.at);
    timer.resolve();
  }
}

/** Lets every queued promise callback and I/O callback run. */
function idle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
