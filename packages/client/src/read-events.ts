import { CLIENT_DEFAULTS, WAIT_DEFAULTS } from "./options.js";
import { identityHeaders } from "./internal/identity.js";
import { systemClock } from "./internal/clock.js";
import { describe, validateOptions, type RuleTable } from "./internal/validate.js";
import { readEventStream, StreamUnavailable } from "./transport/stream.js";
import type { Clock, FetchLike } from "./types.js";

/** One server-sent event, as {@link readEvents} hands it over. */
export interface ServerSentEvent {
  /** The event's type: `message` when the server named none. */
  event: string;
  /** Its `data` lines, joined with `\n`. */
  data: string;
  /** The last event id seen on the stream so far (ids persist across events). */
  id: string | undefined;
}

/** Options of {@link readEvents}. */
export interface ReadEventsOptions {
  /** Closes the stream; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Sent with the request, such as an API key. */
  headers?: Record<string, string>;
  /**
   * Sent as `X-Client-Name`, as the client's own option of that name.
   * @default none
   */
  clientName?: string;
  /** Sent as `Last-Event-ID`, to resume a stream where an earlier one stopped. */
  lastEventId?: string;
  /**
   * Time allowed for the response's headers and first bytes.
   * @default 30_000
   */
  requestTimeoutMs?: number;
  /**
   * Longest silence (no event, no heartbeat) before the stream counts as dead and the call
   * rejects with RequestTimeoutError.
   * @default 45_000
   */
  idleTimeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: FetchLike;
  /** @default Date.now and setTimeout */
  clock?: Clock;
}

const RULES: RuleTable = {
  signal: { type: "signal" },
  headers: { type: "object" },
  clientName: { type: "string", nonEmpty: true },
  lastEventId: { type: "string" },
  requestTimeoutMs: { type: "number", min: 1 },
  idleTimeoutMs: { type: "number", min: 1, max: Number.MAX_SAFE_INTEGER },
  fetch: { type: "function" },
  clock: { type: "object" },
};

/**
 * Reads any Server-Sent Events stream of a server (a job's, the multiplexed `/events`, ...)
 * with the client's transport: over fetch, so it can send headers (EventSource cannot), with
 * the same parser as waits (CRLF, LF or CR line ends, comments as heartbeats), timeouts and
 * typed errors. `onEvent` gets each event; returning `true` closes the stream.
 *
 * Resolves when `onEvent` returned `true`, or the server ended the stream (or answered 204).
 * Rejects with an HttpError subclass for an error status, UnexpectedResponseError for an
 * answer that is not `text/event-stream`, NetworkError, RequestTimeoutError, the signal's
 * reason, or whatever `onEvent` threw.
 *
 * @param url the stream's absolute URL.
 * @param onEvent called with each event, in order; return `true` to close the stream.
 *
 * @example
 * await readEvents(`${baseUrl}/events?ids=${ids.join(",")}`, (event) => {
 *   if (event.event === "done") console.log(JSON.parse(event.data));
 *   return event.event === "end";
 * }, { headers: { "x-api-key": apiKey } });
 */
export async function readEvents(
  url: string,
  onEvent: (event: ServerSentEvent) => boolean | void,
  options: ReadEventsOptions = {},
): Promise<void> {
  if (typeof url !== "string" || url.length === 0) {
    throw new TypeError(`readEvents needs a URL string, got ${describe(url)}`);
  }
  if (typeof onEvent !== "function") {
    throw new TypeError(`readEvents needs an onEvent function, got ${describe(onEvent)}`);
  }
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`readEvents options must be an object, got ${describe(options)}`);
  }
  validateOptions("readEvents option", RULES, options);
  const fetch = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof fetch !== "function") {
    throw new TypeError('Option "fetch" is required where no global fetch exists');
  }
  const settings = {
    fetch,
    clock: options.clock ?? systemClock,
    headers: { ...identityHeaders(options.clientName), ...options.headers },
    requestTimeoutMs: options.requestTimeoutMs ?? CLIENT_DEFAULTS.requestTimeoutMs,
    maxResponseBytes: CLIENT_DEFAULTS.maxResponseBytes,
  };
  const request = {
    url,
    signal: options.signal,
    idleTimeoutMs: options.idleTimeoutMs ?? WAIT_DEFAULTS.streamIdleTimeoutMs,
    state: { lastEventId: options.lastEventId, retryMs: undefined },
  };
  try {
    await readEventStream(settings, request, (event) => onEvent(event) === true);
  } catch (error) {
    // No poll to fall back on here: the caller gets the typed error behind it.
    throw error instanceof StreamUnavailable ? error.cause : error;
  }
}
