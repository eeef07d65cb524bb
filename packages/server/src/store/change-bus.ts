import type { JobRecord } from "../jobs/record.js";

/**
 * A change another server sharing the store must hear of at once. Completions need no message:
 * they are derived from the record and the clock, so every server's scheduler wakes its own
 * waiters. A cancel is not.
 */
export interface JobChange {
  type: "cancelled";
  /** The record as stored after the change. */
  record: JobRecord;
}

export type ChangeListener = (change: JobChange) => void;

/**
 * Carries job changes to every server sharing a store, this one included. The job service only
 * publishes; the live machinery (long-polls, streams) subscribes.
 */
export interface ChangeBus {
  /** Delivers to this server's listeners at once, and to the other servers' soon after. */
  publish(change: JobChange): void;
  /** Returns a function that unsubscribes. */
  subscribe(listener: ChangeListener): () => void;
}

/** Listeners of one process, called synchronously in subscription order. */
export class LocalListeners {
  readonly #listeners = new Set<{ listener: ChangeListener }>();
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void = () => {}) {
    this.#onError = onError;
  }

  add(listener: ChangeListener): () => void {
    const entry = { listener };
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  emit(change: JobChange): void {
    for (const { listener } of [...this.#listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}

/** For a store only one server uses (memory, SQLite): changes stay in this process. */
export class InProcessChangeBus implements ChangeBus {
  readonly #listeners: LocalListeners;

  constructor(onError?: (error: unknown) => void) {
    this.#listeners = new LocalListeners(onError);
  }

  publish(change: JobChange): void {
    this.#listeners.emit(change);
  }

  subscribe(listener: ChangeListener): () => void {
    return this.#listeners.add(listener);
  }
}
