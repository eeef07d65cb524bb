import { HttpError } from "./HttpError.js";

/**
 * HTTP 429. A wait retries it, honouring `Retry-After`; it surfaces once the bound on
 * consecutive failures is reached while the server is still refusing.
 */
export class RateLimitError extends HttpError {
  override name = "RateLimitError";
}
