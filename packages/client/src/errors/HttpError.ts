import { TranslationStatusError, type ErrorContext } from "./TranslationStatusError.js";

/** What is known about a response that was not a success. */
export interface ResponseDetails {
  method: string;
  url: string;
  status: number;
  statusText?: string | undefined;
  /** The first characters of the body (at most 500), for logs and messages. */
  bodyExcerpt?: string | undefined;
  /** The server's request id (`x-request-id` and similar headers), to quote to its operators. */
  requestId?: string | undefined;
  /** The error code from a JSON error body (ours, HeyGen's or ElevenLabs' shape), if any. */
  code?: string | undefined;
  /** The error message from a JSON error body, in the server's words, if any. */
  serverMessage?: string | undefined;
  /** The server's `Retry-After`, in ms, if it sent one. */
  retryAfterMs?: number | undefined;
}

/** The server answered with an HTTP status that is not a success and has no more specific class. */
export class HttpError extends TranslationStatusError {
  override name = "HttpError";
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly statusText: string | undefined;
  readonly bodyExcerpt: string | undefined;
  readonly requestId: string | undefined;
  readonly code: string | undefined;
  readonly serverMessage: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(details: ResponseDetails, context: ErrorContext = {}, message?: string) {
    const reason = [details.statusText, details.code].filter(Boolean).join(", ");
    const words = details.serverMessage === undefined ? "" : `: ${details.serverMessage}`;
    super(
      message ??
        `${details.method} ${details.url} failed with HTTP ${details.status}${reason ? ` (${reason})` : ""}${words}`,
      context,
    );
    this.method = details.method;
    this.url = details.url;
    this.status = details.status;
    this.statusText = details.statusText;
    this.bodyExcerpt = details.bodyExcerpt;
    this.requestId = details.requestId;
    this.code = details.code;
    this.serverMessage = details.serverMessage;
    this.retryAfterMs = details.retryAfterMs;
  }
}
