import { WaitTimeoutError } from "./errors/WaitTimeoutError.js";
import { WAIT_DEFAULTS, checkNumber, type WaitOptions } from "./options.js";
import { isTerminal } from "./parse.js";
import { nextDelay, type BackoffOptions } from "./schedule.js";
import { isRetryable } from "./transport/retryable.js";
import type { Clock, Logger, StatusSnapshot, TerminalStatus, WaitResult } from "./types.js";

/** One request for the job's status; `attempt` is 1-based and goes into any error thrown. */
export type PollOnce = (
  attempt: number,
  signal: AbortSignal | undefined,
) => Promise<StatusSnapshot>;

export interface WaitDependencies {
  poll: PollOnce;
  clock: Clock;
  random: () => number;
  logger: Logger | undefined;
}

type ResolvedOptions = BackoffOptions & { maxWaitMs: number; maxConsecutiveFailures: number };

/** Applies defaults once and rejects bad values with a TypeError that names the option. */
export function resolveWaitOptions(options: WaitOptions): ResolvedOptions {
  const resolved = {
    maxWaitMs: options.maxWaitMs ?? WAIT_DEFAULTS.maxWaitMs,
    initialIntervalMs: options.initialIntervalMs ?? WAIT_DEFAULTS.initialIntervalMs,
    backoffFactor: options.backoffFactor ?? WAIT_DEFAULTS.backoffFactor,
    maxIntervalMs: options.maxIntervalMs ?? WAIT_DEFAULTS.maxIntervalMs,
    jitter: options.jitter ?? WAIT_DEFAULTS.jitter,
    maxConsecutiveFailures: options.maxConsecutiveFailures ?? WAIT_DEFAULTS.maxConsecutiveFailures,
  };
  checkNumber("maxWaitMs", resolved.maxWaitMs, {});
  checkNumber("initialIntervalMs", resolved.initialIntervalMs, { max: Number.MAX_SAFE_INTEGER });
  checkNumber("backoffFactor", resolved.backoffFactor, { min: 1, max: 1_000 });
  checkNumber("maxIntervalMs", resolved.maxIntervalMs, { max: Number.MAX_SAFE_INTEGER });
  checkNumber("jitter", resolved.jitter, { max: 1 });
  checkNumber("maxConsecutiveFailures", resolved.maxConsecutiveFailures, { min: 1, integer: true });
  return resolved;
}

/**
 * The wait loop: poll at once, then sleep for what the schedule says, until the job is terminal,
 * the deadline passes, a failure cannot be retried, or the signal aborts. All the timing policy
 * lives in the schedule; this only sleeps, asks and reacts.
 */
export async function waitLoop(deps: WaitDependencies, options: WaitOptions): Promise<WaitResult> {
  const resolved = resolveWaitOptions(options);
  const { clock, logger } = deps;
  const { signal, jobId } = options;
  signal?.throwIfAborted();

  const start = clock.now();
  const deadline = start + resolved.maxWaitMs;
  let attempt = 0;
  let failures = 0;
  let last: StatusSnapshot | undefined;

  for (;;) {
    attempt += 1;
    let snapshot: StatusSnapshot | undefined;
    let error: unknown;
    try {
      snapshot = await deps.poll(attempt, signal);
    } catch (cause) {
      if (signal?.aborted) throw signal.reason;
      if (!isRetryable(cause)) throw cause;
      error = cause;
      failures += 1;
    }

    const elapsedMs = clock.now() - start;
    const report = (nextPollInMs: number | undefined) =>
      options.onPoll?.({ attempt, elapsedMs, snapshot, error, nextPollInMs });

    if (snapshot) {
      failures = 0;
      if (snapshot.status !== last?.status) options.onStatusChange?.(snapshot, last);
      last = snapshot;
      if (isTerminal(snapshot.status)) {
        report(undefined);
        logger?.debug?.(`translation-status: ${jobId ?? "status"} is ${snapshot.status}`);
        return {
          status: snapshot.status as TerminalStatus,
          snapshot,
          requests: attempt,
          elapsedMs,
        };
      }
    } else if (failures >= resolved.maxConsecutiveFailures) {
      report(undefined);
      throw error;
    }

    const remainingMs = deadline - clock.now();
    if (remainingMs <= 0) {
      report(undefined);
      throw new WaitTimeoutError(resolved.maxWaitMs, elapsedMs, last, {
        jobId,
        attempts: attempt,
        cause: error,
      });
    }

    const retryAfterMs = (error as { retryAfterMs?: number } | undefined)?.retryAfterMs;
    const delay = nextDelay({ attempt, remainingMs, retryAfterMs }, resolved, deps.random);
    report(delay);
    if (error) {
      logger?.warn?.(
        `translation-status: poll ${attempt} failed, retrying in ${Math.round(delay)} ms`,
        error,
      );
    } else {
      logger?.debug?.(
        `translation-status: poll ${attempt}: ${last?.status}, next in ${Math.round(delay)} ms`,
      );
    }
    await clock.sleep(delay, signal);
  }
}
