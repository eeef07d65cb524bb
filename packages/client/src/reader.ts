import type { ErrorContext } from "./errors/TranslationStatusError.js";
import { HttpError } from "./errors/HttpError.js";
import { NotFoundError } from "./errors/NotFoundError.js";
import { UnexpectedResponseError } from "./errors/UnexpectedResponseError.js";
import { NO_HINTS, dateField, readHints, type Observation } from "./hints.js";
import { ShapeError } from "./parse.js";
import type { ApiProfile, StatusMap } from "./profiles/index.js";
import { findLink, parseLinkHeader } from "./transport/link.js";
import {
  parseJson,
  requestJson,
  type JsonRequest,
  type JsonResponse,
  type TransportSettings,
} from "./transport/http.js";
import type { SseEvent, SseState } from "./transport/sse.js";
import { readEventStream } from "./transport/stream.js";
import type { StatusSnapshot } from "./types.js";

/** One batch answer, as the waits use it: the jobs found, the ids not found, per-job hints. */
export interface BatchObservation {
  snapshots: Map<string, StatusSnapshot>;
  missing: Map<string, NotFoundError>;
  pollAfterMs: Map<string, number>;
  /** Whether the answer advertised the multiplexed stream of these jobs. */
  streamAdvertised: boolean;
}

/** The server has no batch endpoint (or ignored the ids): wait on each job by itself instead. */
export class BatchUnsupported extends Error {
  override name = "BatchUnsupported";
}

/** One event of a multiplexed stream, read: a job's status, an unknown id, its end, or noise. */
export type StreamRead =
  | { type: "job"; observation: Observation }
  | { type: "missing"; id: string; error: NotFoundError }
  | { type: "end" }
  | { type: "other" };

/** A stream connection's settings, as a wait gives them. */
export interface StreamOpening {
  signal: AbortSignal;
  state: SseState;
  idleTimeoutMs: number;
  notAfter: number;
  timeoutMs?: number | undefined;
  context?: ErrorContext | undefined;
}

/**
 * Reads jobs over HTTP in the API's own shape, through its profile: one job, many in a batch,
 * one job's or many jobs' event stream. Answers come back normalized; a body the profile cannot
 * read becomes an UnexpectedResponseError naming the request.
 */
export class JobReader {
  readonly #transport: TransportSettings;
  readonly #profile: ApiProfile;
  readonly #baseUrl: string;
  readonly #statusMap: StatusMap;

  constructor(
    transport: TransportSettings,
    profile: ApiProfile,
    baseUrl: string,
    statusMap: StatusMap,
  ) {
    this.#transport = transport;
    this.#profile = profile;
    this.#baseUrl = baseUrl;
    this.#statusMap = statusMap;
  }

  /** Whether the API reads many jobs in one request. */
  get batches(): boolean {
    return this.#profile.batch !== undefined;
  }

  /** Whether the API has multiplexed event streams. */
  get streams(): boolean {
    return this.#profile.events !== undefined;
  }

  /** Ids one batch request or multiplexed stream may carry. */
  get maxIds(): number {
    return this.#profile.batch?.maxIds ?? 100;
  }

