import type { Clock, FetchLike } from "../../packages/client/src/index.js";
import { doneEventId } from "../../packages/server/src/events/event-ids.js";
import {
  HEARTBEAT,
  formatEvent,
  parseLastEventId,
} from "../../packages/server/src/events/sse-format.js";
import { deriveState } from "../../packages/server/src/jobs/derive.js";
import type { JobRecord } from "../../packages/server/src/jobs/record.js";
import { toJobView } from "../../packages/server/src/jobs/view.js";
import { jobLinks, pollHintFor } from "../../packages/server/src/routes/job-reply.js";
import { preferredWait } from "../../packages/server/src/routes/prefer.js";
import { retryAfterSeconds } from "../../packages/server/src/jobs/hints.js";
import type { JobSpec } from "./jobs.js";

export interface SimulatedBackendOptions {
  /** The clock the jobs live on; the client must share it. */
  clock: Clock;
  /**
   * Poll-After-Ms, Retry-After, estimatedCompletionAt, completedAt and Link. Without them the
   * backend says nothing but the status, like the original `/status`.
   * @default true
   */
  hints?: boolean;
  /** Bound on the relative error of the estimates (the server's `etaError`). @default 0.2 */
  etaError?: number;
  /** Honour `Prefer: wait=N`. @default the value of `hints` */
  longPoll?: boolean;
  /** Serve `GET /jobs/:id/events`. @default the value of `hints` */
  stream?: boolean;
  /** Longest hold, in seconds, as the server's `maxWaitSeconds`. @default 60 */
  maxWaitSeconds?: number;
  /** A `progress` event this often; sparse to keep the simulation fast. @default 30_000 */
  sseProgressIntervalMs?: number;
  /** A heartbeat after this much silence, as the server. @default 15_000 */
  sseHeartbeatMs?: number;
  /** The `retry:` of the first block, as the server. @default 1_000 */
  sseRetryMs?: number;
}

/** One request as the backend saw it, times in ms since the job's creation. */
export interface TraceEntry {
  kind: "poll" | "long-poll" | "stream";
  sentAt: number;
  /** When the answer was sent; for a stream, when it ended. */
  endedAt: number;
  /** The status answered (for a stream, the last one sent). */
  status: string;
  /** The Poll-After-Ms sent with it, if any. */
  pollAfterMs?: number;
}

interface SimJob {
  record: JobRecord;
  requests: number;
  trace: TraceEntry[];
}

export const SIM_BASE_URL = "http://simulated.invalid";

/**
 * A `fetch` that answers `GET /jobs/:id` and `GET /jobs/:id/events` for jobs held in memory, on
 * a virtual clock, with the real server's pure job logic (state, estimates, poll hints, view,
 * Link, Prefer parsing, SSE format), so the simulation and the server cannot disagree.
 */
export class SimulatedBackend {
  readonly fetch: FetchLike;
  readonly #clock: Clock;
  readonly #hints: boolean;
  readonly #etaError: number;
  readonly #longPoll: boolean;
  readonly #stream: boolean;
  readonly #maxWaitSeconds: number;
  readonly #progressMs: number;
  readonly #heartbeatMs: number;
  readonly #retryMs: number;
  readonly #jobs = new Map<string, SimJob>();
  #sequence = 0;

  constructor(options: SimulatedBackendOptions) {
    this.#clock = options.clock;
    this.#hints = options.hints ?? true;
    this.#etaError = options.etaError ?? 0.2;
    this.#longPoll = options.longPoll ?? this.#hints;
    this.#stream = options.stream ?? this.#hints;
    this.#maxWaitSeconds = options.maxWaitSeconds ?? 60;
    this.#progressMs = options.sseProgressIntervalMs ?? 30_000;
    this.#heartbeatMs = options.sseHeartbeatMs ?? 15_000;
    this.#retryMs = options.sseRetryMs ?? 1_000;
    this.fetch = (input, init) => this.#handle(input, init);
  }

  /** Creates a job now, with the given fate. */
  createJob(spec: JobSpec): JobRecord {
    this.#sequence += 1;
    const record: JobRecord = {
      id: `job_sim${this.#sequence}`,
      createdAt: this.#clock.now(),
      pendingDurationMs: spec.durationMs,
      outcome: spec.outcome,
      ...(spec.failure && { failure: spec.failure }),
      etaError: this.#etaError,
      etaBias: spec.etaBias,
      metadata: {},
    };
    this.#jobs.set(record.id, { record, requests: 0, trace: [] });
    return record;
  }

  /** Requests made for the job so far (a stream counts once). */
  requestsOf(id: string): number {
    return this.#jobs.get(id)?.requests ?? 0;
  }

  traceOf(id: string): readonly TraceEntry[] {
    return this.#jobs.get(id)?.trace ?? [];
  }

  /** Drops a finished job, to keep memory flat over thousands of jobs. */
  forget(id: string): void {
    this.#jobs.delete(id);
  }

  async #handle(input: string, init: RequestInit): Promise<Response> {
    init.signal?.throwIfAborted();
    const url = new URL(input);
    const match = /^\/jobs\/([^/]+)(\/events)?$/.exec(url.pathname);
    if (!match) return errorResponse(404, "route_not_found", `No route ${url.pathname}`);
    if ((init.method ?? "GET") !== "GET") {
      return errorResponse(405, "method_not_allowed", `${init.method} is not allowed here`);
    }
    const id = decodeURIComponent(match[1]!);
    const job = this.#jobs.get(id);
    if (!job) return errorResponse(404, "job_not_found", `No job with id ${JSON.stringify(id)}`);
    job.requests += 1;
    const headers = new Headers(init.headers);
    const signal = init.signal ?? undefined;
    if (match[2] === undefined) return this.#read(job, headers, signal);
    if (!this.#stream) return errorResponse(404, "route_not_found", `No route ${url.pathname}`);
    return this.#events(job, headers, signal);
  }

