/** Context every error of this library can carry. */
export interface ErrorContext {
  /** The job the failing call was about, if any. */
  jobId?: string | undefined;
  /** Requests made by the call before it failed (a wait counts every poll and retry). */
  attempts?: number | undefined;
  /** The underlying error (a network failure, a parse error, the last failed poll...). */
  cause?: unknown;
}

/**
 * Base class of every error this library throws, so one `instanceof` check catches them all.
 * Aborting through an `AbortSignal` is the exception: that rejects with the signal's own reason.
 */
export class TranslationStatusError extends Error {
  override name = "TranslationStatusError";
  readonly jobId: string | undefined;
  readonly attempts: number | undefined;

  constructor(message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.jobId = context.jobId;
    this.attempts = context.attempts;
  }
}
