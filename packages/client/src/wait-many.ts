import { BudgetDeadlineError } from "./budget.js";
import { endingError } from "./failure.js";
import { forwardAbort } from "./internal/abort.js";
import { describe, validateOptions } from "./internal/validate.js";
import { JobTracker, dateOf, type TrackerDependencies } from "./engine/job-tracker.js";
import { ModeSelector, reopenPauseMs, worthReopening } from "./engine/mode-selector.js";
import { PendingJobs, type PendingJob } from "./engine/pending-jobs.js";
import { streamSession } from "./engine/stream-session.js";
import { WAIT_ALIASES, WAIT_MANY_OPTION_RULES } from "./option-rules.js";
import type { WaitOptions } from "./options.js";
import { BatchUnsupported, type BatchObservation, type StreamRead } from "./reader.js";
import type { SseState } from "./transport/sse.js";
import { StreamUnavailable } from "./transport/stream.js";
import type { Logger, StatusSnapshot, WaitResult } from "./types.js";
import {
  readJobRefs,
  type JobOutcome,
  type JobRef,
  type WaitManyOptions,
} from "./wait-many-options.js";
import { resolveWaitOptions } from "./wait-options.js";

/** What a wait on many jobs needs from the client: time, the model, and its batch transports. */
export interface ManyDependencies extends TrackerDependencies {
  logger: Logger | undefined;
  /** Ids one batch request or stream may carry at most. */
  maxIds: number;
  /** Whether the API has multiplexed streams; without, `stream` mode polls in batches. */
  streams: boolean;
  /** One batch read; throws BatchUnsupported if the server cannot answer it. */
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
    onRead: (read: StreamRead) => void;
  }): Promise<void>;
  /** A plain single wait, for servers without batches. */
  waitOne(jobId: string, options: WaitOptions): Promise<WaitResult>;
}

/** One job of the wait: its tracker, its own signal, and when its next poll is due. */
interface Pending extends PendingJob {
  job: JobTracker;
  dueAt: number;
  /** The last delay chosen, to know how far it may be pulled forward to share a batch. */
  lastDelayMs: number;
}

/**
 * A job due for a poll may wait this share of its interval (at most 250 ms) for others to
 * share its request. Waiting, rather than asking early for jobs due later, never spends a
 * request on a job the server has just said is not done yet.
 */
const COALESCE_SHARE = 0.1;
const COALESCE_MAX_MS = 250;

