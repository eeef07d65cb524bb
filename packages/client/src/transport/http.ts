import { AuthenticationError } from "../errors/AuthenticationError.js";
import { HttpError, type ResponseDetails } from "../errors/HttpError.js";
import { NetworkError } from "../errors/NetworkError.js";
import { NotFoundError } from "../errors/NotFoundError.js";
import { RateLimitError } from "../errors/RateLimitError.js";
import { RequestTimeoutError } from "../errors/RequestTimeoutError.js";
import type { ErrorContext } from "../errors/TranslationStatusError.js";
import { UnexpectedResponseError } from "../errors/UnexpectedResponseError.js";
import { forwardAbort } from "../internal/abort.js";
import type { Clock, FetchLike } from "../types.js";
import { parseRetryAfter } from "./retry-after.js";

/** Settings shared by every request of a client. */
export interface TransportSettings {
  fetch: FetchLike;
  clock: Clock;
  headers: Record<string, string>;
  requestTimeoutMs: number;
  maxResponseBytes: number;
}

export interface JsonRequest {
  method: "GET" | "POST" | "DELETE";
  url: string;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** Overrides the client's `requestTimeoutMs` for this request. */
  timeoutMs?: number | undefined;
  /** Folded into any error thrown, so it names the job and the attempt. */
  context?: ErrorContext | undefined;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
  /** What a parse failure needs to build a useful error. */
  details: Omit<ResponseDetails, "code" | "retryAfterMs">;
}

const EXCERPT_CHARS = 500;
const REQUEST_ID_HEADERS = ["x-request-id", "request-id", "x-correlation-id"];

/**
 * Sends one request and returns its parsed JSON body, or throws one of the documented errors:
 * NetworkError, RequestTimeoutError, an HttpError subclass for a non-2xx status, or
 * UnexpectedResponseError for a 2xx body that is not JSON or is too large. An abort of
 * `request.signal` rejects with the signal's reason. Nothing outlives the call: the timeout is
 * cancelled and the listener on the caller's signal removed.
 */
export async function requestJson(
  settings: TransportSettings,
  request: JsonRequest,
): Promise<JsonResponse> {
  const { method, url } = request;
  const timeoutMs = request.timeoutMs ?? settings.requestTimeoutMs;
  const context = request.context ?? {};
  const controller = new AbortController();
  const unlink = forwardAbort(request.signal, controller);
  const timer = new AbortController();
  let timedOut = false;
  settings.clock.sleep(timeoutMs, timer.signal).then(
    () => {
      timedOut = true;
      controller.abort();
    },
    () => {},
  );

  // One place decides what a thrown error means, for the fetch and the body read alike.
  const failure = (cause: unknown): unknown => {
    if (request.signal?.aborted) return request.signal.reason;
    if (cause instanceof UnexpectedResponseError) return cause;
    if (timedOut) return new RequestTimeoutError(method, url, timeoutMs, { ...context, cause });
    return new NetworkError(method, url, { ...context, cause });
  };

  try {
    const headers: Record<string, string> = { accept: "application/json", ...settings.headers };
    const init: RequestInit = { method, headers, signal: controller.signal };
    if (request.body !== undefined) {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(request.body);
    }

    let response: Response;
    let text: string;
    try {
      response = await settings.fetch(url, init);
      text = await readText(response, settings.maxResponseBytes, method, url);
    } catch (cause) {
      throw failure(cause);
    }

    const details = {
      method,
      url,
      status: response.status,
      statusText: response.statusText || undefined,
      bodyExcerpt: text.length > 0 ? text.slice(0, EXCERPT_CHARS) : undefined,
      requestId: requestIdOf(response.headers),
    };
    const body = parseJson(text);

    if (!response.ok) {
      throw httpError(
        {
          ...details,
          code: errorCodeOf(body),
          retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), Date.now()),
        },
        context,
      );
    }
    if (body === undefined) {
      const reason = text.length === 0 ? "empty response body" : "response body is not JSON";
      throw new UnexpectedResponseError(reason, details, context);
    }
    return { status: response.status, headers: response.headers, body, details };
  } finally {
    timer.abort();
    unlink();
  }
}

/** Picks the class that tells a caller what to do about a non-2xx status. */
function httpError(details: ResponseDetails, context: ErrorContext): HttpError {
  if (details.status === 401 || details.status === 403)
    return new AuthenticationError(details, context);
  if (details.status === 404) return new NotFoundError(details, context);
  if (details.status === 429) return new RateLimitError(details, context);
  return new HttpError(details, context);
}

/**
 * Reads the body as text, refusing more than `limit` bytes: a declared larger length is refused
 * before reading, and a body that grows past it is cut off without being buffered whole. An
 * error response is only read for its excerpt, so an oversized one is truncated, not refused:
 * its status says more than its size. Cancelling is not awaited: a source that never
 * acknowledges must not hang the caller.
 */
async function readText(
  response: Response,
  limit: number,
  method: string,
  url: string,
): Promise<string> {
  const tooLarge = () =>
    new UnexpectedResponseError(`response body exceeds maxResponseBytes (${limit} bytes)`, {
      method,
      url,
      status: response.status,
      requestId: requestIdOf(response.headers),
    });
  const declared = Number(response.headers.get("content-length"));
  if (response.ok && Number.isFinite(declared) && declared > limit) {
    void response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!response.body) return "";

  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let received = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limit) {
      void reader.cancel().catch(() => {});
      if (response.ok) throw tooLarge();
      break;
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

function parseJson(text: string): unknown {
  if (text.trim().length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function requestIdOf(headers: Headers): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers.get(name);
    if (value) return value;
  }
  return undefined;
}

/** The `code` of an error body in our shape `{ "error": { "code" } }`, if present. */
function errorCodeOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}
