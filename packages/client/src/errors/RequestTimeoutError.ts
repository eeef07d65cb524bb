import { TranslationStatusError, type ErrorContext } from "./TranslationStatusError.js";

/** One request (headers and body) took longer than `requestTimeoutMs`. */
export class RequestTimeoutError extends TranslationStatusError {
  override name = "RequestTimeoutError";
  readonly method: string;
  readonly url: string;
  readonly timeoutMs: number;

  constructor(method: string, url: string, timeoutMs: number, context: ErrorContext = {}) {
    super(`${method} ${url} timed out after ${timeoutMs} ms`, context);
    this.method = method;
    this.url = url;
    this.timeoutMs = timeoutMs;
  }
}
