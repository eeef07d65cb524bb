import { AbortFanout, forwardAbort } from "../internal/abort.js";
import type { JobOutcome } from "../wait-many-options.js";

/** One job still waited on, with its own signal, if any. */
export interface PendingJob {
  jobId: string;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** Aborts what is left of a wait once its last job is settled. */
const DONE = Symbol("done");

/**
 * The jobs a wait on many still waits on, and the outcomes ready to hand out: settling a job
 * queues its outcome and wakes the reader; its own signal settles it alone; the caller's signal,
 * or the last job settled, aborts every sleep, request and stream of the wait through `fanout`,
 * so nothing outlives it. Memory is one small record per job still pending.
 */
export class PendingJobs<J extends PendingJob> {
  readonly #jobs = new Map<string, J>();
  readonly #ready: JobOutcome[] = [];
  readonly #signal: AbortSignal | undefined;
  readonly #stop = new AbortController();
  readonly #unlinkStop: () => void;
  #wake: (() => void) | undefined;
  /**
   * What runs concurrently (a request or a sleep per chunk, a wait per job) follows the wait
   * through this, not with a listener each on the caller's signal.
   */
  readonly fanout: AbortFanout;

  constructor(signal: AbortSignal | undefined) {
    this.#signal = signal;
    this.#unlinkStop = forwardAbort(signal, this.#stop);
    this.fanout = new AbortFanout(this.#stop.signal);
  }

  get size(): number {
    return this.#jobs.size;
  }

  /** The signal that aborts with the wait. */
  get stopSignal(): AbortSignal {
    return this.#stop.signal;
  }

  get(jobId: string): J | undefined {
    return this.#jobs.get(jobId);
  }

  has(jobId: string): boolean {
    return this.#jobs.has(jobId);
  }

  /** The jobs still pending, as a list safe to settle while going through it. */
  list(): J[] {
    return [...this.#jobs.values()];
  }

  /**
   * Adds a job. One whose own signal has already aborted is settled with its reason when the
   * wait starts, once every job is in: settling the only job so far would end the wait.
   */
  add(job: J): void {
    this.#jobs.set(job.jobId, job);
    const { signal } = job;
    if (signal && !signal.aborted) {
      job.onAbort = () => this.settle({ jobId: job.jobId, ok: false, error: signal.reason });
      signal.addEventListener("abort", job.onAbort, { once: true });
    }
  }

  /** Settles a job still pending with its outcome; a second outcome of the same job is ignored. */
  settle(outcome: JobOutcome): void {
    const job = this.#jobs.get(outcome.jobId);
    if (!job) return;
    this.#jobs.delete(outcome.jobId);
    if (job.onAbort) job.signal?.removeEventListener("abort", job.onAbort);
    this.#ready.push(outcome);
    if (this.#jobs.size === 0) this.#stop.abort(DONE);
    this.#wake?.();
  }

  /** Rethrows the caller's abort; true when `cause` is only the end of the wait. */
  stopped(cause: unknown): boolean {
    if (this.#signal?.aborted) throw this.#signal.reason;
    return this.#stop.signal.aborted && cause === DONE;
  }

  /**
   * Yields each outcome as it is settled, while `run` settles them; ends when every job is
   * settled, throws what `run` throws (the caller's abort included), and cleans up either way.
   */
  async *drain(run: () => Promise<void>): AsyncGenerator<JobOutcome> {
    for (const { jobId, signal } of this.list()) {
      if (signal?.aborted) this.settle({ jobId, ok: false, error: signal.reason });
    }
    const runner = (async () => {
      try {
        await run();
      } catch (cause) {
        if (!this.stopped(cause)) throw cause;
      }
    })();
    let failure: { error: unknown } | undefined;
    runner.then(
      () => this.#wake?.(),
      (error: unknown) => {
        failure = { error };
        this.#wake?.();
      },
    );
    try {
      for (;;) {
        while (this.#ready.length > 0) yield this.#ready.shift()!;
        if (failure) throw failure.error;
        if (this.#jobs.size === 0) {
          await runner;
          while (this.#ready.length > 0) yield this.#ready.shift()!;
          return;
        }
        await new Promise<void>((resolve) => (this.#wake = resolve));
        this.#wake = undefined;
      }
    } finally {
      for (const job of this.#jobs.values()) {
        if (job.onAbort) job.signal?.removeEventListener("abort", job.onAbort);
      }
      this.#jobs.clear();
      this.#stop.abort(DONE);
      this.#unlinkStop();
    }
  }
}
