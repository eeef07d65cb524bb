import { AuthenticationError } from "../errors/AuthenticationError.js";
import { HttpError, type ResponseDetails } from "../errors/HttpError.js";
import { NetworkError } from "../errors/NetworkError.js";
import { NotFoundError } from "../errors/NotFoundError.js";
import { RateLimitError } from "../errors/RateLimitError.js";
import { RequestTimeoutError } from "../errors/RequestTimeoutError.js";
import type { ErrorContext } from "../errors/TranslationStatusError.js";
import { UnexpectedResponseError } from "../errors/UnexpectedResponseError.js";
import { forwardAbort } from "../internal/abort.js";
import { timeoutWithin } from "../internal/deadline.js";
import type { RequestBudget } from "../budget.js";
import type { Clock, FetchLike } from "../types.js";
import { parseRetryAfter } from "./retry-after.js";
import { serverWords } from "../errors/server-words.js";

/** Settings shared by every request of a client. */
export interface TransportSettings {
  fetch: FetchLike;
  clock: Clock;
  headers: Record<string, string>;
  requestTimeoutMs: number;
  maxResponseBytes: number;
  /** Shared by every request of the client; absent means no limit. */
  budget?: RequestBudget | undefined;
}

export interface BaseRequest {
  method: "GET" | "POST" | "DELETE";
  url: string;
  signal?: AbortSignal | undefined;
  /** Overrides the client's `requestTimeoutMs` for this request. */
  timeoutMs?: number | undefined;
  /** Folded into any error thrown, so it names the job and the attempt. */
  context?: ErrorContext | undefined;
  /** Clock time by which a wait must settle: the timeout is cut to it (headers and body). */
  deadline?: number | undefined;
}

export interface JsonRequest extends BaseRequest {
  body?: unknown;
  headers?: Record<string, string> | undefined;
  /** Clock time after which the request must not start (a wait's deadline). */
  notAfter?: number | undefined;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
  /** What a parse failure needs to build a useful error. */
  details: Omit<ResponseDetails, "code" | "retryAfterMs" | "serverMessage">;
}

/** Handed to the body of a controlled request. */
export interface RequestControl {
  signal: AbortSignal;
  /** Restarts the timeout, with `idleMs` from now: a stream calls it on every chunk. */
  touch(): void;
}

/** Marks a failure of the network itself (fetch or a body read), as opposed to a bug or a callback. */
class WireFailure {
  constructor(readonly cause: unknown) {}
}

/** Awaits a fetch or a body read, marking its failure as the network's. */
export async function wire<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (cause) {
    throw new WireFailure(cause);
  }
}

const EXCERPT_CHARS = 500;
const REQUEST_ID_HEADERS = ["x-request-id", "request-id", "x-correlation-id"];

/**
 * Runs `body` under one request's rules: aborted when the caller's signal aborts (rejecting
 * with its reason), or when the timeout passes (RequestTimeoutError); a failed fetch or body
 * read (marked by `wire`) becomes a NetworkError, and anything else passes through untouched.
 * Nothing outlives the call: the timer is cancelled and the listener on the caller's signal
 * removed.
 */
export async function controlled<T>(
  settings: TransportSettings,
  request: BaseRequest,
  body: (control: RequestControl) => Promise<T>,
  idleMs?: number,
): Promise<T> {
  const { method, url } = request;
  const context = request.context ?? {};
  const controller = new AbortController();
  const unlink = forwardAbort(request.signal, controller);
  const { clock } = settings;
  let timeoutMs = timeoutWithin(
    request.timeoutMs ?? settings.requestTimeoutMs,
    request.deadline,
    clock.now(),
  );
  let lastActivity = clock.now();
  let timedOut = false;
  // One sleep at a time for the whole request: activity only moves a timestamp, and a sleep
  // that ends while the request is still active sleeps again for what is left. A stream touches
  // it once per line, so re-arming a timer each time would cost more than the parsing.
  let sleeper = new AbortController();
  let dueAt = 0;
  const arm = (ms: number) => {
    sleeper.abort();
    sleeper = new AbortController();
    dueAt = clock.now() + ms;
    clock.sleep(ms, sleeper.signal).then(
      () => {
        const idle = clock.now() - lastActivity;
        if (idle < timeoutMs) return arm(timeoutMs - idle);
        timedOut = true;
        controller.abort();
      },
      () => {},
    );
  };
  arm(timeoutMs);

  try {
    return await body({
      signal: controller.signal,
      touch: () => {
        if (idleMs === undefined) return;
        timeoutMs = idleMs;
        lastActivity = clock.now();
        // Only when the idle timeout is shorter than what the sleep has left.
        if (lastActivity + timeoutMs < dueAt) arm(timeoutMs);
      },
    });
  } catch (cause) {
    if (request.signal?.aborted) throw request.signal.reason;
    const wireCause = cause instanceof WireFailure ? cause.cause : cause;
    if (timedOut) {
      throw new RequestTimeoutError(method, url, timeoutMs, { ...context, cause: wireCause });
    }
    if (cause instanceof WireFailure)
      throw new NetworkError(method, url, { ...context, cause: wireCause });
    throw cause;
  } finally {
    sleeper.abort();
    unlink();
  }
}

