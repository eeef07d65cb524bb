import { HttpError } from "./errors/HttpError.js";
import { NetworkError } from "./errors/NetworkError.js";
import { isTlsCode } from "./errors/network-cause.js";
import { RequestTimeoutError } from "./errors/RequestTimeoutError.js";
import { UnexpectedResponseError } from "./errors/UnexpectedResponseError.js";
import type { ScheduleOptions } from "./schedule.js";
import { isRetryable } from "./transport/retryable.js";

/**
 * How a wait treats a failed request:
 * - `transient`: the API or something before it is down or busy; retry until the deadline;
 * - `misconfigured`: nothing has answered yet and the failure points to a wrong URL or key;
 *   retrying cannot help, so the wait fails at once and says so;
 * - `fatal`: an answer that asking again would only repeat (a 400, a vanished job).
 */
export type FailureKind = "transient" | "misconfigured" | "fatal";

/** Network codes that, before any answer, mean the URL is wrong rather than the API down. */
const WRONG_ADDRESS = new Set(["ENOTFOUND", "ECONNREFUSED"]);

/**
 * Classifies a failed request of a wait. `contacted` says whether the wait has read the job
 * at least once: after that, a refused connection or an HTML page is an outage, not a
 * mistake in the URL.
 */
export function classifyFailure(error: unknown, contacted: boolean): FailureKind {
  if (error instanceof NetworkError) {
    if (!contacted && (WRONG_ADDRESS.has(error.code ?? "") || isTlsCode(error.code))) {
      return "misconfigured";
    }
    return "transient";
  }
  if (error instanceof RequestTimeoutError || isRetryable(error)) return "transient";
  if (error instanceof HttpError) {
    if (!contacted && [401, 403, 404].includes(error.status)) return "misconfigured";
    return "fatal";
  }
  // A gateway's HTML page or garbage with a 2xx: an outage once the job has been read, a wrong
  // URL before that.
  if (error instanceof UnexpectedResponseError && error.unreadable) {
    return contacted ? "transient" : "misconfigured";
  }
  return "fatal";
}

/**
 * What a failed read means for a wait: undefined when it is worth retrying, otherwise the error
 * that ends the wait (a misconfiguration's carrying its advice). One rule for every wait, on
 * one job or many.
 */
export function endingError(error: unknown, contacted: boolean): unknown {
  const kind = classifyFailure(error, contacted);
  if (kind === "transient") return undefined;
  return kind === "misconfigured" ? adviseMisconfiguration(error) : error;
}

/** The advice a misconfiguration error carries, appended to its message once. */
export function adviseMisconfiguration(error: unknown): unknown {
  if (!(error instanceof Error) || error.message.includes("nothing has answered")) return error;
  const check =
    error instanceof HttpError && (error.status === 401 || error.status === 403)
      ? "check apiKey (or the headers option)"
      : error instanceof HttpError && error.status === 404
        ? "check baseUrl (or statusUrl) and the job id"
        : "check baseUrl (or statusUrl) and that the server is running";
  error.message += ` (nothing has answered this wait yet, so this looks like a configuration problem: ${check})`;
  return error;
}

/**
 * The longest a wait sleeps after a failed request, `Retry-After` included: an outage is learned
 * to be over within one such interval. A 429's `Retry-After` still holds the whole client back
 * through the request budget, however long it is.
 */
export const MAX_RETRY_DELAY_MS = 15_000;

/** The schedule's bounds for the delay after a failure: backoff and hints capped. */
export function retryOptions<T extends ScheduleOptions>(options: T): T {
  return {
    ...options,
    maxBackoffMs: Math.min(options.maxBackoffMs, MAX_RETRY_DELAY_MS),
    maxIntervalMs: Math.min(options.maxIntervalMs, MAX_RETRY_DELAY_MS),
  };
}
