import { pino } from "pino";
import type { LoggerOption } from "../app-options.js";

type SonicBoom = ReturnType<typeof pino.destination>;

export interface Logging {
  /** What to give Fastify's `logger` option. */
  logger: LoggerOption;
  /** Our stdout destination, when the options named none. */
  destination?: LineBatch;
  /** Writes what is queued and stops the periodic flush; for `app.close()`. */
  close: () => Promise<void>;
}

export interface LineBatchOptions {
  /**
   * Lines queue until this many characters wait...
   * @default 16384
   */
  batchSize?: number;
  /**
   * ...or for this long, in ms, so that a quiet server's lines still show up at once to a reader.
   * @default 50
   */
  flushEveryMs?: number;
}

/**
 * Logger options that write to stdout in batches (see `LineBatch`) instead of one write(2) per
 * line. Options that name a destination of their own (`stream`, `file`, `transport`) are left
 * as they are.
 */
export function withBatchedStdout(option: LoggerOption): Logging {
  const nothingToClose = async () => {};
  if (option === false) return { logger: false, close: nothingToClose };
  const options = option === true ? {} : option;
  if ("stream" in options || "file" in options || "transport" in options) {
    return { logger: option, close: nothingToClose };
  }
  const destination = new LineBatch(1);
  return {
    logger: { ...options, stream: destination },
    destination,
    close: async () => destination.close(),
  };
}

/**
 * A pino destination that queues lines in memory and writes them with one write(2) once 16 KB
 * wait (about seventy requests' lines), or every 50 ms, through sonic-boom, pino's own
 * destination. The writes are synchronous, as pino's are by default: measured under load, a
 * synchronous write per batch costs the server less than handing each batch to libuv's thread
 * pool, and a reader that falls behind slows the server down instead of letting memory grow.
 * The queue is ours rather than sonic-boom's `minLength` because sonic-boom measures its whole
 * pending buffer again for every line it is given, a cost that grows with the batch and that
 * every request paid. Queued lines are written when the process exits, too.
 */
export class LineBatch {
  readonly #out: SonicBoom;
  readonly #batchSize: number;
  readonly #timer: NodeJS.Timeout;
  readonly #onExit = () => this.flush();
  #lines: string[] = [];
  #size = 0;
  #closed = false;

  /** `dest`: a file descriptor (1 for stdout) or a path. */
  constructor(dest: number | string, options: LineBatchOptions = {}) {
    this.#out = pino.destination({ dest, sync: true });
    this.#batchSize = options.batchSize ?? 16_384;
    this.#timer = setInterval(() => this.flush(), options.flushEveryMs ?? 50);
    this.#timer.unref();
    process.once("exit", this.#onExit);
  }

  /** What pino calls with each line. */
  write(line: string): boolean {
    if (this.#closed) return this.#out.write(line);
    this.#lines.push(line);
    this.#size += line.length;
    if (this.#size >= this.#batchSize) this.flush();
    return true;
  }

  /** Writes every queued line now; then calls `done`, as pino's `logger.flush(done)` expects. */
  flush(done?: (error?: Error) => void): void {
    const lines = this.#lines;
    if (lines.length > 0) {
      this.#lines = [];
      this.#size = 0;
      this.#out.write(lines.length === 1 ? lines[0]! : lines.join(""));
    }
    done?.();
  }

  /**
   * Writes what is queued and stops batching: lines logged after this are written at once.
   * For `app.close()`; stdout outlives an app.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    process.removeListener("exit", this.#onExit);
    this.flush();
  }

  /** The underlying sonic-boom, for its `ready` and `error` events. */
  get stream(): SonicBoom {
    return this.#out;
  }
}
