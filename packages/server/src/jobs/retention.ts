import type { IdempotencyStore } from "../store/idempotency-store.js";
import type { JobStore } from "../store/job-store.js";

/** How long an ended job, and what hangs on it, is kept by default: a day, as idempotency keys. */
export const RETENTION_MS = 86_400_000;

/** Most time between two clean-ups of expired records, in ms. */
const MAX_SWEEP_INTERVAL_MS = 60_000;

/** How long ended jobs are kept, and who hears of their going. */
export interface RetentionOptions {
  /** How long an ended job is kept, in ms; the store forgets it afterwards. Undefined: no sweep. */
  retentionMs?: number;
  /** Drops what else hangs on jobs ended before `before` (webhook attempts), with the jobs. */
  onExpire?: (before: number) => Promise<void>;
  /** Hears a failed clean-up of expired records. */
  onError?: (error: unknown) => void;
}

/** The retention settings and the stores a sweep clears. */
export interface SweepOptions extends RetentionOptions {
  store: JobStore;
  idempotencyStore?: IdempotencyStore;
  /** How long an idempotency key is remembered, in ms; never longer than the jobs. */
  idempotencyTtlMs?: number;
}

/**
 * Drops the jobs and idempotency keys past their retention, at most once per tenth of the
 * retention period (and at least once a minute while jobs are created): memory follows the jobs
 * of the last retention period, whatever the run's length.
 */
export class RetentionSweep {
  readonly #options: SweepOptions;
  #nextAt = Number.NEGATIVE_INFINITY;

  constructor(options: SweepOptions) {
    this.#options = options;
  }

  /** Starts a clean-up if one is due at `now`, detached from the caller (failures go to `onError`). */
  run(now: number): void {
    const { retentionMs, store, idempotencyStore, idempotencyTtlMs, onExpire, onError } =
      this.#options;
    if (retentionMs === undefined || now < this.#nextAt) return;
    this.#nextAt = now + Math.min(Math.max(1, retentionMs / 10), MAX_SWEEP_INTERVAL_MS);
    const ttl = Math.min(idempotencyTtlMs ?? retentionMs, retentionMs);
    Promise.all([
      store.expire?.(now - retentionMs),
      idempotencyStore?.expire?.(now - ttl),
      onExpire?.(now - retentionMs),
    ]).catch((error: unknown) => onError?.(error));
  }
}
