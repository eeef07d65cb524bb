import type { HttpError } from "../errors/HttpError.js";
import type { ErrorContext } from "../errors/TranslationStatusError.js";
import { UnexpectedResponseError } from "../errors/UnexpectedResponseError.js";
import {
  controlled,
  httpError,
  parseJson,
  readText,
  responseDetails,
  wire,
  type TransportSettings,
} from "./http.js";
import { parseEventStream, type SseEvent, type SseState } from "./sse.js";

/**
 * The events URL answered, but not with a stream: the caller should fall back to polling. Its
 * `cause` is the typed error a caller with nothing to fall back on throws instead.
 */
export class StreamUnavailable extends Error {
  override name = "StreamUnavailable";
  declare readonly cause: HttpError | UnexpectedResponseError;

  constructor(message: string, cause: HttpError | UnexpectedResponseError) {
    super(message, { cause });
  }
}

export interface StreamRequest {
  url: string;
  signal?: AbortSignal | undefined;
  /** For the headers and the first bytes of the stream. */
  timeoutMs?: number | undefined;
  /** Longest silence between two chunks (events or heartbeats) before the stream counts as dead. */
  idleTimeoutMs: number;
  state: SseState;
  context?: ErrorContext | undefined;
  /** Clock time after which the stream must not start. */
  notAfter?: number | undefined;
  /** Clock time by which its wait must settle: bounds the connect and the first bytes. */
  deadline?: number | undefined;
}

/** Statuses that mean "no stream here", as opposed to a failure worth retrying. */
const NOT_STREAMABLE = new Set([404, 405, 406, 501]);

/**
 * Opens a server-sent events stream and hands each event to `onEvent` until it returns true
 * (done), the server closes the stream, or it fails. Resolves true when `onEvent` ended it.
 * A status of 404/405/406/501 or a body that is not `text/event-stream` throws
 * StreamUnavailable; other failures throw the same errors as a JSON request.
 */
export async function readEventStream(
  settings: TransportSettings,
  request: StreamRequest,
  onEvent: (event: SseEvent) => boolean,
): Promise<boolean> {
  await settings.budget?.acquire(true, request.signal, request.notAfter);
  return openEventStream(settings, request, onEvent);
}

function openEventStream(
  settings: TransportSettings,
  request: StreamRequest,
  onEvent: (event: SseEvent) => boolean,
): Promise<boolean> {
  const { url, state } = request;
  const context = request.context ?? {};
  return controlled(
    settings,
    {
      method: "GET",
      url,
      signal: request.signal,
      timeoutMs: request.timeoutMs,
      context,
      deadline: request.deadline,
    },
    async ({ signal, touch }) => {
      const headers: Record<string, string> = {
        accept: "text/event-stream",
        "cache-control": "no-cache",
        ...settings.headers,
      };
      if (state.lastEventId !== undefined) headers["last-event-id"] = state.lastEventId;
      const response = await wire(settings.fetch(url, { method: "GET", headers, signal }));
      // 204 is how a server says "you have everything": nothing more will come.
      if (response.status === 204) return false;
      if (!response.ok) {
        const text = await readText(response, settings.maxResponseBytes, "GET", url);
        const details = responseDetails("GET", url, response, text);
        const body = parseJson(text);
        const error = httpError(details, body, response.headers, context, settings.clock.now());
        if (NOT_STREAMABLE.has(response.status)) {
          throw new StreamUnavailable(`GET ${url} answered ${response.status}`, error);
        }
        throw error;
      }
      const type = response.headers.get("content-type") ?? "";
      if (!type.toLowerCase().startsWith("text/event-stream") || !response.body) {
        void response.body?.cancel().catch(() => {});
        const reason = `answered ${type || "no content type"}, not a stream`;
        throw new StreamUnavailable(
          `GET ${url} ${reason}`,
          new UnexpectedResponseError(
            reason,
            { method: "GET", url, status: response.status },
            context,
          ),
        );
      }
      // Only reading the stream is the network's failure; an error of onEvent is the caller's.
      const events = parseEventStream(response.body, state, touch);
      try {
        for (;;) {
          const next = await wire(events.next());
          if (next.done) return false;
          if (onEvent(next.value)) return true;
        }
      } finally {
        void events.return(undefined);
      }
    },
    request.idleTimeoutMs,
  );
}
