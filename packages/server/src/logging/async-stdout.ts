import { once } from "node:events";
import { pino } from "pino";
import type { LoggerOption } from "../app-options.js";

type Destination = ReturnType<typeof pino.destination>;

export interface Logging {
  /** What to give Fastify's `logger` option. */
  logger: LoggerOption;
  /** Our stdout destination, when the options named none. */
  destination?: Destination;
  /** Writes what is queued and stops the periodic flush; for `app.close()`. */
  close: () => Promise<void>;
}

/** Lines queue until this many bytes wait... */
const BATCH_BYTES = 4_096;
/** ...or for this long, in ms, so that a quiet server's lines still show up at once to a reader. */
const FLUSH_EVERY_MS = 50;

/**
 * Logger options that write to stdout asynchronously and in batches: lines queue in memory and
 * go out together once 4 KB wait, or every 50 ms, in writes that never block the event loop,
 * instead of one blocking write(2) per line. Under load that is one write for about fifteen
 * requests; a write dispatched per line would cost more than the line itself. Options that
 * name a destination of their own (`stream`, `file`, `transport`) are left as they are. What is
 * queued is written synchronously when the process exits (pino does that for the destinations
 * it makes), and `close` writes it when the app closes.
 */
export function withAsyncStdout(option: LoggerOption): Logging {
  const nothingToClose = async () => {};
  if (option === false) return { logger: false, close: nothingToClose };
  const options = option === true ? {} : option;
  if ("stream" in options || "file" in options || "transport" in options) {
    return { logger: option, close: nothingToClose };
  }
  const destination = asyncDestination(1);
  const stop = flushEvery(destination, FLUSH_EVERY_MS);
  return {
    logger: { ...options, stream: destination },
    destination,
    close: async () => {
      // Lines logged after this wait for a batch, or for the exit.
      stop();
      await drained(destination);
    },
  };
}

/** The destination of `withAsyncStdout`, to a file descriptor or path. */
export function asyncDestination(dest: number | string): Destination {
  return pino.destination({ dest, sync: false, minLength: BATCH_BYTES });
}

/**
 * Writes what `destination` has queued every `ms`, until the returned function is called. Unlike
 * sonic-boom's own `periodicFlush`, it can be stopped without ending the destination (stdout
 * outlives an app), and writes nothing when nothing is queued.
 */
export function flushEvery(destination: Destination, ms: number): () => void {
  const timer = setInterval(() => {
    const { _writing, _len } = internals(destination);
    if (!_writing && _len > 0) destination.flush();
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
}

/** Resolves once every line logged so far has been written. */
export async function drained(destination: Destination): Promise<void> {
  // A write in flight says `drain` when it is done, leaving queued whatever is short of a batch;
  // that, or everything queued when no write is in flight, is then written at once.
  if (internals(destination)._writing) await once(destination, "drain");
  destination.flushSync();
}

/** What sonic-boom (4.x) keeps about its queue, and has no public accessor for. */
function internals(destination: Destination): { _writing: boolean; _len: number } {
  return destination as unknown as { _writing: boolean; _len: number };
}
