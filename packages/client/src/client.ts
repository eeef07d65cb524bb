import type { ErrorContext } from "./errors/TranslationStatusError.js";
import { RequestBudget } from "./budget.js";
import { UnexpectedResponseError } from "./errors/UnexpectedResponseError.js";
import { NO_HINTS, dateField, readHints } from "./hints.js";
import { systemClock } from "./internal/clock.js";
import { randomId } from "./internal/random-id.js";
import { ExpectedDurations } from "./expected-durations.js";
import { DurationModel, type DurationModelSnapshot } from "./learned.js";
import type { ClientOptions, WaitOptions } from "./options.js";
import { resolveClientOptions } from "./client-options.js";
import { ShapeError } from "./parse.js";
import {
  profileFor,
  type ApiName,
  type ApiProfile,
  type CreateJobOptionsByApi,
  type StatusMap,
} from "./profiles/index.js";
import { RateLimitError } from "./errors/RateLimitError.js";
import {
  parseJson,
  requestJson,
  type JsonRequest,
  type JsonResponse,
  type TransportSettings,
} from "./transport/http.js";
import { withRetries } from "./retry.js";
import { readEventStream } from "./transport/stream.js";
import type { Logger, StatusSnapshot, WaitResult } from "./types.js";
import { waitLoop, type Observation } from "./wait.js";
import { resolveWaitOptions } from "./wait-options.js";
import {
  BatchUnsupported,
  waitMany,
  type BatchObservation,
  type JobOutcome,
  type JobRef,
  type WaitManyOptions,
} from "./wait-many.js";
import { HttpError } from "./errors/HttpError.js";
import { NotFoundError } from "./errors/NotFoundError.js";
import { findLink, parseLinkHeader } from "./transport/link.js";
import { SharedReads } from "./shared-reads.js";
import { untilAborted } from "./internal/abort.js";
import { identityHeaders } from "./internal/identity.js";

/** Per-call options of the single-request methods. */
export interface RequestOptions {
  signal?: AbortSignal;
  /** @default the client's `requestTimeoutMs` */
  requestTimeoutMs?: number;
}

/** What a new job may override on the simulator (and compatible servers). */
export interface CreateJobOptions extends RequestOptions {
  /** How long the job stays pending. @default the server's configured duration */
  pendingDurationMs?: number;
  /** Chance that the job ends in `error`. @default the server's configured probability */
  errorProbability?: number;
  /** Free JSON stored with the job and returned with it. */
  metadata?: Record<string, unknown>;
  /** Simulator: error bound of this job's estimates, 0..0.99. */
  etaError?: number;
  /** Simulator: share of the requests about this job answered with an injected fault. */
  faultRate?: number;
  /** Simulator: the faults to inject (`500`, `502`, `503`, `429`, `reset`, `hang`, ...). */
  faultKinds?: string[];
  /** Simulator: latency added to the requests about this job, fixed or a `[min, max]` range. */
  latencyMs?: number | [number, number];
  /**
   * Sent as `Idempotency-Key`, so a retried creation returns the first job instead of making a
   * second one. Pass your own (and store it) to stay safe across process restarts too.
   * @default a random UUID, the same for every retry of this call
   */
  idempotencyKey?: string;
}

/**
 * Reads and waits on the status of video-translation jobs.
 *
 * @example
 * const client = new TranslationStatusClient({ baseUrl: "http://localhost:8000" });
 * const { status } = await client.waitForCompletion({ jobId: "job_123", maxWaitMs: 60_000 });
 *
 * @example The original single-job usage
 * ```ts
 * const client = new TranslationStatusClient("http://localhost:8000/status");
 * const final = await client.waitForCompletion({ maxWaitMs: 60_000, initialIntervalMs: 2_000, backoffFactor: 1.5 });
 * ```
 *
 * @example HeyGen's v2 video translation (or the simulator's copy of it)
 * ```ts
 * const client = new TranslationStatusClient({ baseUrl: "https://api.heygen.com", api: "heygen-v2", apiKey });
 * const { jobId } = await client.createJob({ video_url: "https://example.com/a.mp4", output_language: "Spanish" });
 * const { status } = await client.waitForCompletion({ jobId, maxWaitMs: 3_600_000 });
 * ```
 */
