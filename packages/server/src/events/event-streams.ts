import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { deriveState } from "../jobs/derive.js";
import type { JobRecord } from "../jobs/record.js";
import type { JobWatch } from "./job-watch.js";
import type { Scheduler } from "./scheduler.js";
import { HEARTBEAT, SSE_HEADERS, formatEvent } from "./sse-format.js";

export interface EventStreamsOptions {
  scheduler: Scheduler;
  watch: JobWatch;
  now: () => number;
  /** A `progress` event to every open stream this often, in ms; 0 turns them off. */
  progressIntervalMs: number;
  /** A heartbeat comment to streams that sent nothing for this long, in ms; 0 turns them off. */
  heartbeatMs: number;
  /** The `retry:` field of the first block, in ms. */
  retryMs: number;
}

/** What a stream is about: a job's record and how to show it (job view or legacy view). */
export interface StreamSubject {
  record: JobRecord;
  render: (record: JobRecord, now: number) => unknown;
  /** Told each time the stream sends the job's `done` event, and when. */
  onDone?: ((record: JobRecord, at: number) => void) | undefined;
}

interface Stream {
  response: ServerResponse;
  record: JobRecord;
  render: StreamSubject["render"];
  onDone: StreamSubject["onDone"];
  /** `write()` said the buffer is full: skip progress and heartbeats until 'drain'. */
  blocked: boolean;
  lastWriteAt: number;
  /** Undoes everything `open` registered; idempotent. */
  close: () => void;
}

/** The id of an event: ms since the job's creation at which the state it carries was observed. */
export function eventId(record: JobRecord, observedAt: number): number {
  return Math.max(0, observedAt - record.createdAt);
}

/** The id the `done` event of a terminal job carries, or undefined while it is pending. */
export function doneEventId(record: JobRecord, now: number): number | undefined {
  const { status, updatedAt } = deriveState(record, now);
  return status === "pending" ? undefined : eventId(record, updatedAt);
}

/**
 * Open Server-Sent Event streams. Completion comes from the job watch (so `done` goes out the
 * moment the scheduler wakes it); progress and heartbeats come from one shared ticker, two
 * entries in the scheduler that exist only while streams do.
 */
export class EventStreams {
  readonly #options: EventStreamsOptions;
  readonly #streams = new Set<Stream>();
  #cancelProgressTick: (() => void) | undefined;
  #cancelHeartbeatTick: (() => void) | undefined;
  #closed = false;

  constructor(options: EventStreamsOptions) {
    this.#options = options;
  }

  /** Streams open right now. */
  get size(): number {
    return this.#streams.size;
  }

  /**
   * Starts a 200 text/event-stream on `response` (already hijacked from Fastify): the current
   * state first, then progress until `done`, after which the response ends.
   */
  open(response: ServerResponse, subject: StreamSubject, headers: OutgoingHttpHeaders): void {
    const { now, retryMs } = this.#options;
    // Gone while the route was reading the job: nothing to stream to.
    if (response.destroyed) return;
    response.writeHead(200, { ...headers, ...SSE_HEADERS });
    const at = now();
    const { record, render, onDone } = subject;
    if (deriveState(record, at).status !== "pending" || this.#closed) {
      response.end(this.#block(record, render, at, retryMs));
      if (deriveState(record, at).status !== "pending") onDone?.(record, at);
      return;
    }

    const stream: Stream = {
      response,
      record,
      render,
      onDone,
      blocked: false,
      lastWriteAt: at,
      close: () => {},
    };
    const onDrain = () => {
      stream.blocked = false;
    };
    const onClose = () => stream.close();
    const stopWatching = this.#options.watch.watch(record, (updated) =>
      this.#finish(stream, updated),
    );
    stream.close = () => {
      if (!this.#streams.delete(stream)) return;
      stopWatching();
      response.off("drain", onDrain);
      response.off("close", onClose);
      if (this.#streams.size === 0) this.#stopTicker();
    };
    response.on("drain", onDrain);
    response.on("close", onClose);
    // Fastify no longer guards this response: an error on it only ever means "gone", and must
    // not go unhandled even after the stream is closed.
    response.on("error", onClose);
    this.#streams.add(stream);
    if (this.#streams.size === 1) this.#startTicker();
    this.#write(stream, this.#block(record, render, at, retryMs), at);
  }

  /** Ends every stream and opens no more; for `app.close()`. Clients reconnect elsewhere. */
  closeAll(): void {
    this.#closed = true;
    for (const stream of [...this.#streams]) {
      stream.close();
      stream.response.end();
    }
  }

  /** `progress` while pending, else `done`; with `retry` for the first block of a stream. */
  #block(record: JobRecord, render: StreamSubject["render"], at: number, retry?: number): string {
    const doneId = doneEventId(record, at);
    return formatEvent({
      ...(retry !== undefined && { retry }),
      id: String(doneId ?? eventId(record, at)),
      event: doneId === undefined ? "progress" : "done",
      data: JSON.stringify(render(record, at)),
    });
  }

  #finish(stream: Stream, updated: JobRecord | undefined): void {
    const at = this.#options.now();
    const record = updated ?? stream.record;
    stream.close();
    // Never skipped, blocked or not: the buffer takes it and end() flushes it.
    stream.response.end(this.#block(record, stream.render, at));
    if (deriveState(record, at).status !== "pending") stream.onDone?.(record, at);
  }

  #write(stream: Stream, chunk: string, at: number): void {
    const { response } = stream;
    if (response.destroyed || response.writableEnded) return;
    stream.lastWriteAt = at;
    if (!response.write(chunk)) stream.blocked = true;
  }

  #startTicker(): void {
    const { scheduler, now, progressIntervalMs, heartbeatMs } = this.#options;
    if (progressIntervalMs > 0 && this.#cancelProgressTick === undefined) {
      this.#cancelProgressTick = scheduler.schedule(now() + progressIntervalMs, () =>
        this.#progressTick(),
      );
    }
    if (heartbeatMs > 0 && this.#cancelHeartbeatTick === undefined) {
      this.#cancelHeartbeatTick = scheduler.schedule(now() + heartbeatMs, () =>
        this.#heartbeatTick(),
      );
    }
  }

  #stopTicker(): void {
    this.#cancelProgressTick?.();
    this.#cancelHeartbeatTick?.();
    this.#cancelProgressTick = undefined;
    this.#cancelHeartbeatTick = undefined;
  }

  #progressTick(): void {
    const { scheduler, now, progressIntervalMs } = this.#options;
    const at = now();
    for (const stream of this.#streams) {
      // A stream whose job ended at this very tick gets `done` from the watch instead.
      if (stream.blocked || deriveState(stream.record, at).status !== "pending") continue;
      this.#write(stream, this.#block(stream.record, stream.render, at), at);
    }
    this.#cancelProgressTick = scheduler.schedule(at + progressIntervalMs, () =>
      this.#progressTick(),
    );
  }

  #heartbeatTick(): void {
    const { scheduler, now, heartbeatMs } = this.#options;
    const at = now();
    for (const stream of this.#streams) {
      if (!stream.blocked && at - stream.lastWriteAt >= heartbeatMs) {
        this.#write(stream, HEARTBEAT, at);
      }
    }
    this.#cancelHeartbeatTick = scheduler.schedule(at + heartbeatMs, () => this.#heartbeatTick());
  }
}
