import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { JobRecord } from "../jobs/record.js";
import { doneEventId } from "./event-ids.js";
import type { JobWatch } from "./job-watch.js";
import type { Scheduler } from "./scheduler.js";
import { HEARTBEAT, SSE_HEADERS, formatEvent, type SseEvent } from "./sse-format.js";

export interface SseHubOptions {
  scheduler: Scheduler;
  watch: JobWatch;
  now: () => number;
  /** A `progress` event to every open job stream this often, in ms; 0 turns them off. */
  progressIntervalMs: number;
  /** A heartbeat comment to streams that sent nothing for this long, in ms; 0 turns them off. */
  heartbeatMs: number;
  /** The `retry:` field of the first block, in ms. */
  retryMs: number;
}

/**
 * `job`: one job (`/jobs/:id/events`, `/status/events`): its state, `progress` every interval,
 * `done`. `multiplexed`: many (`/events?ids=`): `open`, a `missing` per unknown id, each job's
 * state, a `done` as each ends, then `end`.
 */
export type StreamKind = "job" | "multiplexed";

/** What a stream is about. */
export interface StreamSubject {
  kind: StreamKind;
  records: readonly JobRecord[];
  /** Ids asked about that have no job: each gets one `missing` event (multiplexed only). */
  missing?: readonly string[] | undefined;
  /** How a job is shown (job view, or the legacy `/status` view). */
  render: (record: JobRecord, now: number) => unknown;
  /** A resuming client's `Last-Event-ID`: jobs that ended by then are not sent again. */
  lastEventId?: number | undefined;
  /** Told each time the stream sends a job's `done` event, and when. */
  onDone?: ((record: JobRecord, at: number) => void) | undefined;
}

interface Stream {
  kind: StreamKind;
  response: ServerResponse;
  /** The jobs whose `done` is still to come, by id, with the watch that brings it. */
  pending: Map<string, { record: JobRecord; stopWatching: () => void }>;
  render: StreamSubject["render"];
  onDone: StreamSubject["onDone"];
  /** `write()` said the buffer is full: skip progress and heartbeats until 'drain'. */
  blocked: boolean;
  lastWriteAt: number;
  /** Undoes everything `open` registered; idempotent. */
  close: () => void;
}

/**
 * Every open Server-Sent Event stream, of one job or of many. Completions come from the job
 * watch (so `done` goes out the moment the scheduler wakes it); progress and heartbeats from one
 * shared ticker, two scheduler entries that exist only while streams do. A reader that does not
 * keep up is sent no progress or heartbeats until its connection drains: what is buffered for it
 * is bounded by one `done` per job and the `end`. Event ids: see event-ids.ts.
 */
export class SseHub {
  readonly #options: SseHubOptions;
  readonly #streams = new Set<Stream>();
  readonly #open: Record<StreamKind, number> = { job: 0, multiplexed: 0 };
  #cancelProgressTick: (() => void) | undefined;
  #cancelHeartbeatTick: (() => void) | undefined;
  #closed = false;

  constructor(options: SseHubOptions) {
    this.#options = options;
  }

  /** Streams of this kind open right now. */
  openStreams(kind: StreamKind): number {
    return this.#open[kind];
  }

