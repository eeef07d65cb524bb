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
  /**
   * The body was not JSON at all (an HTML page, garbage, nothing), as a proxy or gateway
   * answers when the API behind it is down; a wait that has read the job before retries it.
   */
  readonly unreadable: boolean;

  constructor(
    reason: string,
    details: {
      method: string;
      url: string;
      status: number;
      bodyExcerpt?: string | undefined;
      requestId?: string | undefined;
      unreadable?: boolean | undefined;
    },
    context: ErrorContext = {},
  ) {
    super(`${details.method} ${details.url}: ${reason}`, context);
    this.method = details.method;
    this.url = details.url;
    this.status = details.status;
    this.bodyExcerpt = details.bodyExcerpt;
    this.requestId = details.requestId;
    this.unreadable = details.unreadable ?? false;
  }
}