export class TranslationStatusClient<A extends ApiName = "jobs"> {
  readonly baseUrl: string;
  readonly statusUrl: string;
  /** The API's shape, from the `api` option. */
  readonly api: A;
  readonly #profile: ApiProfile;
  readonly #transport: TransportSettings;
  readonly #random: () => number;
  readonly #logger: Logger | undefined;
  readonly #model = new DurationModel();
  readonly #maxRetries: number;
  readonly #statusMap: StatusMap;
  readonly #shared: SharedReads;
  readonly #expectedDurations = new ExpectedDurations();

  /**
   * @param options client options, or the URL of a status resource (the original usage):
   * `"http://localhost:8000/status"` reads that URL, and jobs live beside it; client options
   * may follow it. An unknown option, or a value of the wrong type, throws a TypeError naming it.
   */
  constructor(options?: ClientOptions<A>);
  constructor(statusUrl: string, options?: Omit<ClientOptions<A>, "statusUrl">);
  constructor(first?: ClientOptions<A> | string, second?: Omit<ClientOptions<A>, "statusUrl">) {
    const resolved = resolveClientOptions<A>(first, second);
    this.#profile = profileFor(resolved.api ?? "jobs");
    this.api = this.#profile.name as A;
    this.baseUrl = resolved.baseUrl;
    this.statusUrl = resolved.statusUrl;

    const fetchImpl = resolved.fetch ?? globalThis.fetch?.bind(globalThis);
    if (typeof fetchImpl !== "function") {
      throw new TypeError('Option "fetch" is required where no global fetch exists');
    }
    const clock = resolved.clock ?? systemClock;
    this.#transport = {
      fetch: fetchImpl,
      clock,
      budget: new RequestBudget(
        {
          maxRequestsPerSecond: resolved.maxRequestsPerSecond,
          maxConcurrentRequests: resolved.maxConcurrentRequests,
        },
        clock,
      ),
      headers: {
        ...identityHeaders(resolved.clientName),
        ...apiKeyHeader(resolved.apiKey, this.#profile.apiKeyHeader),
        ...resolved.headers,
      },
      requestTimeoutMs: resolved.requestTimeoutMs,
      maxResponseBytes: resolved.maxResponseBytes,
    };
    this.#random = resolved.random ?? Math.random;
    this.#logger = resolved.logger;
    if (resolved.model !== undefined) this.#model.import(resolved.model);
    this.#maxRetries = resolved.maxRetries;
    this.#statusMap = checkStatusMap(resolved.statusMap ?? {});
    this.#shared = new SharedReads({
      clock,
      batch: async (ids, notAfter) => ({
        ...(await this.#batch(ids, undefined, notAfter, undefined)),
        eventsUrl: this.#eventsUrlOf(ids),
      }),
      openStream: (url, request, onEvent) =>
        readEventStream(this.#transport, { ...request, url, deadline: request.notAfter }, onEvent),
      observationOf: (url, data) => this.#observationOfEvent(url, data, {}),
      notFound: (url, id, code, message) => this.#notFound(url, String(id), code, message),
    });
  }

  /**
   * What this client has learned of how long jobs take, per `kind`: plain JSON to store and
   * hand back to `importModel()` (or the `model` option) after a restart.
   */
  exportModel(): DurationModelSnapshot {
    return this.#model.export();
  }

  /** Adds durations learned earlier, for instance by another process, to this client's. */
  importModel(snapshot: DurationModelSnapshot): void {
    this.#model.import(snapshot);
  }

