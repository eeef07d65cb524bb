import { BudgetDeadlineError } from "./budget.js";
import { WaitTimeoutError } from "./errors/WaitTimeoutError.js";
import type { ServerHints } from "./hints.js";
import { forwardAbort } from "./internal/abort.js";
import { learnDuration, type DurationModel } from "./learned.js";
import { learnedDelay, learnedTarget } from "./learned-schedule.js";
import type { WaitOptions } from "./options.js";
import { resolveWaitOptions, type ResolvedOptions } from "./wait-options.js";
import { isTerminal } from "./parse.js";
import { nextDelay, type ScheduledDelay } from "./schedule.js";
import { adviseMisconfiguration, classifyFailure, retryOptions } from "./failure.js";
import type { SseState } from "./transport/sse.js";
import { StreamUnavailable } from "./transport/stream.js";
import type {
  Clock,
  Logger,
  StatusSnapshot,
  TerminalStatus,
  WaitMode,
  WaitResult,
} from "./types.js";

/** One status and everything the response said besides. */
export interface Observation {
  snapshot: StatusSnapshot;
  hints: ServerHints;
}

type Mode = Exclude<WaitMode, "auto">;

/** The transports, one contract: observe the job, or throw a documented error. */
export interface WaitDependencies {
  /** The URL polled; a stream's URL defaults to it plus `/events`. */
  statusUrl: string;
  /** One GET; with `preferWaitMs`, a long-poll. */
  poll(request: {
    attempt: number;
    signal: AbortSignal | undefined;
    preferWaitMs: number | undefined;
    /** The deadline: the request must not start later, even waiting for the budget. */
    notAfter: number;
  }): Promise<Observation>;
  /** One stream connection; resolves true when `onObservation` returned true (terminal). */
  stream(request: {
    attempt: number;
    url: string;
    signal: AbortSignal;
    state: SseState;
    idleTimeoutMs: number;
    notAfter: number;
    onObservation: (observation: Observation) => boolean;
  }): Promise<boolean>;
  clock: Clock;
  random: () => number;
  logger: Logger | undefined;
  model: DurationModel;
}

/** Stream drops tolerated in one wait before falling back to requests. */
const MAX_STREAM_DROPS = 3;

/** Marks the abort of a stream at the wait's deadline, as opposed to the caller's abort. */
const DEADLINE = Symbol("deadline");

/**
 * The wait loop: observe the job, then sleep for what the schedule says, until the job is
 * terminal, the deadline passes, a failure cannot be retried, or the signal aborts. Timing
 * policy lives in the schedule and the learned model; this only observes, sleeps and reacts,
 * and steps down from stream to long-poll to poll when a transport does not work out.
 */
