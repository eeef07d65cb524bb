/**
 * Arms a one-shot timer and returns a function that disarms it. The seam through which the
 * scheduler touches real time: tests and the virtual-time benchmark pass their own.
 */
export type SetTimer = (callback: () => void, delayMs: number) => () => void;

/** `setTimeout`, unref'd: a pending wake-up alone never keeps the process alive. */
export const defaultSetTimer: SetTimer = (callback, delayMs) => {
  const timer = setTimeout(callback, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
};

// setTimeout fires at once for longer delays; a longer wait is armed again when this one fires.
const MAX_TIMER_DELAY_MS = 2_147_483_647;

export interface SchedulerOptions {
  /** Milliseconds since the epoch; the same clock the jobs are derived from. */
  now: () => number;
  /** @default defaultSetTimer */
  setTimer?: SetTimer;
  /** Hears a task that threw; the other due tasks still run. @default rethrow on a later tick */
  onError?: (error: unknown) => void;
}

interface Entry {
  at: number;
  /** Ties run in the order they were scheduled. */
  seq: number;
  task: () => void;
  /** Position in the heap; -1 once run or cancelled. */
  index: number;
}

/**
 * Every wake-up in the server (a job's completion, a long-poll's deadline, the stream ticker) in
 * one min-heap of due times, with one timer armed for the earliest. Cancelling removes the entry
 * at once, so `size` counts exactly what is still to run and memory stays bounded.
 *
 * @example
 * const scheduler = new Scheduler({ now: Date.now });
 * const cancel = scheduler.schedule(Date.now() + 1_000, () => console.log("due"));
 * cancel(); // never runs; no timer left armed
 */
export class Scheduler {
  readonly #now: () => number;
  readonly #setTimer: SetTimer;
  readonly #onError: (error: unknown) => void;
  readonly #heap: Entry[] = [];
  #seq = 0;
  /** The armed timer and the due time it was armed for. */
  #timer: { at: number; cancel: () => void } | undefined;

  constructor({ now, setTimer = defaultSetTimer, onError = rethrowLater }: SchedulerOptions) {
    this.#now = now;
    this.#setTimer = setTimer;
    this.#onError = onError;
  }

  /** How many tasks are waiting to run. */
  get size(): number {
    return this.#heap.length;
  }

  /** Whether a timer is armed; false whenever nothing is scheduled. */
  get armed(): boolean {
    return this.#timer !== undefined;
  }

  /**
   * Runs `task` once the clock reads `at` or later; returns a function that cancels it (a no-op
   * once it has run).
   */
  schedule(at: number, task: () => void): () => void {
    const entry: Entry = { at, seq: this.#seq++, task, index: this.#heap.length };
    this.#heap.push(entry);
    this.#up(entry.index);
    this.#arm();
    return () => this.#remove(entry);
  }

  /** Drops every task and disarms the timer. */
  clear(): void {
    for (const entry of this.#heap) entry.index = -1;
    this.#heap.length = 0;
    this.#disarm();
  }

  #fire(): void {
    this.#timer = undefined;
    const now = this.#now();
    for (let first = this.#heap[0]; first !== undefined && first.at <= now; first = this.#heap[0]) {
      this.#removeAt(0);
      try {
        first.task();
      } catch (error) {
        this.#onError(error);
      }
    }
    this.#arm();
  }

  #arm(): void {
    const first = this.#heap[0];
    if (first === undefined) return this.#disarm();
    // An earlier timer stays: when it fires it finds nothing due and arms for the real first.
    if (this.#timer !== undefined && this.#timer.at <= first.at) return;
    this.#disarm();
    // A timer that fired a little before the clock agreed simply arms again for what is left.
    const delay = Math.min(Math.max(first.at - this.#now(), 0), MAX_TIMER_DELAY_MS);
    this.#timer = { at: first.at, cancel: this.#setTimer(() => this.#fire(), delay) };
  }

  #disarm(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #remove(entry: Entry): void {
    if (entry.index < 0) return;
    this.#removeAt(entry.index);
    if (this.#heap.length === 0) this.#disarm();
  }

  #removeAt(index: number): void {
    const heap = this.#heap;
    const removed = heap[index]!;
    const last = heap.pop()!;
    removed.index = -1;
    if (last === removed) return;
    heap[index] = last;
    last.index = index;
    this.#up(index);
    this.#down(last.index);
  }

  #up(index: number): void {
    const heap = this.#heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(heap[index]!, heap[parent]!)) return;
      this.#swap(index, parent);
      index = parent;
    }
  }

  #down(index: number): void {
    const heap = this.#heap;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === index) return;
      this.#swap(index, smallest);
      index = smallest;
    }
  }

  #swap(i: number, j: number): void {
    const heap = this.#heap;
    const a = heap[i]!;
    const b = heap[j]!;
    heap[i] = b;
    heap[j] = a;
    a.index = j;
    b.index = i;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