  /**
   * Starts a 200 text/event-stream on `response` (already hijacked from Fastify) and sends it
   * what `subject` says until every job has ended, after which the response ends.
   */
  open(response: ServerResponse, subject: StreamSubject, headers: OutgoingHttpHeaders): void {
    const { now, retryMs } = this.#options;
    // Gone while the route was reading the jobs: nothing to stream to.
    if (response.destroyed) return;
    response.writeHead(200, { ...headers, ...SSE_HEADERS });
    const at = now();
    const { kind, render, onDone, lastEventId } = subject;
    const events: SseEvent[] = [];
    if (kind === "multiplexed") events.push({ event: "open", data: "{}" });
    for (const id of subject.missing ?? []) {
      events.push({
        event: "missing",
        data: JSON.stringify({ id, code: "job_not_found", message: `No job ${id}` }),
      });
    }
    const pending: JobRecord[] = [];
    const ended: JobRecord[] = [];
    for (const record of subject.records) {
      const doneId = doneEventId(record, at);
      if (doneId === undefined) pending.push(record);
      else if (lastEventId === undefined || doneId > lastEventId) ended.push(record);
    }
    ended.sort(byDoneId(at));
    for (const record of ended) events.push(this.#doneEvent(record, render, at));
    for (const record of pending) events.push(this.#progressEvent(record, render, at));
    // Empty only for a client that has everything, which its route answers 204 first.
    if (events.length > 0) events[0] = { ...events[0]!, retry: retryMs };
    let first = events.map(formatEvent).join("");

    if (pending.length === 0 || this.#closed) {
      if (pending.length === 0 && kind === "multiplexed") first += this.#endEvent(at);
      response.end(first);
      for (const record of ended) onDone?.(record, at);
      return;
    }

    const stream: Stream = {
      kind,
      response,
      pending: new Map(),
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
    stream.close = () => {
      if (!this.#streams.delete(stream)) return;
      this.#open[kind]--;
      for (const { stopWatching } of stream.pending.values()) stopWatching();
      stream.pending.clear();
      response.off("drain", onDrain);
      response.off("close", onClose);
      this.#tickers();
    };
    for (const record of pending) this.#watch(stream, record);
    response.on("drain", onDrain);
    response.on("close", onClose);
    // Fastify no longer guards this response: an error on it only ever means "gone", and must
    // not go unhandled even after the stream is closed.
    response.on("error", onClose);
    this.#streams.add(stream);
    this.#open[kind]++;
    this.#tickers();
    this.#write(stream, first, at);
    for (const record of ended) onDone?.(record, at);
  }

  /** Ends every stream and opens no more; for `app.close()`. Clients reconnect elsewhere. */
  closeAll(): void {
    this.#closed = true;
    for (const stream of [...this.#streams]) {
      stream.close();
      stream.response.end();
    }
  }

  #watch(stream: Stream, record: JobRecord): void {
    const stopWatching = this.#options.watch.watch(record, (updated) => {
      const entry = stream.pending.get(record.id);
      if (entry === undefined) return;
      // The watch is spent; a job still pending by this clock is watched again below.
      entry.stopWatching = () => {};
      if (updated !== undefined) entry.record = updated;
      this.#settle(stream, this.#options.now());
      if (stream.pending.has(record.id) && this.#streams.has(stream)) {
        this.#watch(stream, stream.pending.get(record.id)!.record);
      }
    });
    stream.pending.set(record.id, { record, stopWatching });
  }

  /**
   * Sends `done` for every job of the stream that ended by `at`, in the order they ended, so
   * that no id goes out before the `done` of a job that ended earlier; ends the response once
   * none is left. Never skipped, blocked or not: the buffer takes them and end() flushes it.
   */
  #settle(stream: Stream, at: number): void {
    const ended = [...stream.pending.values()]
      .map(({ record }) => record)
      .filter((record) => doneEventId(record, at) !== undefined)
      .sort(byDoneId(at));
    if (ended.length === 0) return;
    let chunk = "";
    for (const record of ended) {
      stream.pending.get(record.id)!.stopWatching();
      stream.pending.delete(record.id);
      chunk += formatEvent(this.#doneEvent(record, stream.render, at));
    }
    if (stream.pending.size === 0) {
      stream.close();
      if (stream.kind === "multiplexed") chunk += this.#endEvent(at);
      if (!stream.response.destroyed && !stream.response.writableEnded) {
        stream.response.end(chunk);
      }
    } else {
      this.#write(stream, chunk, at);
    }
    for (const record of ended) stream.onDone?.(record, at);
  }

  #doneEvent(record: JobRecord, render: StreamSubject["render"], at: number): SseEvent {
    return {
      id: String(doneEventId(record, at)),
      event: "done",
      data: JSON.stringify(render(record, at)),
    };
  }

  #progressEvent(record: JobRecord, render: StreamSubject["render"], at: number): SseEvent {
    return { id: String(at), event: "progress", data: JSON.stringify(render(record, at)) };
  }

  #endEvent(at: number): string {
    return formatEvent({ id: String(at), event: "end", data: "{}" });
  }

  #write(stream: Stream, chunk: string, at: number): void {
    const { response } = stream;
    if (response.destroyed || response.writableEnded) return;
    stream.lastWriteAt = at;
    if (!response.write(chunk)) stream.blocked = true;
  }

  /** Progress ticks while a job stream is open, heartbeats while any stream is; else neither. */
  #tickers(): void {
    const { scheduler, now, progressIntervalMs, heartbeatMs } = this.#options;
    const progress = progressIntervalMs > 0 && this.#open.job > 0;
    if (progress && this.#cancelProgressTick === undefined) {
      this.#cancelProgressTick = scheduler.schedule(now() + progressIntervalMs, () =>
        this.#progressTick(),
      );
    } else if (!progress && this.#cancelProgressTick !== undefined) {
      this.#cancelProgressTick();
      this.#cancelProgressTick = undefined;
    }
    const heartbeat = heartbeatMs > 0 && this.#streams.size > 0;
    if (heartbeat && this.#cancelHeartbeatTick === undefined) {
      this.#cancelHeartbeatTick = scheduler.schedule(now() + heartbeatMs, () =>
        this.#heartbeatTick(),
      );
    } else if (!heartbeat && this.#cancelHeartbeatTick !== undefined) {
      this.#cancelHeartbeatTick();
      this.#cancelHeartbeatTick = undefined;
    }
  }

  #progressTick(): void {
    const { scheduler, now, progressIntervalMs } = this.#options;
    const at = now();
    for (const stream of [...this.#streams]) {
      if (stream.kind !== "job") continue;
      this.#settle(stream, at);
      if (stream.blocked || !this.#streams.has(stream)) continue;
      let chunk = "";
      for (const { record } of stream.pending.values()) {
        chunk += formatEvent(this.#progressEvent(record, stream.render, at));
      }
      this.#write(stream, chunk, at);
    }
    // The last job stream may have ended just now, and taken the tick with it.
    if (this.#cancelProgressTick === undefined) return;
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

/** Orders terminal records by the id of their `done` event. */
function byDoneId(at: number): (a: JobRecord, b: JobRecord) => number {
  return (a, b) => doneEventId(a, at)! - doneEventId(b, at)!;
}
