import { TranslationStatusError, type ErrorContext } from "./TranslationStatusError.js";

/**
 * A successful HTTP response whose body this client cannot understand: not JSON, not a status
 * object, an unknown status value, or larger than `maxResponseBytes`. Never retried, because
 * asking again would only get the same answer.
 */
export class UnexpectedResponseError extends TranslationStatusError {
  override name = "UnexpectedResponseError";
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly bodyExcerpt: string | undefined;
  readonly requestId: string | undefined;

  constructor(
    reason: string,
    details: {
      method: string;
      url: string;
      status: number;
      bodyExcerpt?: string | undefined;
      requestId?: string | undefined;
    },
    context: ErrorContext = {},
  ) {
    super(`${details.method} ${details.url}: ${reason}`, context);
    this.method = details.method;
    this.url = details.url;
    this.status = details.status;
    this.bodyExcerpt = details.bodyExcerpt;
    this.requestId = details.requestId;
  }
}
