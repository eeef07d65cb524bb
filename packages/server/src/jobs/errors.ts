import type { JobStatus } from "./derive.js";

/**
 * What the job service refuses, in its own words. The app's error handler turns each into an
 * HTTP answer (status, code, message, `Retry-After`); an API profile's envelope then renames the
 * code if it has its own.
 */
export class JobServiceError extends Error {
  override name = "JobServiceError";
}

/** No such job, or one the caller may not see: its existence must not leak. */
export class JobNotFoundError extends JobServiceError {
  override name = "JobNotFoundError";

  constructor(readonly jobId: string) {
    super(`No job with id ${JSON.stringify(jobId)}`);
  }
}

/** Only a pending job can be cancelled. */
export class JobFinishedError extends JobServiceError {
  override name = "JobFinishedError";

  constructor(
    readonly jobId: string,
    readonly status: Exclude<JobStatus, "pending">,
  ) {
    super(`Job ${jobId} is already ${status}; only pending jobs can be cancelled`);
  }
}

/** The owner has `limit` jobs pending; one is expected to end in `retryAfterMs`. */
export class ConcurrencyLimitError extends JobServiceError {
  override name = "ConcurrencyLimitError";

  constructor(
    readonly limit: number,
    readonly retryAfterMs: number,
  ) {
    super(`At most ${limit} jobs may be pending at once`);
  }
}

/** An idempotency key already used with another request. */
export class IdempotencyConflictError extends JobServiceError {
  override name = "IdempotencyConflictError";

  constructor() {
    super("This Idempotency-Key was already used with a different request body");
  }
}

/** The request that holds an idempotency key is still creating its job. */
export class IdempotencyInProgressError extends JobServiceError {
  override name = "IdempotencyInProgressError";

  constructor(readonly retryAfterMs: number) {
    super("A request with this Idempotency-Key is still being processed");
  }
}

/** One input the service cannot take: `field` (as the caller named it) and what is wrong. */
export class InvalidInputError extends JobServiceError {
  override name = "InvalidInputError";

  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field} ${problem}`);
  }
}

/** One request asks for more jobs than may ever be pending at once: no retry can pass. */
export class TooManyJobsError extends JobServiceError {
  override name = "TooManyJobsError";

  constructor(
    readonly count: number,
    readonly limit: number,
  ) {
    super(`This request makes ${count} jobs, more than the ${limit} that may be pending at once`);
  }
}
