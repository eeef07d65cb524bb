import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { deriveState } from "../jobs/derive.js";
import type { JobRecord } from "../jobs/record.js";
import type { JobWatch } from "./job-watch.js";
import type { Scheduler } from "./scheduler.js";
import { HEARTBEAT, SSE_HEADERS, formatEvent } from "./sse-format.js";

export interface MultiplexedStreamsOptions {
  scheduler: Scheduler;
  watch: JobWatch;
  now: () => number;
  /** A heartbeat comment to streams that sent nothing for this long, in ms; 0 turns them off. */
  heartbeatMs: number;
  /** The `retry:` field of the first block, in ms. */
  retryMs: number;
}

/** What one multiplexed stream is about. */
export interface MultiplexedSubject {
  records: JobRecord[];
  /** Ids asked about that have no job: each gets one `missing` event. */
  missing: string[];
  render: (record: JobRecord, now: number) => unknown;
  /** A resuming client's `Last-Event-ID` (epoch ms): jobs that ended by then are not sent again. */
  lastEventId: number | undefined;
  /** Told each time the stream sends a job's `done` event, and when. */
  onDone?: ((record: JobRecord, at: number) => void) | undefined;
}

interface Stream {
  response: ServerResponse;
  lastWriteAt: number;
  close: () => void;
}

/**
 * Streams of many jobs over one connection (`GET /events?ids=...`): each job's state at once,
 * then a `done` event for each the moment it ends, and `end` once none is left. Event ids are
 * the epoch ms of the moment written, so a client resuming with `Last-Event-ID` is not sent the
 * ends it already has. Completions come from the job watch, heartbeats from one shared tick.
 */
export class MultiplexedStreams {
  readonly #options: MultiplexedStreamsOptions;
  readonly #streams = new Set<Stream>();
  #cancelTick: (() => void) | undefined;
  #closed = false;

  constructor(options: MultiplexedStreamsOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#streams.size;
  }

  /** Whether a resuming client already has everything: every job ended by its last event. */
  static complete(subject: MultiplexedSubject, now: number): boolean {
    const { lastEventId } = subject;
    if (lastEventId === undefined || subject.missing.length > 0) return false;
    return subject.records.every((record) => {
      const { status, updatedAt } = deriveState(record, now);
      return status !== "pending" && updatedAt <= lastEventId;
    });
  }

  open(response: ServerResponse, subject: MultiplexedSubject, headers: OutgoingHttpHeaders): void {
    const { now, retryMs, watch } = this.#options;
    if (response.destroyed) return;
    response.writeHead(200, { ...headers, ...SSE_HEADERS });
    const at = now();
    let first = formatEvent({ retry: retryMs, event: "open", data: "{}" });
    for (const id of subject.missing) {
      first += formatEvent({
        event: "missing",
        data: JSON.stringify({ id, code: "job_not_found", message: `No job ${id}` }),
      });
    }
    const pending: JobRecord[] = [];
    for (const record of subject.records) {
      const { status, updatedAt } = deriveState(record, at);
      if (status === "pending") pending.push(record);
      else if (subject.lastEventId !== undefined && updatedAt <= subject.lastEventId) continue;
      else subject.onDone?.(record, at);
      first += this.#event(record, subject.render, at);
    }
    if (pending.length === 0 || this.#closed) {
      response.end(first + formatEvent({ id: String(at), event: "end", data: "{}" }));
      return;
    }

    const stream: Stream = { response, lastWriteAt: at, close: () => {} };
    let left = pending.length;
    const stops = pending.map((record) =>
      watch.watch(record, (updated) => {
        const when = now();
        this.#write(stream, this.#event(updated ?? record, subject.render, when), when);
        subject.onDone?.(updated ?? record, when);
        left -= 1;
        if (left === 0) {
          stream.close();
          response.end(formatEvent({ id: String(when), event: "end", data: "{}" }));
        }
      }),
    );
    const onClose = () => stream.close();
    stream.close = () => {
      if (!this.#streams.delete(stream)) return;
      for (const stop of stops) stop();
      response.off("close", onClose);
      if (this.#streams.size === 0) this.#stopTick();
    };
    response.on("close", onClose);
    response.on("error", onClose);
    this.#streams.add(stream);
    if (this.#streams.size === 1) this.#startTick();
    this.#write(stream, first, at);
  }

  closeAll(): void {
    this.#closed = true;
    for (const stream of [...this.#streams]) {
      stream.close();
      stream.response.end();
    }
  }

  #event(record: JobRecord, render: MultiplexedSubject["render"], at: number): string {
    const pending = deriveState(record, at).status === "pending";
    return formatEvent({
      id: String(at),
      event: pending ? "progress" : "done",
      data: JSON.stringify(render(record, at)),
    });
  }

  #write(stream: Stream, chunk: string, at: number): void {
    const { response } = stream;
    if (response.destroyed || response.writableEnded) return;
    stream.lastWriteAt = at;
    response.write(chunk);
  }

  #startTick(): void {
    const { scheduler, now, heartbeatMs } = this.#options;
    if (heartbeatMs > 0 && this.#cancelTick === undefined) {
      this.#cancelTick = scheduler.schedule(now() + heartbeatMs, () => this.#tick());
    }
  }

  #stopTick(): void {
    this.#cancelTick?.();
    this.#cancelTick = undefined;
  }

  #tick(): void {
    const { scheduler, now, heartbeatMs } = this.#options;
    const at = now();
    for (const stream of this.#streams) {
      if (at - stream.lastWriteAt >= heartbeatMs) this.#write(stream, HEARTBEAT, at);
    }
    this.#cancelTick = scheduler.schedule(at + heartbeatMs, () => this.#tick());
  }
}
