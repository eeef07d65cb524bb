import { BudgetDeadlineError } from "./budget.js";
import { endingError } from "./failure.js";
import type { Observation } from "./hints.js";
import { forwardAbort } from "./internal/abort.js";
import type { DurationModel } from "./learned.js";
import type { WaitOptions } from "./options.js";
import type { ScheduledDelay } from "./schedule.js";
import { JobTracker } from "./engine/job-tracker.js";
import { ModeSelector } from "./engine/mode-selector.js";
import { streamSession } from "./engine/stream-session.js";
import type { SseState } from "./transport/sse.js";
import { StreamUnavailable } from "./transport/stream.js";
import type { Clock, Logger, WaitResult } from "./types.js";
import { resolveWaitOptions } from "./wait-options.js";

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

/** What one request of the wait came to. */
interface Step {
  observation?: Observation | undefined;
  result?: WaitResult | undefined;
  error?: unknown;
  reachedDeadline?: boolean;
  /** The mode did not work out: step down before the next request. */
  stepDown?: boolean;
}

/**
 * The wait loop: observe the job, then sleep for what the schedule says, until the job is
 * terminal, the deadline passes, a failure cannot be retried, or the signal aborts. The job's
 * tracker keeps what was seen and chooses the next delay; the mode selector chooses how to
 * observe (stream, long-poll, poll) and steps down when one does not work out.
 */
export async function waitLoop(deps: WaitDependencies, options: WaitOptions): Promise<WaitResult> {
  const o = resolveWaitOptions(options);
  const { clock, logger } = deps;
  const { signal, jobId } = options;
  signal?.throwIfAborted();

  const start = clock.now();
  const deadline = start + o.maxWaitMs;
  const job = new JobTracker(jobId, o, deps, { start, deadline });
  const modes = new ModeSelector(o, `${deps.statusUrl}/events`);

  /** Takes in one observation; returns the result when it is terminal. */
  const see = ({ snapshot, hints }: Observation): WaitResult | undefined => {
    const previous = job.last;
    if (snapshot.status !== previous?.status) options.onStatusChange?.(snapshot, previous);
    options.onProgress?.({
      snapshot,
      progress: snapshot.progress,
      estimatedCompletionAt: hints.estimatedCompletionAt,
      mode: modes.mode,
    });
    return job.observe(snapshot) ? job.result(snapshot, modes.mode) : undefined;
  };

  /** One plain poll or long-poll. */
  const pollOnce = async (): Promise<Step> => {
    const preferWaitMs = modes.holdMs(job.remainingMs());
    const sentAt = clock.now();
    const observation = await deps.poll({
      attempt: job.requests,
      signal,
      preferWaitMs,
      notAfter: deadline,
    });
    const result = see(observation);
    const held = clock.now() - sentAt;
    const stepDown =
      !result && modes.heldTooShort(preferWaitMs, held, observation.hints.waitAppliedMs);
    return { observation, result, stepDown };
  };

  /** One stream connection, cut at the deadline. */
  const streamOnce = async (): Promise<Step> => {
    const step: Step = {};
    let delivered = false;
    const end = await streamSession(
      clock,
      deadline,
      (controller) => forwardAbort(signal, controller),
      (streamSignal) =>
        deps.stream({
          attempt: job.requests,
          url: modes.eventsUrl!,
          signal: streamSignal,
          state: modes.sse,
          idleTimeoutMs: o.streamIdleTimeoutMs,
          notAfter: deadline,
          onObservation: (seen) => {
            delivered = true;
            step.observation = seen;
            step.result = see(seen);
            return step.result !== undefined;
          },
        }),
    );
    if (end.kind !== "closed" && signal?.aborted) throw signal.reason;
    if (end.kind === "deadline") step.reachedDeadline = true;
    if (end.kind === "failed") {
      const ending =
        end.error instanceof StreamUnavailable ? undefined : endingError(end.error, job.contacted);
      if (ending !== undefined) throw ending;
      logger?.debug?.("translation-status: stream failed", end.error);
    }
    if (!step.result && !step.reachedDeadline) step.stepDown = modes.streamDropped(delivered);
    return step;
  };

  for (;;) {
    signal?.throwIfAborted();
    job.requests += 1;
    const requestMode = modes.mode;
    let step: Step;
    try {
      step = requestMode === "stream" ? await streamOnce() : await pollOnce();
    } catch (cause) {
      if (signal?.aborted) throw signal.reason;
      if (cause instanceof BudgetDeadlineError) {
        // The client's own request budget has no room before the deadline: that is a timeout.
        job.requests -= 1;
        step = { reachedDeadline: true };
      } else {
        const ending = endingError(cause, job.contacted);
        if (ending !== undefined) throw ending;
        step = { error: cause };
      }
    }
    const { observation, result, error } = step;
    const failed = error !== undefined;
    const gaveUp = failed && job.fail(error);

    const elapsedMs = clock.now() - start;
    const report = (delay: ScheduledDelay | undefined) =>
      options.onPoll?.({
        attempt: job.requests,
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
    if (gaveUp) {
      report(undefined);
      throw error;
    }

    // Choose how to observe next.
    if (step.stepDown) {
      modes.stepDown();
      logger?.debug?.(`translation-status: falling back to ${modes.mode}`);
    }
    if (observation) modes.discover(observation.hints);

    const remainingMs = job.remainingMs();
    if (step.reachedDeadline || remainingMs <= 0) {
      report(undefined);
      throw job.timeout();
    }

    const hints = observation?.hints;
    const delay = modes.delay(requestMode, failed, remainingMs, hints, clock.now(), () =>
      job.nextDelay(hints, error),
    );
    report(delay);
    if (failed) {
      const what = error instanceof Error ? error.message : String(error);
      logger?.warn?.(
        `translation-status: request ${job.requests} (${requestMode}) failed, retrying in ${Math.round(delay.delayMs)} ms: ${what}`,
        error,
      );
    } else {
      logger?.debug?.(
        `translation-status: request ${job.requests} (${requestMode}): ${job.last?.status}, next in ${Math.round(delay.delayMs)} ms (${delay.source}, ${modes.mode})`,
      );
    }
    await clock.sleep(delay.delayMs, signal);
  }
}