/**
 * Sends one request and returns its parsed JSON body, or throws one of the documented errors:
 * NetworkError, RequestTimeoutError, an HttpError subclass for a non-2xx status, or
 * UnexpectedResponseError for a 2xx body that is not JSON or is too large.
 */
export async function requestJson(
  settings: TransportSettings,
  request: JsonRequest,
): Promise<JsonResponse> {
  const held = request.headers?.prefer !== undefined;
  const release = await settings.budget?.acquire(held, request.signal, request.notAfter);
  try {
    return await sendJson(settings, request);
  } finally {
    release?.();
  }
}

function sendJson(settings: TransportSettings, request: JsonRequest): Promise<JsonResponse> {
  const { method, url } = request;
  const context = request.context ?? {};
  return controlled(settings, request, async ({ signal }) => {
    const headers: Record<string, string> = {
      accept: "application/json",
      ...settings.headers,
      ...request.headers,
    };
    const init: RequestInit = { method, headers, signal };
    if (typeof FormData !== "undefined" && request.body instanceof FormData) {
      // fetch writes the multipart content-type, boundary included.
      init.body = request.body;
    } else if (request.body !== undefined) {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(request.body);
    }
    const response = await wire(settings.fetch(url, init));
    const text = await readText(response, settings.maxResponseBytes, method, url);
    const details = responseDetails(method, url, response, text);
    const body = parseJson(text);
    if (!response.ok) {
      const error = httpError(details, body, response.headers, context, settings.clock.now());
      // Everyone backs off together, for as long as the server asked.
      if (error.status === 429 && error.retryAfterMs !== undefined) {
        settings.budget?.pause(error.retryAfterMs);
      }
      throw error;
    }
    if (body === undefined) {
      const reason = text.length === 0 ? "empty response body" : "response body is not JSON";
      throw new UnexpectedResponseError(reason, { ...details, unreadable: true }, context);
    }
    return { status: response.status, headers: response.headers, body, details };
  });
}

export function responseDetails(method: string, url: string, response: Response, text: string) {
  return {
    method,
    url,
    status: response.status,
    statusText: response.statusText || undefined,
    bodyExcerpt: text.length > 0 ? text.slice(0, EXCERPT_CHARS) : undefined,
    requestId: requestIdOf(response.headers),
  };
}

/** Picks the class that tells a caller what to do about a non-2xx status. */
export function httpError(
  details: Omit<ResponseDetails, "code" | "retryAfterMs" | "serverMessage">,
  body: unknown,
  headers: Headers,
  context: ErrorContext,
  now: number,
): HttpError {
  const words = serverWords(body);
  const full: ResponseDetails = {
    ...details,
    code: words.code,
    serverMessage: words.message,
    retryAfterMs: parseRetryAfter(headers.get("retry-after"), now),
  };
  if (full.status === 401 || full.status === 403) return new AuthenticationError(full, context);
  if (full.status === 404) return new NotFoundError(full, context);
  if (full.status === 429) return new RateLimitError(full, context);
  return new HttpError(full, context);
}

/**
 * Reads the body as text, refusing more than `limit` bytes: a declared larger length is refused
 * before reading, and a body that grows past it is cut off without being buffered whole. An
 * error response is only read for its excerpt, so an oversized one is truncated, not refused:
 * its status says more than its size. Cancelling is not awaited: a source that never
 * acknowledges must not hang the caller.
 */
export async function readText(
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
    const { done, value } = await wire(reader.read());
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

export function parseJson(text: string): unknown {
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
