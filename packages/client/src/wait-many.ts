import type { NotFoundError } from "./errors/NotFoundError.js";
import { WaitTimeoutError } from "./errors/WaitTimeoutError.js";
import { AbortFanout, forwardAbort } from "./internal/abort.js";
import { learnDuration } from "./learned.js";
import type { WaitOptions } from "./options.js";
import { isTerminal } from "./parse.js";
import type { ScheduledDelay } from "./schedule.js";
import { adviseMisconfiguration, classifyFailure } from "./failure.js";
import type { SseState } from "./transport/sse.js";
import { StreamUnavailable } from "./transport/stream.js";
import type { StatusSnapshot, TerminalStatus, WaitResult } from "./types.js";
import { dateOf, pollDelay, type WaitDependencies } from "./wait.js";
import { resolveWaitOptions, type ResolvedOptions } from "./wait-options.js";
import { describe, validateOptions } from "./internal/validate.js";
import { WAIT_ALIASES, WAIT_MANY_OPTION_RULES } from "./option-rules.js";

/**
 * A job to wait on, alone or with a signal that cancels the wait on it alone, and its size
 * (see the `size` option of a single wait).
 */
export type JobRef = string | { jobId: string; signal?: AbortSignal; size?: number };

/** Options of `waitForAll` and `waitForEach`: those of one wait, applied to each job. */
export interface WaitManyOptions extends Omit<
  WaitOptions,
  "jobId" | "mode" | "onPoll" | "onProgress" | "onStatusChange"
> {
  /**
   * `auto` polls all jobs in batches once and then follows the server's multiplexed event
   * stream if it advertises one; `poll` only polls, in batches; `stream` starts with the
   * stream. Each falls back (stream → batches → one wait per job) when the server cannot.
   * @default "auto"
   */
  mode?: "auto" | "poll" | "stream";
  /**
   * Jobs asked about in one batch request (`GET /jobs?ids=...`) or one stream.
   * @default 100
   */
  batchSize?: number;
  /** Called for every status seen, for any of the jobs. */
  onProgress?: (jobId: string, snapshot: StatusSnapshot) => void;
}

/** How one job's wait ended: a terminal status, or the error that ended the wait on it. */
export type JobOutcome =
  { jobId: string; ok: true; result: WaitResult } | { jobId: string; ok: false; error: unknown };

/** One batch answer, normalized: the jobs found, the ids not found, and per-job hints. */
export interface BatchObservation {
  snapshots: Map<string, StatusSnapshot>;
  missing: Map<string, NotFoundError>;
  pollAfterMs: Map<string, number>;
}

/** What a wait on many jobs needs from the client: the shared pieces plus batch transports. */
export interface ManyDependencies extends Pick<
  WaitDependencies,
  "clock" | "random" | "logger" | "model"
> {
  /** One `GET /jobs?ids=...`; throws BatchUnsupported if the server cannot answer it. */
  batch(
    ids: string[],
    signal: AbortSignal | undefined,
    notAfter: number,
  ): Promise<BatchObservation>;
  /** One multiplexed stream; resolves when it ends. Throws StreamUnavailable if there is none. */
  stream(request: {
    ids: string[];
    signal: AbortSignal;
    state: SseState;
    idleTimeoutMs: number;
    notAfter: number;
    onSnapshot: (snapshot: StatusSnapshot) => void;
    onMissing: (id: string, error: NotFoundError) => void;
  }): Promise<void>;
  /** Whether the last batch answer advertised the multiplexed stream. */
  streamAdvertised(): boolean;
  /** A plain single wait, for servers without batches. */
  waitOne(jobId: string, options: WaitOptions): Promise<WaitResult>;
}

/** The server has no batch endpoint (or ignored the ids): wait on each job by itself instead. */
export class BatchUnsupported extends Error {
  override name = "BatchUnsupported";
}

interface Tracked {
  jobId: string;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  requests: number;
  dueAt: number;
  /** The last delay chosen, to know how far it may be pulled forward to share a batch. */
  lastDelayMs: number;
  backoffAttempt: number;
  failures: number;
  /** The last failed read of this job since it was last seen, a timeout's cause. */
  lastFailure: unknown;
  last: StatusSnapshot | undefined;
  lastPendingAt: number | undefined;
  jobStart: number | undefined;
  size: number | undefined;
}

/**
 * A job due for a poll may wait this share of its interval (at most 250 ms) for others to
 * share its request. Waiting, rather than asking early for jobs due later, never spends a
 * request on a job the server has just said is not done yet.
 */
