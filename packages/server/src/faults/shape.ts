import type { ServerResponse } from "node:http";
import type { Scheduler } from "../events/scheduler.js";

// Both faults below take over `write` and `end` on one response, the way compression middleware
// does: whatever sends the answer (Fastify, or an event stream after a hijack) is unaware of it.

/** `slow` writes one piece of the body this often. */
export const SLOW_INTERVAL_MS = 500;
/** `slow` cuts a body into this many pieces (so a body takes about 3.5 s), ... */
export const SLOW_STEPS = 8;
/** ... each at least this large. */
export const SLOW_MIN_CHUNK_BYTES = 16;

type Callback = (error?: Error | null) => void;
type Write = (chunk: unknown, encoding?: unknown, callback?: unknown) => boolean;
type End = (chunk?: unknown, encoding?: unknown, callback?: unknown) => ServerResponse;

interface Call {
  data: Buffer;
  callback: Callback | undefined;
}

/** Node's `(chunk, encoding, callback)` in any of its shapes, as bytes. */
function readCall(chunk: unknown, encoding: unknown, callback: unknown): Call {
  if (typeof chunk === "function") return { data: Buffer.alloc(0), callback: chunk as Callback };
  if (typeof encoding === "function") [encoding, callback] = [undefined, encoding];
  let data: Buffer;
  if (chunk === undefined || chunk === null) data = Buffer.alloc(0);
  else if (typeof chunk === "string") {
    data = Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
  } else data = Buffer.from(chunk as Uint8Array);
  return { data, callback: typeof callback === "function" ? (callback as Callback) : undefined };
}

function original(response: ServerResponse): { write: Write; end: End } {
  return {
    write: response.write.bind(response) as Write,
    end: response.end.bind(response) as End,
  };
}

/**
 * The `truncated` fault: the status line and headers as the server meant them (`Content-Length`
 * of the full body included), the first half of the body, then the connection is dropped. A
 * response without a body is dropped before its headers.
 */
export function truncate(response: ServerResponse): void {
  const { write } = original(response);
  let cut = false;
  const cutOnce = (data: Buffer) => {
    if (cut) return;
    cut = true;
    if (data.length === 0) {
      response.destroy();
      return;
    }
    // Destroy once the half has been handed to the socket, so it does go out.
    write(data.subarray(0, Math.floor(data.length / 2)), () => response.destroy());
  };
  const patched: { write: Write; end: End } = {
    write: (chunk, encoding, callback) => {
      cutOnce(readCall(chunk, encoding, callback).data);
      return false;
    },
    end: (chunk, encoding, callback) => {
      cutOnce(readCall(chunk, encoding, callback).data);
      return response;
    },
  };
  Object.assign(response, patched);
}

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

interface Dribble {
  response: ServerResponse;
  write: Write;
  end: End;
  emit: Emit;
  queue: Buffer[];
  /** Fixed by the first piece of body: about SLOW_STEPS pieces for it. */
  chunkBytes: number | undefined;
  callbacks: Callback[];
  ending: boolean;
  /** A `write` said "full": emit 'drain' once the queue is empty. */
  blocked: boolean;
  lastWriteAt: number | undefined;
  cancelTick: (() => void) | undefined;
  /** Passes everything straight through from now on. */
  flushed: boolean;
}

/**
 * Responses being sent slowly (the `slow` fault): the real answer, a piece every
 * SLOW_INTERVAL_MS through the shared scheduler, so it runs on the injected clock. A `write`
 * returns false while a backlog remains and 'drain' follows, as on a slow socket: event streams
 * skip progress events meanwhile instead of piling them up.
 */
export class Dribbles {
  readonly #scheduler: Scheduler;
  readonly #now: () => number;
  readonly #active = new Set<Dribble>();
  #closed = false;

  constructor(scheduler: Scheduler, now: () => number) {
    this.#scheduler = scheduler;
    this.#now = now;
  }

  /** Responses being dribbled right now. */
  get size(): number {
    return this.#active.size;
  }

