import { HttpError } from "../errors/HttpError.js";
import { NetworkError } from "../errors/NetworkError.js";
import { RequestTimeoutError } from "../errors/RequestTimeoutError.js";

/** Statuses worth asking again: the server or something before it is busy or briefly broken. */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Whether a failed request may succeed if repeated later. Everything else fails fast. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof NetworkError || error instanceof RequestTimeoutError) return true;
  return error instanceof HttpError && RETRYABLE_STATUSES.has(error.status);
}