  /** `GET /jobs/:id`, held while pending when `Prefer: wait=N` asks and long-polling is on. */
  async #read(job: SimJob, request: Headers, signal: AbortSignal | undefined): Promise<Response> {
    const { record } = job;
    const sentAt = this.#clock.now();
    const headers = new Headers({ "content-type": "application/json; charset=utf-8" });
    const requested = this.#longPoll
      ? preferredWait(request.get("prefer") ?? undefined)
      : undefined;
    if (this.#longPoll) headers.set("vary", "Prefer");
    if (requested !== undefined) {
      const wait = Math.min(requested, this.#maxWaitSeconds);
      headers.set("preference-applied", `wait=${wait}`);
      if (wait > 0 && deriveState(record, sentAt).status === "pending") {
        // The server's scheduler wakes held requests at the completion moment itself.
        const endsAt = record.createdAt + record.pendingDurationMs;
        await this.#clock.sleep(Math.min(wait * 1_000, endsAt - sentAt), signal);
      }
    }
    const at = this.#clock.now();
    const entry: TraceEntry = {
      kind: requested === undefined ? "poll" : "long-poll",
      sentAt: sentAt - record.createdAt,
      endedAt: at - record.createdAt,
      status: deriveState(record, at).status,
    };
    if (this.#hints) {
      headers.set("link", this.#links(`/jobs/${encodeURIComponent(record.id)}`));
      const hint = pollHintFor(record, at);
      if (hint !== undefined) {
        headers.set("poll-after-ms", String(hint));
        headers.set("retry-after", String(retryAfterSeconds(hint)));
        entry.pollAfterMs = hint;
      }
    }
    job.trace.push(entry);
    return new Response(JSON.stringify(this.#view(record, at)), { status: 200, headers });
  }

  /** `GET /jobs/:id/events`: the state at once, sparse progress and heartbeats, `done` at the end. */
  #events(job: SimJob, request: Headers, signal: AbortSignal | undefined): Response {
    const { record } = job;
    const clock = this.#clock;
    const openedAt = clock.now();
    const doneAtOpen = doneEventId(record, openedAt);
    const lastId = parseLastEventId(request.get("last-event-id") ?? undefined);
    const entry: TraceEntry = {
      kind: "stream",
      sentAt: openedAt - record.createdAt,
      endedAt: openedAt - record.createdAt,
      status: deriveState(record, openedAt).status,
    };
    job.trace.push(entry);
    if (doneAtOpen !== undefined && lastId !== undefined && lastId >= doneAtOpen) {
      return new Response(null, { status: 204 });
    }

    const endsAt = record.createdAt + record.pendingDurationMs;
    const encoder = new TextEncoder();
    const block = (at: number, retry?: number) => {
      const doneId = doneEventId(record, at);
      return encoder.encode(
        formatEvent({
          ...(retry !== undefined && { retry }),
          id: String(doneId ?? at),
          event: doneId === undefined ? "progress" : "done",
          data: JSON.stringify(this.#view(record, at)),
        }),
      );
    };
    const sleeping = new AbortController();
    let ended = false;
    let lastProgress = openedAt;
    let lastWrite = openedAt;
    let streamController: ReadableStreamDefaultController<Uint8Array> | undefined;
    const end = () => {
      if (ended) return;
      ended = true;
      entry.endedAt = clock.now() - record.createdAt;
      entry.status = deriveState(record, clock.now()).status;
      sleeping.abort();
      signal?.removeEventListener("abort", onAbort);
    };
    // Like a real fetch: aborting the request errors the body being read.
    const onAbort = () => {
      streamController?.error(signal?.reason);
      end();
    };
    signal?.addEventListener("abort", onAbort, { once: true });

    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        streamController = controller;
        controller.enqueue(block(openedAt, this.#retryMs));
        if (doneAtOpen !== undefined) {
          controller.close();
          end();
        }
      },
      pull: async (controller) => {
        if (ended) return;
        const nextProgress = this.#progressMs > 0 ? lastProgress + this.#progressMs : Infinity;
        const nextBeat = this.#heartbeatMs > 0 ? lastWrite + this.#heartbeatMs : Infinity;
        const wakeAt = Math.min(endsAt, nextProgress, nextBeat);
        try {
          await clock.sleep(wakeAt - clock.now(), sleeping.signal);
        } catch {
          return;
        }
        if (ended) return;
        const at = clock.now();
        if (at >= endsAt) {
          controller.enqueue(block(at));
          controller.close();
          end();
        } else if (wakeAt === nextProgress) {
          controller.enqueue(block(at));
          lastProgress = lastWrite = at;
        } else {
          controller.enqueue(encoder.encode(HEARTBEAT));
          lastWrite = at;
        }
      },
      cancel: () => end(),
    });
    return new Response(body, {
      status: 200,
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    });
  }

  /** The job view; without hints, as a server that gives no estimate or completion time. */
  #view(record: JobRecord, at: number): object {
    const view = toJobView(record, at);
    if (this.#hints) return view;
    const { estimatedCompletionAt: _estimate, completedAt: _completed, ...bare } = view;
    return bare;
  }

  /** The server's own `Link` header, keeping only the ways this backend supports. */
  #links(path: string): string {
    const all = jobLinks(path, this.#maxWaitSeconds);
    if (this.#longPoll && this.#stream) return all;
    return all
      .split(/,\s*(?=<)/)
      .filter((link) =>
        link.includes('rel="events"')
          ? this.#stream
          : link.includes('rel="long-poll"')
            ? this.#longPoll
            : true,
      )
      .join(", ");
  }
}

function errorResponse(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}
