import { TranslationStatusError, type ErrorContext } from "./TranslationStatusError.js";

/** The request never got an HTTP response: refused, reset, DNS failure, CORS... See `cause`. */
export class NetworkError extends TranslationStatusError {
  override name = "NetworkError";
  readonly method: string;
  readonly url: string;

  constructor(method: string, url: string, context: ErrorContext = {}) {
    const detail = context.cause instanceof Error ? `: ${context.cause.message}` : "";
    super(`${method} ${url} failed before any response${detail}`, context);
    this.method = method;
    this.url = url;
  }
}
