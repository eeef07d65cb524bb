import type { JobRecord } from "../jobs/record.js";
import type { Scheduler } from "./scheduler.js";

/** Hears a job's status change once; gets the new record when the change was written (cancel). */
export type ChangeListener = (record: JobRecord | undefined) => void;

/** Cancels remembered for readers that start waiting a moment too late. */
const RECENT_CANCELS = 1_024;

interface Watched {
  listeners: Set<{ listener: ChangeListener }>;
  /** Cancels the job's single completion wake-up in the scheduler. */
  cancelWakeUp: () => void;
}

/**
 * Who waits on which job: a set of listeners per job and ONE scheduler entry per watched job, at
 * the moment its record says it ends. A completion or a cancel wakes every listener of the job at
 * once; the last listener to leave takes the scheduler entry with it.
 */
export class JobWatch {
  readonly #scheduler: Scheduler;
  readonly #onError: (error: unknown) => void;
  readonly #jobs = new Map<string, Watched>();
  /**
   * The latest cancels, oldest first: a reader that loaded a job just before a cancel (here, or
   * on another server whose message overtook the read) and starts waiting just after is woken at
   * once rather than at the job's end. A cancel is final, so an entry never goes stale.
   */
  readonly #cancelled = new Map<string, JobRecord>();
  #listeners = 0;

  constructor(scheduler: Scheduler, onError: (error: unknown) => void = () => {}) {
    this.#scheduler = scheduler;
    this.#onError = onError;
  }

  /** Listeners still waiting, over all jobs. */
  get size(): number {
    return this.#listeners;
  }

  /** Jobs with at least one listener. */
  get jobs(): number {
    return this.#jobs.size;
  }

  /**
   * Calls `listener` once, when the pending job `record` completes, fails or is cancelled.
   * Returns a function that stops listening (a no-op once it has been called).
   */
  watch(record: JobRecord, listener: ChangeListener): () => void {
    let watched = this.#jobs.get(record.id);
    if (watched === undefined) {
      const id = record.id;
      const cancelled = record.cancelledAt === undefined ? this.#cancelled.get(id) : undefined;
      const wakeAt = cancelled === undefined ? record.createdAt + record.pendingDurationMs : 0;
      watched = {
        listeners: new Set(),
        cancelWakeUp: this.#scheduler.schedule(wakeAt, () => this.changed(id, cancelled)),
      };
      this.#jobs.set(id, watched);
    }
    // Wrapped, so one function passed twice is two listeners.
    const entry = { listener };
    watched.listeners.add(entry);
    this.#listeners++;
    const current = watched;
    return () => {
      if (!current.listeners.delete(entry)) return;
      this.#listeners--;
      if (current.listeners.size === 0 && this.#jobs.get(record.id) === current) {
        current.cancelWakeUp();
        this.#jobs.delete(record.id);
      }
    };
  }

  /** The job's status changed (its record, when one was written): wake all its listeners. */
  changed(id: string, record?: JobRecord): void {
    if (record?.cancelledAt !== undefined && !this.#cancelled.has(id)) {
      this.#cancelled.set(id, record);
      if (this.#cancelled.size > RECENT_CANCELS) {
        this.#cancelled.delete(this.#cancelled.keys().next().value!);
      }
    }
    const watched = this.#jobs.get(id);
    if (watched === undefined) return;
    this.#jobs.delete(id);
    watched.cancelWakeUp();
    const entries = [...watched.listeners];
    watched.listeners.clear();
    this.#listeners -= entries.length;
    for (const { listener } of entries) {
      try {
        listener(record);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}