  /** Sends `response` slowly from now on; a no-op once the server is closing. */
  slow(response: ServerResponse): void {
    if (this.#closed) return;
    const dribble: Dribble = {
      response,
      ...original(response),
      emit: response.emit.bind(response) as Emit,
      queue: [],
      chunkBytes: undefined,
      callbacks: [],
      ending: false,
      blocked: false,
      lastWriteAt: undefined,
      cancelTick: undefined,
      flushed: false,
    };
    this.#active.add(dribble);
    response.once("close", () => this.#forget(dribble));
    const patched: { write: Write; end: End; emit: Emit } = {
      // The socket's own 'drain' says nothing while our backlog is full; ours follows it.
      emit: (event, ...args) =>
        event === "drain" && !dribble.flushed && dribble.queue.length > 0
          ? false
          : dribble.emit(event, ...args),
      write: (chunk, encoding, callback) => {
        if (dribble.flushed) return dribble.write(chunk, encoding, callback);
        this.#enqueue(dribble, readCall(chunk, encoding, callback));
        dribble.blocked = dribble.queue.length > 0;
        return !dribble.blocked;
      },
      end: (chunk, encoding, callback) => {
        if (dribble.flushed) return dribble.end(chunk, encoding, callback);
        dribble.ending = true;
        this.#enqueue(dribble, readCall(chunk, encoding, callback));
        return response;
      },
    };
    Object.assign(response, patched);
  }

  /** Sends every backlog at once and dribbles no more; for `app.close()`. */
  flushAll(): void {
    this.#closed = true;
    for (const dribble of [...this.#active]) {
      dribble.flushed = true;
      const rest = Buffer.concat(dribble.queue);
      dribble.queue = [];
      if (rest.length > 0) dribble.write(rest);
      if (dribble.ending) dribble.end();
      this.#forget(dribble);
      this.#settle(dribble);
    }
  }

  #enqueue(dribble: Dribble, { data, callback }: Call): void {
    if (data.length > 0) {
      dribble.chunkBytes ??= Math.max(SLOW_MIN_CHUNK_BYTES, Math.ceil(data.length / SLOW_STEPS));
      dribble.queue.push(data);
    }
    if (callback !== undefined) dribble.callbacks.push(callback);
    if (dribble.cancelTick !== undefined) return;
    const { lastWriteAt } = dribble;
    // The first piece goes at once (with the headers); later ones keep the rhythm.
    if (lastWriteAt === undefined) this.#tick(dribble);
    else this.#schedule(dribble, Math.max(this.#now(), lastWriteAt + SLOW_INTERVAL_MS));
  }

  #tick(dribble: Dribble): void {
    dribble.cancelTick = undefined;
    const { response } = dribble;
    if (response.destroyed) return this.#forget(dribble);
    const piece = this.#take(dribble);
    if (piece.length > 0) {
      dribble.write(piece);
      dribble.lastWriteAt = this.#now();
    }
    if (dribble.queue.length > 0) {
      this.#schedule(dribble, this.#now() + SLOW_INTERVAL_MS);
      return;
    }
    this.#settle(dribble);
    if (dribble.ending) {
      this.#forget(dribble);
      dribble.flushed = true;
      dribble.end();
    } else if (dribble.blocked) {
      dribble.blocked = false;
      // A socket that is itself full emits 'drain' when it has room, which now passes.
      if (!response.writableNeedDrain) dribble.emit("drain");
    }
  }

  #take(dribble: Dribble): Buffer {
    const size = dribble.chunkBytes ?? SLOW_MIN_CHUNK_BYTES;
    const parts: Buffer[] = [];
    let taken = 0;
    while (taken < size && dribble.queue.length > 0) {
      const head = dribble.queue[0]!;
      const part = head.subarray(0, size - taken);
      parts.push(part);
      taken += part.length;
      if (part.length === head.length) dribble.queue.shift();
      else dribble.queue[0] = head.subarray(part.length);
    }
    return Buffer.concat(parts);
  }

  #schedule(dribble: Dribble, at: number): void {
    dribble.cancelTick = this.#scheduler.schedule(at, () => this.#tick(dribble));
  }

  /** Everything queued so far has gone out: tell the writers. */
  #settle(dribble: Dribble): void {
    const callbacks = dribble.callbacks;
    dribble.callbacks = [];
    for (const callback of callbacks) callback();
  }

  #forget(dribble: Dribble): void {
    dribble.cancelTick?.();
    dribble.cancelTick = undefined;
    if (!this.#active.delete(dribble)) return;
    if (dribble.response.destroyed) dribble.queue = [];
  }
}