/**
 * Waits on many jobs at once and yields each outcome as soon as it is known. Jobs due for a
 * poll at about the same time are asked in one batch request; with a multiplexed stream, one
 * connection serves a whole batch. Each job keeps its own tracker, as a single wait does, and
 * one mode selector steps the whole wait down from stream to batch polls. Memory is one small
 * record per job still pending.
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
  const batchSize = Math.min(options.batchSize ?? 100, deps.maxIds);
  const { clock, logger } = deps;
  const { signal } = options;
  signal?.throwIfAborted();

  const start = clock.now();
  const deadline = start + o.maxWaitMs;
  const jobs = readJobRefs(refs);
  const pending = new PendingJobs<Pending>(signal);
  const { fanout } = pending;
  const modes = new ModeSelector(deps.streams || o.mode !== "stream" ? o : { ...o, mode: "poll" });
  let batches = true;
  for (const { jobId, signal: jobSignal, size } of jobs) {
    pending.add({
      job: new JobTracker(jobId, o, deps, { start, deadline, size }),
      jobId,
      signal: jobSignal,
      onAbort: undefined,
      dueAt: start,
      lastDelayMs: 0,
    });
  }

  const emit = (outcome: JobOutcome) => pending.settle(outcome);
  const stopped = (cause: unknown) => pending.stopped(cause);
  /** Takes in one status of a job; settles it when terminal. */
  const see = (entry: Pending, snapshot: StatusSnapshot): boolean => {
    const { job } = entry;
    const terminal = job.observe(snapshot);
    options.onProgress?.(entry.jobId, snapshot);
    if (terminal) emit({ jobId: entry.jobId, ok: true, result: job.result(snapshot, modes.mode) });
    return terminal;
  };
  const timeOut = (entry: Pending) =>
    emit({ jobId: entry.jobId, ok: false, error: entry.job.timeout() });
  const end = (entries: Pending[], error: unknown) => {
    for (const entry of entries) emit({ jobId: entry.jobId, ok: false, error });
  };

  yield* pending.drain(async () => {
    let advertised = false;
    if (modes.mode !== "stream") advertised = await pollRound(true);
    modes.discover({ stream: advertised });
    if (pending.size > 0 && batches && modes.mode === "stream") {
      await streamAll();
      modes.stepDown();
    }
    while (pending.size > 0 && batches) {
      const next = Math.min(deadline, ...pending.list().map(latestStart));
      if (next > clock.now()) await clock.sleep(next - clock.now(), pending.stopSignal);
      await pollRound(false);
    }
    if (pending.size > 0 && !batches) await waitEachAlone();
  });

  /** When a job's poll must go out at the latest, having waited for company. */
  function latestStart(entry: Pending): number {
    return entry.dueAt + Math.min(COALESCE_MAX_MS, entry.lastDelayMs * COALESCE_SHARE);
  }

  function chunksOf(entries: Pending[]): Pending[][] {
    const chunks: Pending[][] = [];
    for (let i = 0; i < entries.length; i += batchSize)
      chunks.push(entries.slice(i, i + batchSize));
    return chunks;
  }

  /** One round of batch polls: every job due by now. True when an answer advertised a stream. */
  async function pollRound(first: boolean): Promise<boolean> {
    if (pending.stopSignal.aborted) throw pending.stopSignal.reason;
    const now = clock.now();
    const due = pending.list().filter((entry) => first || entry.dueAt <= now);
    const advertised = await Promise.all(chunksOf(due).map((chunk) => pollChunk(chunk)));
    if (clock.now() >= deadline) {
      for (const entry of pending.list()) timeOut(entry);
    }
    return advertised.includes(true);
  }

  async function pollChunk(chunk: Pending[]): Promise<boolean> {
    const live = chunk.filter((entry) => pending.has(entry.jobId));
    if (live.length === 0 || !batches) return false;
    for (const { job } of live) job.requests += 1;
    let answer: BatchObservation | undefined;
    let error: unknown;
    try {
      const request = fanout.child();
      try {
        answer = await deps.batch(
          live.map((entry) => entry.jobId),
          request.signal,
          deadline,
        );
      } finally {
        request.release();
      }
    } catch (cause) {
      if (stopped(cause)) return false;
      if (cause instanceof BatchUnsupported) {
        logger?.debug?.("translation-status: no batch reads, waiting on each job alone");
        batches = false;
        return false;
      }
      if (cause instanceof BudgetDeadlineError) {
        // The client's own request budget has no room before the deadline: a timeout, and a
        // request never sent, as in a single wait.
        for (const entry of live) {
          entry.job.requests -= 1;
          timeOut(entry);
        }
        return false;
      }
      const ending = endingError(
        cause,
        live.some((entry) => entry.job.contacted),
      );
      if (ending !== undefined) {
        end(live, ending);
        return false;
      }
      error = cause;
    }
    for (const entry of live) {
      if (!pending.has(entry.jobId)) continue;
      const missing = answer?.missing.get(entry.jobId);
      if (missing) {
        emit({ jobId: entry.jobId, ok: false, error: missing });
        continue;
      }
      const snapshot = answer?.snapshots.get(entry.jobId);
      if (snapshot && see(entry, snapshot)) continue;
      if (!snapshot && entry.job.fail(error)) {
        emit({ jobId: entry.jobId, ok: false, error });
        continue;
      }
      const delay = entry.job.nextDelay(
        {
          pollAfterMs: answer?.pollAfterMs.get(entry.jobId),
          retryAfterMs: undefined,
          estimatedCompletionAt: dateOf(snapshot?.estimatedCompletionAt),
        },
        snapshot ? undefined : error,
      );
      entry.lastDelayMs = delay.delayMs;
      entry.dueAt = clock.now() + delay.delayMs;
    }
    return answer?.streamAdvertised ?? false;
  }

  /** Every pending job on multiplexed streams, a batch per connection; back to polls on failure. */
  async function streamAll(): Promise<void> {
    await Promise.all(chunksOf(pending.list()).map((chunk) => streamChunk(chunk)));
    if (clock.now() >= deadline) {
      for (const entry of pending.list()) timeOut(entry);
    }
    // Whatever the streams could not finish goes back to batch polls, due at once.
    for (const entry of pending.list()) entry.dueAt = clock.now();
  }

  async function streamChunk(chunk: Pending[]): Promise<void> {
    const state: SseState = { lastEventId: undefined, retryMs: undefined };
    for (let drops = 1; ; drops += 1) {
      const live = chunk.filter((entry) => pending.has(entry.jobId));
      if (live.length === 0 || clock.now() >= deadline) return;
      let delivered = false;
      for (const { job } of live) job.requests += 1;
      const ended = await streamSession(
        clock,
        deadline,
        (controller) => fanout.link(controller),
        (streamSignal) =>
          deps.stream({
            ids: live.map((entry) => entry.jobId),
            signal: streamSignal,
            state,
            idleTimeoutMs: o.streamIdleTimeoutMs,
            notAfter: deadline,
            onRead: (read) => {
              if (read.type === "missing") {
                delivered = true;
                emit({ jobId: read.id, ok: false, error: read.error });
              } else if (read.type === "job") {
                delivered = true;
                const { jobId } = read.observation.snapshot;
                const entry = jobId === undefined ? undefined : pending.get(jobId);
                if (entry) see(entry, read.observation.snapshot);
              }
            },
          }),
      );
      if (ended.kind === "deadline") return;
      if (ended.kind === "failed") {
        if (stopped(ended.error)) return;
        const ending =
          ended.error instanceof StreamUnavailable
            ? undefined
            : endingError(
                ended.error,
                live.some((entry) => entry.job.contacted),
              );
        if (ending !== undefined) {
          end(live, ending);
          return;
        }
        logger?.debug?.("translation-status: multiplexed stream failed", ended.error);
      }
      if (!worthReopening(delivered, drops)) return;
      const pause = fanout.child();
      try {
        const remainingMs = Math.max(0, deadline - clock.now());
        await clock.sleep(reopenPauseMs(state, o, remainingMs), pause.signal);
      } finally {
        pause.release();
      }
    }
  }

  /** No batch reads: one plain wait per job, all drawing from the client's budget. */
  async function waitEachAlone(): Promise<void> {
    const remaining = Math.max(0, deadline - clock.now());
    const { mode: _mode, ...single } = shared;
    await Promise.all(
      pending.list().map(async (entry) => {
        const controller = new AbortController();
        const unlinkAll = fanout.link(controller);
        const unlinkJob = forwardAbort(entry.signal, controller);
        try {
          const result = await deps.waitOne(entry.jobId, {
            ...single,
            ...(entry.job.size !== undefined && { size: entry.job.size }),
            jobId: entry.jobId,
            maxWaitMs: remaining,
            signal: controller.signal,
          });
          const requests = result.requests + entry.job.requests;
          emit({ jobId: entry.jobId, ok: true, result: { ...result, requests } });
        } catch (error) {
          if (stopped(error)) return;
          emit({ jobId: entry.jobId, ok: false, error });
        } finally {
          unlinkAll();
          unlinkJob();
        }
      }),
    );
  }
}