  /**
   * Fetches a job's status: `GET {baseUrl}/jobs/{jobId}` (or the `api`'s own path), or the
   * `statusUrl` without an id.
   * A transient failure is retried `maxRetries` times; anything else fails with a typed error.
   */
  async getStatus(jobId?: string, options: RequestOptions = {}): Promise<StatusSnapshot> {
    const url = this.#statusUrlOf(jobId);
    return this.#retrying(options.signal, (attempt) =>
      this.#fetchSnapshot({
        method: "GET",
        url,
        signal: options.signal,
        timeoutMs: options.requestTimeoutMs,
        context: { jobId, attempts: attempt },
      }),
    );
  }

  /**
   * Creates a job with `POST {baseUrl}/jobs`, or the `api`'s own creation, whose body it takes.
   * Retried like the other single requests, safely: every attempt carries the same
   * `Idempotency-Key`, so the server makes one job at most. HeyGen v2 takes no such key, so
   * there only a 429 (a creation refused, never made) is retried.
   */
  async createJob(
    ...[options]: A extends "jobs"
      ? [options?: CreateJobOptions]
      : [options: CreateJobOptionsByApi[A]]
  ): Promise<StatusSnapshot> {
    const profile = this.#profile;
    const {
      signal,
      requestTimeoutMs,
      idempotencyKey = randomId(),
      ...body
    } = (options ?? {}) as CreateJobOptions;
    const request = (attempt: number): JsonRequest => ({
      method: "POST",
      url: profile.createUrl(this.baseUrl),
      // A FormData is built anew for each attempt: a sent body may not be reusable.
      body: profile.createBody === undefined ? body : profile.createBody(body),
      ...(profile.idempotentCreate && { headers: { "idempotency-key": idempotencyKey } }),
      signal,
      timeoutMs: requestTimeoutMs,
      context: { attempts: attempt },
    });
    const created = await this.#retrying(
      signal,
      async (attempt) => {
        const sent = request(attempt);
        const response = await requestJson(this.#transport, sent);
        return this.#snapshotOf(response, sent.context, profile.parseCreated);
      },
      profile.idempotentCreate ? undefined : (error) => error instanceof RateLimitError,
    );
    this.#expectedDurations.remember(created);
    return created;
  }

  /** Cancels a pending job with `DELETE {baseUrl}/jobs/{jobId}`; resolves with its new status. */
  async cancelJob(jobId: string, options: RequestOptions = {}): Promise<StatusSnapshot> {
    this.#requireExtras("cancelJob");
    const url = this.#statusUrlOf(checkJobId(jobId));
    return this.#retrying(options.signal, (attempt) =>
      this.#fetchSnapshot({
        method: "DELETE",
        url,
        signal: options.signal,
        timeoutMs: options.requestTimeoutMs,
        context: { jobId, attempts: attempt },
      }),
    );
  }

  /**
   * Waits until the job is `completed`, `error` or `cancelled`, with the fewest requests and
   * the least delay it can: it uses the server's push stream or long-polling when advertised,
   * its poll hints (`Poll-After-Ms`, `Retry-After`, estimated completion) when given, what it
   * learned of jobs of the same `kind`, and otherwise capped backoff with jitter; the last
   * poll happens at the deadline, and every request is cut to the time left. An outage
   * (network errors, timeouts, 408, 425, 429, 5xx, a gateway's page) is retried until the
   * deadline, at most 15 s apart; before the first answer, a wrong URL or key rejects at once.
   * Concurrent waits in `auto` mode share batch reads and the multiplexed stream where offered.
   *
   * @param jobIdOrOptions the job's id, or the wait's options (with `jobId`).
   * @returns the terminal status, the number of requests made and the time waited.
   * @throws WaitTimeoutError when `maxWaitMs` passes first (the job may still be running).
   * @throws the signal's reason when `signal` aborts.
   */
  async waitForCompletion(jobIdOrOptions: string | WaitOptions = {}): Promise<WaitResult> {
    // A string is the job id, as with getStatus(jobId).
    const options =
      typeof jobIdOrOptions === "string" ? { jobId: checkJobId(jobIdOrOptions) } : jobIdOrOptions;
    resolveWaitOptions(options);
    if (options.mode === "stream") this.#requireExtras('mode "stream"');
    const { jobId } = options;
    // A creation's expected duration (ElevenLabs) places the polls, unless the caller says.
    const expectedDurationMs = options.expectedDurationMs ?? this.#expectedDurations.of(jobId);
    const url = this.#statusUrlOf(jobId);
    const timeoutMs = options.requestTimeoutMs ?? this.#transport.requestTimeoutMs;
    // Concurrent waits in auto mode share batch reads and multiplexed streams where offered.
    const shared =
      jobId !== undefined && (options.mode ?? "auto") === "auto" && this.#profile.jobsExtras
        ? this.#shared
        : undefined;
    return waitLoop(
      {
        statusUrl: url,
        poll: async ({ attempt, signal, preferWaitMs, notAfter }) => {
          if (shared && preferWaitMs === undefined) {
            const observation = await untilAborted(shared.poll(jobId!, notAfter), signal);
            if (observation) return observation;
          }
          const waitSeconds = Math.floor((preferWaitMs ?? 0) / 1_000);
          const request: JsonRequest = {
            method: "GET",
            url,
            signal,
            timeoutMs: timeoutMs + waitSeconds * 1_000,
            context: { jobId, attempts: attempt },
            notAfter,
            deadline: notAfter,
          };
          if (waitSeconds > 0) request.headers = { prefer: `wait=${waitSeconds}` };
          const response = await requestJson(this.#transport, request);
          return {
            snapshot: this.#snapshotOf(response, request.context),
            hints: readHints(response.headers, response.body, url, this.#transport.clock.now()),
          };
        },
        stream: ({
          attempt,
          url: eventsUrl,
          signal,
          state,
          idleTimeoutMs,
          notAfter,
          onObservation,
        }) => {
          const context = { jobId, attempts: attempt };
          if (shared?.owns(eventsUrl)) {
            return shared.stream(
              eventsUrl,
              jobId!,
              { signal, state, idleTimeoutMs, notAfter },
              onObservation,
            );
          }
          return readEventStream(
            this.#transport,
            {
              url: eventsUrl,
              signal,
              timeoutMs,
              idleTimeoutMs,
              state,
              context,
              notAfter,
              deadline: notAfter,
            },
            (event) => onObservation(this.#observationOfEvent(eventsUrl, event.data, context)),
          );
        },
        clock: this.#transport.clock,
        random: this.#random,
        logger: this.#logger,
        model: this.#model,
      },
      expectedDurationMs === undefined ? options : { ...options, expectedDurationMs },
    );
  }

  /**
   * Waits on many jobs at once and yields each one's outcome the moment it is known: a
   * terminal status, or the error that ended the wait on that job (not found, timed out, its
   * own signal). Jobs due at about the same time are polled in one batch request
   * (`GET /jobs?ids=...`), and a server's multiplexed stream (`GET /events?ids=...`) serves a
   * whole batch on one connection; without either, each job is waited on alone. All of it
   * draws from this client's request budget. The wait's `signal` aborts it all (the iterator
   * throws its reason); a job's own `signal` ends the wait on that job only.
   *
   * @example
   * for await (const outcome of client.waitForEach(ids, { maxWaitMs: 3_600_000 })) {
   *   if (outcome.ok) console.log(outcome.jobId, outcome.result.status);
   * }
   */
  waitForEach(jobs: Iterable<JobRef>, options: WaitManyOptions = {}): AsyncGenerator<JobOutcome> {
    let streamAdvertised = false;
    return waitMany(
      {
        clock: this.#transport.clock,
        random: this.#random,
        logger: this.#logger,
        model: this.#model,
        batch: async (ids, signal, notAfter) => {
          const answer = await this.#batch(ids, signal, notAfter, options.requestTimeoutMs);
          streamAdvertised = answer.streamAdvertised;
          return answer;
        },
        streamAdvertised: () => streamAdvertised,
        stream: ({ ids, signal, state, idleTimeoutMs, notAfter, onSnapshot, onMissing }) => {
          const url = this.#eventsUrlOf(ids);
          return readEventStream(
            this.#transport,
            {
              url,
              signal,
              idleTimeoutMs,
              state,
              notAfter,
              deadline: notAfter,
              timeoutMs: options.requestTimeoutMs,
            },
            (event) => {
              if (event.event === "end") return true;
              // Jobs come as progress, done (or unnamed) events; others (open, ...) are not ours.
              if (!["progress", "done", "message", "missing"].includes(event.event)) return false;
              const body = parseJson(event.data);
              if (event.event === "missing") {
                const { id, code, message } = (body ?? {}) as Record<string, unknown>;
                if (typeof id === "string") {
                  onMissing(id, this.#notFound(url, id, code, message));
                }
                return false;
              }
              onSnapshot(this.#observationOfEvent(url, event.data, {}).snapshot);
              return false;
            },
          ).then(() => undefined);
        },
        waitOne: (jobId, waitOptions) => this.waitForCompletion({ ...waitOptions, jobId }),
      },
      jobs,
      options,
    );
  }

  /**
   * Waits on many jobs at once (see `waitForEach`) and resolves with every job's outcome, in
   * the order given. A failed or missing job is an outcome, not a rejection.
   */
  async waitForAll(jobs: Iterable<JobRef>, options: WaitManyOptions = {}): Promise<JobOutcome[]> {
    const refs = [...jobs];
    const outcomes = new Map<string, JobOutcome>();
    for await (const outcome of this.waitForEach(refs, options))
      outcomes.set(outcome.jobId, outcome);
    const order = [...new Set(refs.map((ref) => (typeof ref === "string" ? ref : ref.jobId)))];
    return order.map((jobId) => outcomes.get(jobId)!);
  }

  /** One batch status request; BatchUnsupported when the server cannot answer it. */
  async #batch(
    ids: string[],
    signal: AbortSignal | undefined,
    notAfter: number,
    requestTimeoutMs: number | undefined,
  ): Promise<BatchObservation & { streamAdvertised: boolean }> {
    if (!this.#profile.jobsExtras) {
      throw new BatchUnsupported(`The ${this.api} API has no batch reads`);
    }
    const url = `${this.baseUrl}/jobs?ids=${ids.map(encodeURIComponent).join(",")}`;
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
      // 400: the server does not know `ids`; 404/405/501: no such endpoint.
      if (error instanceof HttpError && [400, 404, 405, 501].includes(error.status)) {
        throw new BatchUnsupported(error.message, { cause: error });
      }
      throw error;
    }
    const body = response.body as {
      data?: unknown;
      errors?: unknown;
      pollAfterMs?: unknown;
    };
    const observation: BatchObservation = {
      snapshots: new Map(),
      missing: new Map(),
      pollAfterMs: new Map(),
    };
    if (Array.isArray(body.data)) {
      for (const item of body.data) {
        const snapshot = this.#snapshotOf({ ...response, body: item }, {});
        if (snapshot.jobId !== undefined) observation.snapshots.set(snapshot.jobId, snapshot);
      }
    }
    if (Array.isArray(body.errors)) {
      for (const item of body.errors as Array<Record<string, unknown>>) {
        if (typeof item?.id === "string") {
          observation.missing.set(item.id, this.#notFound(url, item.id, item.code, item.message));
        }
      }
    }
    if (typeof body.pollAfterMs === "object" && body.pollAfterMs !== null) {
      for (const [id, value] of Object.entries(body.pollAfterMs)) {
        if (typeof value === "number" && value >= 0) observation.pollAfterMs.set(id, value);
      }
    }
    // A server that ignored `ids` (and answered, say, its first page of jobs) cannot batch.
    if (!ids.every((id) => observation.snapshots.has(id) || observation.missing.has(id))) {
      throw new BatchUnsupported(`GET ${url} did not answer for every id asked`);
    }
    const links = parseLinkHeader(response.headers.get("link"));
    return { ...observation, streamAdvertised: findLink(links, "events", url) !== undefined };
  }

  /** The multiplexed stream of some jobs. */
  #eventsUrlOf(ids: string[]): string {
    return `${this.baseUrl}/events?ids=${ids.map(encodeURIComponent).join(",")}`;
  }

  #notFound(url: string, jobId: string, code: unknown, message: unknown): NotFoundError {
    return new NotFoundError(
      {
        method: "GET",
        url,
        status: 404,
        code: typeof code === "string" ? code : "job_not_found",
        bodyExcerpt: typeof message === "string" ? message : undefined,
      },
      { jobId },
      `No job ${jobId} at ${this.baseUrl}`,
    );
  }

  #statusUrlOf(jobId: string | undefined): string {
    if (jobId === undefined) {
      // The single-job `/status` resource is ours: HeyGen's APIs only have jobs.
      this.#requireExtras("A call without a jobId");
      return this.statusUrl;
    }
    return this.#profile.jobUrl(this.baseUrl, checkJobId(jobId));
  }

  /** A TypeError for what only our own API offers. */
  #requireExtras(what: string): void {
    if (this.#profile.jobsExtras) return;
    throw new TypeError(`${what} is not available with api "${this.api}"`);
  }

  #retrying<T>(
    signal: AbortSignal | undefined,
    send: (attempt: number) => Promise<T>,
    retryable?: (error: unknown) => boolean,
  ): Promise<T> {
    return withRetries(send, {
      maxRetries: this.#maxRetries,
      clock: this.#transport.clock,
      random: this.#random,
      signal,
      ...(retryable !== undefined && { retryable }),
    });
  }

  async #fetchSnapshot(request: JsonRequest): Promise<StatusSnapshot> {
    const response = await requestJson(this.#transport, request);
    return this.#snapshotOf(response, request.context);
  }

  #snapshotOf(
    response: JsonResponse,
    context: ErrorContext | undefined,
    parse: ApiProfile["parseStatus"] = this.#profile.parseStatus,
  ): StatusSnapshot {
    try {
      return parse(response.body, this.#statusMap);
    } catch (cause) {
      if (!(cause instanceof ShapeError)) throw cause;
      throw new UnexpectedResponseError(cause.message, response.details, { ...context, cause });
    }
  }

  /** A stream event's data is a job, as a poll would have returned it. */
  #observationOfEvent(url: string, data: string, context: ErrorContext): Observation {
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
}

function checkJobId(jobId: string): string {
  if (typeof jobId !== "string" || jobId.length === 0) {
    throw new TypeError(`Option "jobId" must be a non-empty string, got ${JSON.stringify(jobId)}`);
  }
  return jobId;
}

const JOB_STATUSES: readonly string[] = ["pending", "completed", "error", "cancelled"];

function checkStatusMap(map: StatusMap): StatusMap {
  for (const [name, status] of Object.entries(map)) {
    if (!JOB_STATUSES.includes(status)) {
      throw new TypeError(
        `Option "statusMap" maps ${JSON.stringify(name)} to ${JSON.stringify(status)}; expected one of ${JOB_STATUSES.join(", ")}`,
      );
    }
  }
  return { ...map };
}

/** The key in `X-Api-Key` (or the API's own header); a TypeError naming `apiKey` if invalid. */
function apiKeyHeader(apiKey: string | undefined, header = "x-api-key"): Record<string, string> {
  if (apiKey === undefined) return {};
  if (typeof apiKey !== "string" || !/^[\x21-\x7e]+$/.test(apiKey)) {
    throw new TypeError('Option "apiKey" must be a non-empty string of visible ASCII characters');
  }
  return { [header]: apiKey };
}
