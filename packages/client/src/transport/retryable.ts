import { HttpError } from "../errors/HttpError.js";
import { NetworkError } from "../errors/NetworkError.js";
import { RequestTimeoutError } from "../errors/RequestTimeoutError.js";

/**
 * Statuses worth asking again: the server or something before it is busy or briefly broken
 * (408 Request Timeout, 425 Too Early, 429, and 5xx but 501 Not Implemented and 505, which
 * describe the request, not the moment).
 */
function retryableStatus(status: number): boolean {
  if (status === 408 || status === 425 || status === 429) return true;
  return status >= 500 && status <= 599 && status !== 501 && status !== 505;
}

/** Whether a failed request may succeed if repeated later. Everything else fails fast. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof NetworkError || error instanceof RequestTimeoutError) return true;
  return error instanceof HttpError && retryableStatus(error.status);
}
