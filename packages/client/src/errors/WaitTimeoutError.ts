import type { StatusSnapshot } from "../types.js";
import { TranslationStatusError, type ErrorContext } from "./TranslationStatusError.js";

/**
 * `maxWaitMs` passed before the job reached a terminal status. The job may well still be
 * running: nothing was cancelled on the server, and waiting again later is safe.
 */
export class WaitTimeoutError extends TranslationStatusError {
  override name = "WaitTimeoutError";
  /** The last status seen, or undefined if no poll succeeded (then `cause` is the last failure). */
  readonly lastStatus: StatusSnapshot | undefined;
  readonly elapsedMs: number;

  constructor(
    maxWaitMs: number,
    elapsedMs: number,
    lastStatus: StatusSnapshot | undefined,
    context: ErrorContext = {},
  ) {
    const seen = lastStatus ? `last status "${lastStatus.status}"` : "no status received";
    const target = context.jobId ? `job ${context.jobId}` : "the job";
    super(
      `Gave up waiting for ${target} after ${elapsedMs} ms (maxWaitMs ${maxWaitMs}, ${seen}); it may still be running`,
      context,
    );
    this.lastStatus = lastStatus;
    this.elapsedMs = elapsedMs;
  }
}
