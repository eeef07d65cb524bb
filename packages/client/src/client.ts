import { checkJobId, checkStatusMap, resolveClientOptions, transportOf } from "./client-options.js";
import type {
  CreateJobOptions,
  RequestOptions,
  SimulatorCreateJobOptions,
} from "./create-options.js";
import { RateLimitError } from "./errors/RateLimitError.js";
import { ExpectedDurations } from "./expected-durations.js";
import { untilAborted } from "./internal/abort.js";
import { randomId } from "./internal/random-id.js";
import { DurationModel, type DurationModelSnapshot } from "./learned.js";
import type { ClientOptions, WaitOptions } from "./options.js";
import {
  profileFor,
  type ApiName,
  type ApiProfile,
  type CreateJobOptionsByApi,
} from "./profiles/index.js";
import { JobReader } from "./reader.js";
import { withRetries } from "./retry.js";
import { SharedReads } from "./shared-reads.js";
import type { JsonRequest, TransportSettings } from "./transport/http.js";
import type { Logger, StatusSnapshot, WaitResult } from "./types.js";
import { waitLoop } from "./wait.js";
import { waitMany } from "./wait-many.js";
import type { JobOutcome, JobRef, WaitManyOptions } from "./wait-many-options.js";
import { resolveWaitOptions } from "./wait-options.js";

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
  readonly #reader: JobReader;
  readonly #random: () => number;
  readonly #logger: Logger | undefined;
  readonly #model = new DurationModel();
  readonly #maxRetries: number;
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

    this.#transport = transportOf(resolved, this.#profile);
    this.#random = resolved.random ?? Math.random;
    this.#logger = resolved.logger;
    if (resolved.model !== undefined) this.#model.import(resolved.model);
    this.#maxRetries = resolved.maxRetries;
    const reader = new JobReader(
      this.#transport,
      this.#profile,
      this.baseUrl,
      checkStatusMap(resolved.statusMap ?? {}),
    );
    this.#reader = reader;
    this.#shared = new SharedReads({
      clock: this.#transport.clock,
      batch: async (ids, notAfter) => ({
        ...(await reader.batch(ids, undefined, notAfter, undefined)),
        eventsUrl: reader.eventsUrl(ids),
      }),
      openStream: (url, request, onRead) => reader.streamMany(url, request, onRead),
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
      this.#reader.snapshot({
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
   * there only a 429 (a creation refused, never made) is retried. A `409 request_in_progress`
   * (the first attempt still being served) is asked again shortly, with the same key.
   */
  async createJob(
    ...[options]: A extends "jobs"
      ? [options?: CreateJobOptions & SimulatorCreateJobOptions]
      : [options: CreateJobOptionsByApi[A]]
  ): Promise<StatusSnapshot> {
    const profile = this.#profile;
    const {
      signal,
      requestTimeoutMs,
      idempotencyKey = randomId(),
      ...body
    } = (options ?? {}) as CreateJobOptions;
    const created = await this.#retrying(
      signal,
      (attempt) =>
        this.#reader.snapshot(
          {
            method: "POST",
            url: profile.createUrl(this.baseUrl),
            // A FormData is built anew for each attempt: a sent body may not be reusable.
            body: profile.createBody === undefined ? body : profile.createBody(body),
            ...(profile.idempotentCreate && { headers: { "idempotency-key": idempotencyKey } }),
            signal,
            timeoutMs: requestTimeoutMs,
            context: { attempts: attempt },
          },
          profile.parseCreated,
        ),
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
      this.#reader.snapshot({
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
    const reader = this.#reader;
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
          return reader.observe(request);
        },
        stream: ({ attempt, url: eventsUrl, onObservation, ...opening }) => {
          if (shared?.owns(eventsUrl)) {
            return shared.stream(eventsUrl, jobId!, opening, onObservation);
          }
          const context = { jobId, attempts: attempt };
          return reader.streamJob(eventsUrl, { ...opening, timeoutMs, context }, onObservation);
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
   * (`GET /jobs?ids=...`, or HeyGen v3's bulk statuses read), and a server's multiplexed stream (`GET /events?ids=...`) serves a
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
    const reader = this.#reader;
    const timeoutMs = options.requestTimeoutMs;
    return waitMany(
      {
        clock: this.#transport.clock,
        random: this.#random,
        logger: this.#logger,
        model: this.#model,
        maxIds: reader.maxIds,
        streams: reader.streams,
        batch: (ids, signal, notAfter) => reader.batch(ids, signal, notAfter, timeoutMs),
        stream: async ({ ids, onRead, ...opening }) => {
          const url = reader.eventsUrl(ids);
          await reader.streamMany(url, { ...opening, timeoutMs }, (read) => {
            onRead(read);
            return read.type === "end";
          });
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
}