export async function waitLoop(deps: WaitDependencies, options: WaitOptions): Promise<WaitResult> {
  const o = resolveWaitOptions(options);
  const { clock, logger } = deps;
  const { signal, jobId } = options;
  signal?.throwIfAborted();

  const start = clock.now();
  const deadline = start + o.maxWaitMs;
  let attempt = 0;
  let failures = 0;
  // The failure a timeout reports as its cause, even when the request at the deadline could
  // not be sent at all.
  let lastFailure: unknown;
  let backoffAttempt = 0;
  let streamDrops = 0;
  let last: StatusSnapshot | undefined;
  let lastPendingAt: number | undefined;
  let jobStart: number | undefined;
  let size = o.size;
  // `auto` starts with one plain poll, whose answer says what else the server offers.
  let discovering = o.mode === "auto";
  let mode: Mode = o.mode === "auto" ? "poll" : o.mode;
  let eventsUrl = `${deps.statusUrl}/events`;
  let longPollMaxMs: number | undefined;
  let canLongPoll = o.mode === "long-poll";
  // Whether the last request was a long-poll the server really held: only then may the next
  // one follow at once without breaking minIntervalMs.
  let lastHeld = false;
  const sse: SseState = { lastEventId: undefined, retryMs: undefined };

  const stepDown = () => {
    mode = mode === "stream" && canLongPoll ? "long-poll" : "poll";
    logger?.debug?.(`translation-status: falling back to ${mode}`);
  };

  /** Takes in one observation; returns the result when it is terminal. */
  const see = ({ snapshot, hints }: Observation): WaitResult | undefined => {
    failures = 0;
    lastFailure = undefined;
    const now = clock.now();
    jobStart ??= dateOf(snapshot.createdAt) ?? start;
    size ??= snapshot.size;
    if (snapshot.status !== last?.status) options.onStatusChange?.(snapshot, last);
    options.onProgress?.({
      snapshot,
      progress: snapshot.progress,
      estimatedCompletionAt: hints.estimatedCompletionAt,
      mode,
    });
    last = snapshot;
    if (!isTerminal(snapshot.status)) {
      lastPendingAt = now;
      return undefined;
    }
    learn(snapshot, now);
    return {
      status: snapshot.status as TerminalStatus,
      snapshot,
      requests: attempt,
      elapsedMs: now - start,
      mode,
    };
  };

  const learn = (snapshot: StatusSnapshot, now: number) => {
    if (snapshot.status === "cancelled") return;
    learnDuration(deps.model, o.kind, {
      createdAt: dateOf(snapshot.createdAt),
      completedAt: dateOf(snapshot.completedAt),
      lastPendingAt,
      jobStart,
      now,
      size,
    });
  };

  for (;;) {
    signal?.throwIfAborted();
    attempt += 1;
    const requestMode = mode;
    let observation: Observation | undefined;
    let result: WaitResult | undefined;
    let error: unknown;
    let reachedDeadline = false;
    let nextMode: Mode | undefined;

    try {
      if (mode === "stream") {
        const outcome = await streamOnce(attempt);
        ({ result, observation, reachedDeadline } = outcome);
        if (outcome.error !== undefined) {
          if (
            !(outcome.error instanceof StreamUnavailable) &&
            classifyFailure(outcome.error, last !== undefined) !== "transient"
          ) {
            throw outcome.error;
          }
          logger?.debug?.("translation-status: stream failed", outcome.error);
        }
        if (!result && !reachedDeadline) {
          // A stream that delivered something is worth reconnecting to, a few times; one that
          // delivered nothing (refused, not a stream, buffered by a proxy) is not.
          streamDrops += 1;
          if (!outcome.delivered || streamDrops >= MAX_STREAM_DROPS) nextMode = "poll";
        }
      } else {
        const remaining = deadline - clock.now();
        const preferWaitMs =
          mode === "long-poll"
            ? Math.min(o.longPollWaitMs, longPollMaxMs ?? Infinity, Math.max(0, remaining))
            : undefined;
        const sentAt = clock.now();
        lastHeld = false;
        observation = await deps.poll({ attempt, signal, preferWaitMs, notAfter: deadline });
        result = see(observation);
        if (
          !result &&
          mode === "long-poll" &&
          preferWaitMs !== undefined &&
          preferWaitMs >= 1_000
        ) {
          const held = clock.now() - sentAt;
          const applied = observation.hints.waitAppliedMs;
          // Still pending, and the server did not say it held the request, or did not hold it:
          // it cannot long-poll, and asking again at once would be a tight loop.
          if (applied === undefined || (applied > 0 && held < applied / 2)) nextMode = "poll";
          else lastHeld = true;
        }
      }
    } catch (cause) {
      if (signal?.aborted) throw signal.reason;
      if (cause instanceof BudgetDeadlineError) {
        // The client's own request budget has no room before the deadline: that is a timeout.
        attempt -= 1;
        reachedDeadline = true;
      } else {
        const kind = classifyFailure(cause, last !== undefined);
        if (kind === "misconfigured") throw adviseMisconfiguration(cause);
        if (kind === "fatal") throw cause;
        error = cause;
        lastFailure = cause;
        failures += 1;
      }
    }

    const elapsedMs = clock.now() - start;
    const report = (delay: ScheduledDelay | undefined) =>
      options.onPoll?.({
        attempt,
        mode: requestMode,
        elapsedMs,
        snapshot: observation?.snapshot,
        error,
        nextPollInMs: delay?.delayMs,
        delaySource: delay?.source,
      });

    if (result) {
      report(undefined);
      logger?.debug?.(`translation-status: ${jobId ?? "status"} is ${result.status}`);
      return result;
    }
    if (error !== undefined && failures >= o.maxConsecutiveFailures) {
      report(undefined);
      throw error;
    }

    // Choose how to observe next.
    if (nextMode !== undefined) stepDown();
    if (discovering && observation) {
      discovering = false;
      const { hints } = observation;
      if (hints.longPoll) {
        canLongPoll = true;
        longPollMaxMs = hints.longPoll.maxWaitMs;
      }
      if (hints.eventsUrl) {
        eventsUrl = hints.eventsUrl;
        mode = "stream";
      } else if (hints.longPoll) {
        mode = "long-poll";
      }
    }

    const remainingMs = deadline - clock.now();
    if (reachedDeadline || remainingMs <= 0) {
      report(undefined);
      throw new WaitTimeoutError(o.maxWaitMs, elapsedMs, last, {
        jobId,
        attempts: attempt,
        cause: error ?? lastFailure,
      });
    }

    const delay = schedule(observation?.hints, error, remainingMs, requestMode);
    report(delay);
    if (error !== undefined) {
      const what = error instanceof Error ? error.message : String(error);
      logger?.warn?.(
        `translation-status: request ${attempt} (${requestMode}) failed, retrying in ${Math.round(delay.delayMs)} ms: ${what}`,
        error,
      );
    } else {
      logger?.debug?.(
        `translation-status: request ${attempt} (${requestMode}): ${last?.status}, next in ${Math.round(delay.delayMs)} ms (${delay.source}, ${mode})`,
      );
    }
    await clock.sleep(delay.delayMs, signal);
  }

  /** The delay before the next request, for the mode the wait is now in. */
  function schedule(
    hints: ServerHints | undefined,
    error: unknown,
    remainingMs: number,
    requestMode: Mode,
  ): ScheduledDelay {
    const failed = error !== undefined;
    if (requestMode === "stream" && mode !== "stream") {
      // Just stepped down from a stream that gave nothing: ask plainly, at once.
      return { delayMs: Math.min(o.minIntervalMs, remainingMs), source: "backoff" };
    }
    if (!failed && mode === "stream") {
      // Straight into a new stream; after a drop, after the pause the server asked for.
      const pause = requestMode === "stream" ? Math.max(sse.retryMs ?? 1_000, o.minIntervalMs) : 0;
      const delayMs = Math.min(pause, o.maxIntervalMs, remainingMs);
      return { delayMs, source: delayMs === remainingMs && pause > 0 ? "deadline" : "stream" };
    }
    const now = clock.now();
    const delay = pollDelay(
      {
        now,
        remainingMs,
        error,
        hints,
        backoffAttempt,
        age: now - (jobStart ?? start),
        size,
      },
      o,
      deps,
    );
    backoffAttempt = delay.source === "backoff" ? backoffAttempt + 1 : 0;
    if (!failed && mode === "long-poll" && delay.source !== "deadline") {
      const soonest = lastHeld ? 0 : o.minIntervalMs;
      // A held request paces itself: with nothing better to go on, ask again at once.
      if (delay.source === "backoff") return { delayMs: soonest, source: "backoff" };
      // Start the hold early enough that it spans the estimated completion: a hint meant for
      // polling ("just after the window") would otherwise sleep past a job that ends early.
      const estimated = hints?.estimatedCompletionAt;
      if (estimated !== undefined) {
        const hold = Math.min(o.longPollWaitMs, longPollMaxMs ?? Infinity);
        const spanning = Math.max(soonest, estimated - now - hold / 2);
        if (spanning < delay.delayMs) return { delayMs: spanning, source: "estimate" };
      }
    }
    return delay;
  }

  /** One stream connection, cut at the deadline. */
  async function streamOnce(requestAttempt: number) {
    const controller = new AbortController();
    const unlink = forwardAbort(signal, controller);
    const timer = new AbortController();
    clock.sleep(Math.max(0, deadline - clock.now()), timer.signal).then(
      () => controller.abort(DEADLINE),
      () => {},
    );
    let result: WaitResult | undefined;
    let observation: Observation | undefined;
    let delivered = false;
    let reachedDeadline = false;
    let error: unknown;
    try {
      await deps.stream({
        attempt: requestAttempt,
        url: eventsUrl,
        signal: controller.signal,
        state: sse,
        idleTimeoutMs: o.streamIdleTimeoutMs,
        notAfter: deadline,
        onObservation: (seen) => {
          delivered = true;
          observation = seen;
          result = see(seen);
          return result !== undefined;
        },
      });
    } catch (cause) {
      if (signal?.aborted) throw signal.reason;
      if (cause === DEADLINE || cause instanceof BudgetDeadlineError) reachedDeadline = true;
      else error = cause;
    } finally {
      timer.abort();
      unlink();
    }
    return { result, observation, delivered, reachedDeadline, error };
  }
}

