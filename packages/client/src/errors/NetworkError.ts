import { networkCause } from "./network-cause.js";
import { TranslationStatusError, type ErrorContext } from "./TranslationStatusError.js";

/**
 * The request never got an HTTP response: refused, reset, DNS failure, TLS, CORS... The message
 * names the root cause's code and the host; `cause` holds what fetch threw.
 */
export class NetworkError extends TranslationStatusError {
  override name = "NetworkError";
  readonly method: string;
  readonly url: string;
  /** The system error code at the root of the failure (`ECONNREFUSED`, `ENOTFOUND`...), if any. */
  readonly code: string | undefined;
  /** `host:port` the request went to. */
  readonly host: string;

  constructor(method: string, url: string, context: ErrorContext = {}) {
    const { code, description } = networkCause(context.cause);
    const host = hostOf(url);
    const reason =
      code !== undefined
        ? `${description ?? "network failure"} (${code})`
        : context.cause instanceof Error
          ? context.cause.message
          : "network failure";
    super(`${method} ${url} failed before any response: ${reason} at ${host}`, context);
    this.method = method;
    this.url = url;
    this.code = code;
    this.host = host;
  }
}

function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    const port = parsed.port || (parsed.protocol === "https:" ? "443" : "80");
    return `${parsed.hostname}:${port}`;
  } catch {
    return url;
  }
}
