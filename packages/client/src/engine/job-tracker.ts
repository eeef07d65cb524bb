import { WaitTimeoutError } from "../errors/WaitTimeoutError.js";
import { retryOptions } from "../failure.js";
import type { ServerHints } from "../hints.js";
import { learnDuration, type DurationModel } from "../learned.js";
import { learnedDelay, learnedTarget } from "../learned-schedule.js";
import { isTerminal } from "../parse.js";
import { nextDelay, type ScheduledDelay } from "../schedule.js";
import type { Clock, StatusSnapshot, TerminalStatus, WaitMode, WaitResult } from "../types.js";
import type { ResolvedOptions } from "../wait-options.js";

/** What a tracker needs besides the options: time, randomness for jitter, the learned model. */
export interface TrackerDependencies {
  clock: Clock;
  random: () => number;
  model: DurationModel;
}

/** The hints a next delay can follow. */
export type DelayHints = Pick<
  ServerHints,
  "pollAfterMs" | "retryAfterMs" | "estimatedCompletionAt"
>;

/**
 * One job's wait, whatever reads it: what was seen of the job, the requests and failures so
 * far, what to learn when it ends, when to ask next, and how the wait ends. A single wait and a
 * wait on many jobs keep one each, so both follow the same rules.
 */
export class JobTracker {
  /** Requests made for this job, failed ones included. */
  requests = 0;
  /** The last status seen. */
  last: StatusSnapshot | undefined;
  /** Failed requests since the job was last seen. */
  failures = 0;
  /** The last failure since the job was last seen: a timeout's cause. */
  lastFailure: unknown;
  /** The job's size, from the caller or the status answer. */
  size: number | undefined;
  readonly #deps: TrackerDependencies;
  readonly #o: ResolvedOptions;
  readonly #start: number;
  readonly #deadline: number;
  #backoffAttempt = 0;
  #lastPendingAt: number | undefined;
  #jobStart: number | undefined;

  constructor(
    readonly jobId: string | undefined,
    o: ResolvedOptions,
    deps: TrackerDependencies,
    window: { start: number; deadline: number; size?: number | undefined },
  ) {
    this.#o = o;
    this.#deps = deps;
    this.#start = window.start;
    this.#deadline = window.deadline;
    this.size = window.size ?? o.size;
  }

  /** Whether the job has been read at least once: after that, some failures are outages. */
  get contacted(): boolean {
    return this.last !== undefined;
  }

  /** Time left before the deadline. */
  remainingMs(): number {
    return this.#deadline - this.#deps.clock.now();
  }

  /** Takes in one status; true when it is terminal, and then its duration is learned. */
  observe(snapshot: StatusSnapshot): boolean {
    const now = this.#deps.clock.now();
    this.failures = 0;
    this.lastFailure = undefined;
    this.#jobStart ??= dateOf(snapshot.createdAt) ?? this.#start;
    this.size ??= snapshot.size;
    this.last = snapshot;
    if (!isTerminal(snapshot.status)) {
      this.#lastPendingAt = now;
      return false;
    }
    if (snapshot.status !== "cancelled") {
      learnDuration(this.#deps.model, this.#o.kind, {
        createdAt: dateOf(snapshot.createdAt),
        completedAt: dateOf(snapshot.completedAt),
        lastPendingAt: this.#lastPendingAt,
        jobStart: this.#jobStart,
        now,
        size: this.size,
      });
    }
    return true;
  }

  /** Counts a failed request worth retrying; true when it is one too many in a row. */
  fail(error: unknown): boolean {
    this.lastFailure = error;
    this.failures += 1;
    return this.failures >= this.#o.maxConsecutiveFailures;
  }

  /**
   * The delay before the next request for this job, by the schedule's order of authority:
   * the caller's interval, the server's hints (or the failure's Retry-After), the learned
   * schedule, backoff; clamped to the deadline.
   */
  nextDelay(hints: DelayHints | undefined, error: unknown): ScheduledDelay {
    const now = this.#deps.clock.now();
    const remainingMs = this.#deadline - now;
    const delay: ScheduledDelay =
      remainingMs <= 0
        ? { delayMs: 0, source: "deadline" }
        : pollDelay(
            {
              now,
              remainingMs,
              error,
              hints,
              backoffAttempt: this.#backoffAttempt,
              age: now - (this.#jobStart ?? this.#start),
              size: this.size,
            },
            this.#o,
            this.#deps,
          );
    this.#backoffAttempt = delay.source === "backoff" ? this.#backoffAttempt + 1 : 0;
    return delay;
  }

  /** The result of a wait that saw `snapshot`, terminal. */
  result(snapshot: StatusSnapshot, mode: Exclude<WaitMode, "auto">): WaitResult {
    return {
      status: snapshot.status as TerminalStatus,
      snapshot,
      requests: this.requests,
      elapsedMs: this.#deps.clock.now() - this.#start,
      mode,
    };
  }

  /** The error of a wait that reached its deadline: the last status, the last failure. */
  timeout(cause?: unknown): WaitTimeoutError {
    return new WaitTimeoutError(
      this.#o.maxWaitMs,
      this.#deps.clock.now() - this.#start,
      this.last,
      {
        jobId: this.jobId,
        attempts: this.requests,
        cause: cause ?? this.lastFailure,
      },
    );
  }
}

/** What one job's next poll depends on. */
interface PollContext {
  now: number;
  remainingMs: number;
  /** The last request's failure, if it failed. */
  error: unknown;
  hints: DelayHints | undefined;
  backoffAttempt: number;
  /** How long the job has been running. */
  age: number;
  size: number | undefined;
}

function pollDelay(
  context: PollContext,
  o: ResolvedOptions,
  deps: TrackerDependencies,
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

/** An ISO date in epoch ms; undefined when absent or unreadable. */
export function dateOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}