/** What one job's next poll depends on. */
export interface PollContext {
  now: number;
  remainingMs: number;
  /** The last request's failure, if it failed. */
  error: unknown;
  hints: Pick<ServerHints, "pollAfterMs" | "retryAfterMs" | "estimatedCompletionAt"> | undefined;
  backoffAttempt: number;
  /** How long the job has been running. */
  age: number;
  /** The job's size, from the options or the status answer. */
  size?: number | undefined;
}

/**
 * The delay before a job's next poll, from its last answer (or failure), what was learned of
 * its kind, and the options: shared by a single wait and a wait on many jobs.
 */
export function pollDelay(
  context: PollContext,
  o: ResolvedOptions,
  deps: Pick<WaitDependencies, "model" | "random">,
): ScheduledDelay {
  const { now, hints, error } = context;
  const failed = error !== undefined;
  // A failed request is retried after at most MAX_RETRY_DELAY_MS, so the wait learns of the
  // job within one such interval after an outage ends.
  const options = failed ? retryOptions(o) : o;
  return nextDelay(
    {
      backoffAttempt: context.backoffAttempt + 1,
      remainingMs: context.remainingMs,
      failed,
      pollAfterMs: hints?.pollAfterMs,
      retryAfterMs: failed
        ? (error as { retryAfterMs?: number }).retryAfterMs
        : hints?.retryAfterMs,
      estimatedRemainingMs:
        hints?.estimatedCompletionAt === undefined ? undefined : hints.estimatedCompletionAt - now,
      learnedDelayMs: learnedDelay(
        deps.model,
        {
          kind: o.kind,
          size: context.size ?? o.size,
          expectedDurationMs: o.expectedDurationMs,
          ageMs: context.age,
        },
        learnedTarget(o),
      ),
    },
    options,
    deps.random,
  );
}

export function dateOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}