  /** One request whose answer is a job. */
  async snapshot(
    request: JsonRequest,
    parse: ApiProfile["parseStatus"] = this.#profile.parseStatus,
  ): Promise<StatusSnapshot> {
    const response = await requestJson(this.#transport, request);
    return this.#parsed(response, request.context, parse);
  }

  /** One read of a job, with what the response hints; a long-poll when `request` asks to hold. */
  async observe(request: JsonRequest): Promise<Observation> {
    const response = await requestJson(this.#transport, request);
    return {
      snapshot: this.#parsed(response, request.context, this.#profile.parseStatus),
      hints: readHints(response.headers, response.body, request.url, this.#transport.clock.now()),
    };
  }

  /** Follows one job's own stream; every event is the job, as a poll would return it. */
  streamJob(
    url: string,
    opening: StreamOpening,
    onObservation: (observation: Observation) => boolean,
  ): Promise<boolean> {
    const context = opening.context ?? {};
    return readEventStream(
      this.#transport,
      { ...opening, url, deadline: opening.notAfter },
      (event) => onObservation(this.observationOf(url, event.data, context)),
    );
  }

  /** One batch read; BatchUnsupported when the server cannot answer it. */
  async batch(
    ids: string[],
    signal: AbortSignal | undefined,
    notAfter: number,
    requestTimeoutMs: number | undefined,
  ): Promise<BatchObservation> {
    const reads = this.#profile.batch;
    if (!reads) throw new BatchUnsupported(`The ${this.#profile.name} API has no batch reads`);
    const url = reads.url(this.#baseUrl, ids);
    let response: JsonResponse;
    try {
      response = await requestJson(this.#transport, {
        method: "GET",
        url,
        signal,
        timeoutMs: requestTimeoutMs,
        notAfter,
        deadline: notAfter,
      });
    } catch (error) {
      // 400: the server does not know the ids parameter; 404/405/501: no such endpoint.
      if (error instanceof HttpError && [400, 404, 405, 501].includes(error.status)) {
        throw new BatchUnsupported(error.message, { cause: error });
      }
      throw error;
    }
    const answer = this.#parsed(response, {}, (body, map) => reads.parse(body, map));
    const observation: BatchObservation = {
      snapshots: new Map(answer.snapshots.map((snapshot) => [snapshot.jobId!, snapshot])),
      missing: new Map(
        answer.missing.map(({ id, code, message }) => [id, this.notFound(url, id, code, message)]),
      ),
      pollAfterMs: answer.pollAfterMs,
      streamAdvertised:
        this.#profile.events !== undefined &&
        findLink(parseLinkHeader(response.headers.get("link")), "events", url) !== undefined,
    };
    // A server that ignored the ids (and answered, say, its first page of jobs) cannot batch.
    if (!ids.every((id) => observation.snapshots.has(id) || observation.missing.has(id))) {
      throw new BatchUnsupported(`GET ${url} did not answer for every id asked`);
    }
    return observation;
  }

  /** The multiplexed stream of some jobs. */
  eventsUrl(ids: string[]): string {
    const events = this.#profile.events;
    if (!events) throw new TypeError(`The ${this.#profile.name} API has no event streams`);
    return events.url(this.#baseUrl, ids);
  }

  /** Opens a multiplexed stream and hands each event, read, to `onRead` until it returns true. */
  streamMany(
    url: string,
    opening: StreamOpening,
    onRead: (read: StreamRead) => boolean,
  ): Promise<boolean> {
    return readEventStream(
      this.#transport,
      { ...opening, url, deadline: opening.notAfter },
      (event) => onRead(this.read(url, event)),
    );
  }

  /** What one event of a multiplexed stream says. */
  read(url: string, event: SseEvent): StreamRead {
    const item = this.#profile.events?.parse(event) ?? { type: "other" };
    if (item.type === "job") {
      return { type: "job", observation: this.observationOf(url, event.data, {}) };
    }
    if (item.type === "missing") {
      return { ...item, error: this.notFound(url, item.id, item.code, item.message) };
    }
    return item;
  }

  /** The error of a job the server says does not exist. */
  notFound(url: string, jobId: string, code: unknown, message: unknown): NotFoundError {
    return new NotFoundError(
      {
        method: "GET",
        url,
        status: 404,
        code: typeof code === "string" ? code : "job_not_found",
        bodyExcerpt: typeof message === "string" ? message : undefined,
      },
      { jobId },
      `No job ${jobId} at ${this.#baseUrl}`,
    );
  }

  /** A stream event's data is a job, as a poll would have returned it. */
  observationOf(url: string, data: string, context: ErrorContext): Observation {
    const body = parseJson(data);
    try {
      return {
        snapshot: this.#profile.parseStatus(body, this.#statusMap),
        hints: { ...NO_HINTS, estimatedCompletionAt: dateField(body, "estimatedCompletionAt") },
      };
    } catch (cause) {
      const reason =
        cause instanceof ShapeError ? `stream event: ${cause.message}` : "stream event";
      throw new UnexpectedResponseError(
        reason,
        { method: "GET", url, status: 200, bodyExcerpt: data.slice(0, 500) },
        { ...context, cause },
      );
    }
  }

  #parsed<T>(
    response: JsonResponse,
    context: ErrorContext | undefined,
    parse: (body: unknown, statusMap: StatusMap) => T,
  ): T {
    try {
      return parse(response.body, this.#statusMap);
    } catch (cause) {
      if (!(cause instanceof ShapeError)) throw cause;
      throw new UnexpectedResponseError(cause.message, response.details, { ...context, cause });
    }
  }
}