const COALESCE_SHARE = 0.1;
const COALESCE_MAX_MS = 250;
const MAX_STREAM_DROPS = 3;
const DONE = Symbol("done");

/**
 * Waits on many jobs at once and yields each outcome as soon as it is known. Jobs due for a
 * poll at about the same time are asked in one batch request; with a multiplexed stream, one
 * connection serves a whole batch. Memory is one small record per job still pending.
 */
export async function* waitMany(
  deps: ManyDependencies,
  refs: Iterable<JobRef>,
  options: WaitManyOptions,
): AsyncGenerator<JobOutcome> {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`The wait options must be an object, got ${describe(options)}`);
  }
  validateOptions("wait option", WAIT_MANY_OPTION_RULES, options, WAIT_ALIASES);
  const { batchSize: _size, onProgress: _progress, ...shared } = options;
  const o = resolveWaitOptions({ ...shared, mode: options.mode ?? "auto" });
  const batchSize = options.batchSize ?? 100;
  const { clock, logger } = deps;
  const { signal } = options;
  signal?.throwIfAborted();

  const start = clock.now();
  const deadline = start + o.maxWaitMs;
  const pending = new Map<string, Tracked>();
  const ready: JobOutcome[] = [];
  let wake: (() => void) | undefined;
  // Aborts every sleep, request and stream of this wait: when the caller's signal aborts, or
  // when the last job is settled (then with DONE), so nothing outlives the wait.
  const stop = new AbortController();
  const unlinkStop = forwardAbort(signal, stop);
  // What runs concurrently (a request or a sleep per chunk, a wait per job) follows `stop`
  // through this, not with a listener each on it.
  const fanout = new AbortFanout(stop.signal);
  const emit = (outcome: JobOutcome) => {
    const job = pending.get(outcome.jobId);
    if (!job) return;
    pending.delete(outcome.jobId);
    if (job.onAbort) job.signal?.removeEventListener("abort", job.onAbort);
    ready.push(outcome);
    if (pending.size === 0) stop.abort(DONE);
    wake?.();
  };
  /** Rethrows the caller's abort; swallows the end of the wait. */
  const stopped = (cause: unknown): boolean => {
    if (signal?.aborted) throw signal.reason;
    return stop.signal.aborted && cause === DONE;
  };

  for (const ref of refs) {
    const jobId = typeof ref === "string" ? ref : ref.jobId;
    if (typeof jobId !== "string" || jobId.length === 0) {
      throw new TypeError(`Every job id must be a non-empty string, got ${JSON.stringify(jobId)}`);
    }
    if (pending.has(jobId)) continue;
    const jobSignal = typeof ref === "string" ? undefined : ref.signal;
    const size = typeof ref === "string" ? undefined : ref.size;
    if (size !== undefined && !(typeof size === "number" && size > 0 && Number.isFinite(size))) {
      throw new TypeError(`A job's size must be a positive number, got ${String(size)}`);
    }
    const job: Tracked = {
      jobId,
      signal: jobSignal,
      onAbort: undefined,
      requests: 0,
      dueAt: start,
      lastDelayMs: 0,
      backoffAttempt: 0,
      failures: 0,
      lastFailure: undefined,
      last: undefined,
      lastPendingAt: undefined,
      jobStart: undefined,
      size: size ?? o.size,
    };
    pending.set(jobId, job);
    if (jobSignal?.aborted) {
      emit({ jobId, ok: false, error: jobSignal.reason });
    } else if (jobSignal) {
      job.onAbort = () => emit({ jobId, ok: false, error: jobSignal.reason });
      jobSignal.addEventListener("abort", job.onAbort, { once: true });
    }
  }

  const see = (job: Tracked, snapshot: StatusSnapshot) => {
    const now = clock.now();
    job.failures = 0;
    job.lastFailure = undefined;
    job.jobStart ??= dateOf(snapshot.createdAt) ?? start;
    job.size ??= snapshot.size;
    job.last = snapshot;
    options.onProgress?.(job.jobId, snapshot);
    if (!isTerminal(snapshot.status)) {
      job.lastPendingAt = now;
      return false;
    }
    if (snapshot.status !== "cancelled") {
      learnDuration(deps.model, o.kind, {
        createdAt: dateOf(snapshot.createdAt),
        completedAt: dateOf(snapshot.completedAt),
        lastPendingAt: job.lastPendingAt,
        jobStart: job.jobStart,
        now,
        size: job.size,
      });
    }
    emit({
      jobId: job.jobId,
      ok: true,
      result: {
        status: snapshot.status as TerminalStatus,
        snapshot,
        requests: job.requests,
        elapsedMs: now - start,
        mode: streaming ? "stream" : "poll",
      },
    });
    return true;
  };

  const timeOut = (job: Tracked, cause?: unknown) =>
    emit({
      jobId: job.jobId,
      ok: false,
      error: new WaitTimeoutError(o.maxWaitMs, clock.now() - start, job.last, {
        jobId: job.jobId,
        attempts: job.requests,
        cause: cause ?? job.lastFailure,
      }),
    });

  let streaming = false;
  let batches = true;
  const runner = (async () => {
    try {
      const wantStream = o.mode === "stream";
      if (!wantStream) await pollRound(true);
      if (
        pending.size > 0 &&
        batches &&
        (wantStream || (o.mode === "auto" && deps.streamAdvertised()))
      ) {
        streaming = true;
        await streamAll();
        streaming = false;
      }
      while (pending.size > 0 && batches) {
        const next = Math.min(deadline, ...[...pending.values()].map(latestStart));
        if (next > clock.now()) await clock.sleep(next - clock.now(), stop.signal);
        await pollRound(false);
      }
      if (pending.size > 0 && !batches) await waitEachAlone();
    } catch (cause) {
      if (!stopped(cause)) throw cause;
    }
  })();
  // A failure of the runner surfaces through the iterator below.
  let failure: { error: unknown } | undefined;
  runner.then(
    () => wake?.(),
    (error: unknown) => {
      failure = { error };
      wake?.();
    },
  );

  try {
    for (;;) {
      while (ready.length > 0) yield ready.shift()!;
      if (failure) throw failure.error;
      if (pending.size === 0) {
        await runner;
        while (ready.length > 0) yield ready.shift()!;
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    for (const job of pending.values()) {
      if (job.onAbort) job.signal?.removeEventListener("abort", job.onAbort);
    }
    pending.clear();
    stop.abort(DONE);
    unlinkStop();
  }

  /** When a job's poll must go out at the latest, having waited for company. */
  function latestStart(job: Tracked): number {
    return job.dueAt + Math.min(COALESCE_MAX_MS, job.lastDelayMs * COALESCE_SHARE);
  }

  /** One round of batch polls: every job due by now. */
  async function pollRound(first: boolean): Promise<void> {
    if (stop.signal.aborted) throw stop.signal.reason;
    const now = clock.now();
    const due = [...pending.values()].filter((job) => first || job.dueAt <= now);
    const chunks: Tracked[][] = [];
    for (let i = 0; i < due.length; i += batchSize) chunks.push(due.slice(i, i + batchSize));
    await Promise.all(chunks.map((chunk) => pollChunk(chunk)));
    if (clock.now() >= deadline) {
      for (const job of [...pending.values()]) timeOut(job);
    }
  }

  async function pollChunk(chunk: Tracked[]): Promise<void> {
    const live = chunk.filter((job) => pending.has(job.jobId));
    if (live.length === 0 || !batches) return;
    for (const job of live) job.requests += 1;
    let answer: BatchObservation | undefined;
    let error: unknown;
    try {
      const request = fanout.child();
      try {
        answer = await deps.batch(
          live.map((job) => job.jobId),
          request.signal,
          deadline,
        );
      } finally {
        request.release();
      }
    } catch (cause) {
      if (stopped(cause)) return;
      if (cause instanceof BatchUnsupported) {
        logger?.debug?.("translation-status: no batch endpoint, waiting on each job alone");
        batches = false;
        return;
      }
      if (cause instanceof Error && cause.name === "BudgetDeadlineError") {
        for (const job of live) timeOut(job);
        return;
      }
      const kind = classifyFailure(
        cause,
        live.some((job) => job.last !== undefined),
      );
      if (kind !== "transient") {
        const failure = kind === "misconfigured" ? adviseMisconfiguration(cause) : cause;
        for (const job of live) emit({ jobId: job.jobId, ok: false, error: failure });
        return;
      }
      error = cause;
    }
    const now = clock.now();
    for (const job of live) {
      if (!pending.has(job.jobId)) continue;
      const missing = answer?.missing.get(job.jobId);
      if (missing) {
        emit({ jobId: job.jobId, ok: false, error: missing });
        continue;
      }
      const snapshot = answer?.snapshots.get(job.jobId);
      if (snapshot && see(job, snapshot)) continue;
      if (!snapshot) {
        job.failures += 1;
        job.lastFailure = error;
      }
      if (job.failures >= o.maxConsecutiveFailures) {
        emit({ jobId: job.jobId, ok: false, error });
        continue;
      }
      schedule(
        job,
        now,
        snapshot ? undefined : error,
        answer?.pollAfterMs.get(job.jobId),
        snapshot,
      );
    }
  }

  function schedule(
    job: Tracked,
    now: number,
    error: unknown,
    pollAfterMs: number | undefined,
    snapshot: StatusSnapshot | undefined,
  ): void {
    const remainingMs = deadline - now;
    const delay: ScheduledDelay =
      remainingMs <= 0
        ? { delayMs: 0, source: "deadline" }
        : pollDelay(
            {
              now,
              remainingMs,
              error,
              hints: {
                pollAfterMs,
                retryAfterMs: undefined,
                estimatedCompletionAt: dateOf(snapshot?.estimatedCompletionAt),
              },
              backoffAttempt: job.backoffAttempt,
              age: now - (job.jobStart ?? start),
              size: job.size,
            },
            o as ResolvedOptions,
            deps,
          );
    job.backoffAttempt = delay.source === "backoff" ? job.backoffAttempt + 1 : 0;
    job.lastDelayMs = delay.delayMs;
    job.dueAt = now + delay.delayMs;
  }

  /** Every pending job on multiplexed streams, a batch per connection; back to polls on failure. */
  async function streamAll(): Promise<void> {
    const jobs = [...pending.values()];
    const chunks: Tracked[][] = [];
    for (let i = 0; i < jobs.length; i += batchSize) chunks.push(jobs.slice(i, i + batchSize));
    await Promise.all(chunks.map((chunk) => streamChunk(chunk)));
    if (clock.now() >= deadline) {
      for (const job of [...pending.values()]) timeOut(job);
    }
    // Whatever the streams could not finish goes back to batch polls, due at once.
    for (const job of pending.values()) job.dueAt = clock.now();
  }

  async function streamChunk(chunk: Tracked[]): Promise<void> {
    const state: SseState = { lastEventId: undefined, retryMs: undefined };
    let drops = 0;
    for (;;) {
      const ids = chunk.filter((job) => pending.has(job.jobId)).map((job) => job.jobId);
      if (ids.length === 0 || clock.now() >= deadline) return;
      const controller = new AbortController();
      const unlink = fanout.link(controller);
      const timer = new AbortController();
      clock.sleep(Math.max(0, deadline - clock.now()), timer.signal).then(
        () => controller.abort(new Error("deadline")),
        () => {},
      );
      let delivered = false;
      for (const id of ids) pending.get(id)!.requests += 1;
      try {
        await deps.stream({
          ids,
          signal: controller.signal,
          state,
          idleTimeoutMs: o.streamIdleTimeoutMs,
          notAfter: deadline,
          onSnapshot: (snapshot) => {
            delivered = true;
            const job = snapshot.jobId === undefined ? undefined : pending.get(snapshot.jobId);
            if (job) see(job, snapshot);
          },
          onMissing: (id, error) => {
            delivered = true;
            emit({ jobId: id, ok: false, error });
          },
        });
      } catch (cause) {
        if (stopped(cause)) return;
        if (controller.signal.aborted) return; // the deadline
        if (!(cause instanceof StreamUnavailable) && classifyFailure(cause, true) !== "transient") {
          throw cause;
        }
        logger?.debug?.("translation-status: multiplexed stream failed", cause);
      } finally {
        timer.abort();
        unlink();
      }
      drops += 1;
      if (!delivered || drops >= MAX_STREAM_DROPS) return;
      const pause = fanout.child();
      try {
        await clock.sleep(Math.max(state.retryMs ?? 1_000, o.minIntervalMs), pause.signal);
      } finally {
        pause.release();
      }
    }
  }

  /** No batch endpoint: one plain wait per job, all drawing from the client's budget. */
  async function waitEachAlone(): Promise<void> {
    const remaining = Math.max(0, deadline - clock.now());
    const { mode: _mode, ...single } = shared;
    await Promise.all(
      [...pending.values()].map(async (job) => {
        const controller = new AbortController();
        const unlinkAll = fanout.link(controller);
        const unlinkJob = forwardAbort(job.signal, controller);
        try {
          const result = await deps.waitOne(job.jobId, {
            ...single,
            ...(job.size !== undefined && { size: job.size }),
            jobId: job.jobId,
            maxWaitMs: remaining,
            signal: controller.signal,
          });
          const requests = result.requests + job.requests;
          emit({ jobId: job.jobId, ok: true, result: { ...result, requests } });
        } catch (error) {
          if (stopped(error)) return;
          emit({ jobId: job.jobId, ok: false, error });
        } finally {
          unlinkAll();
          unlinkJob();
        }
      }),
    );
  }
}
