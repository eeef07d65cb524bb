import { once } from "node:events";
import { pino } from "pino";
import type { LoggerOption } from "../app-options.js";

type Destination = ReturnType<typeof pino.destination>;

export interface Logging {
  /** What to give Fastify's `logger` option. */
  logger: LoggerOption;
  /** Our stdout destination, when the options named none; flush it with `drained` on close. */
  destination?: Destination;
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
 * it makes), and `drained` writes it on close.
 */
export function withAsyncStdout(option: LoggerOption): Logging {
  if (option === false) return { logger: false };
  const options = option === true ? {} : option;
  if ("stream" in options || "file" in options || "transport" in options) {
    return { logger: option };
  }
  const destination = asyncDestination(1);
  return { logger: { ...options, stream: destination }, destination };
}

/** The destination of `withAsyncStdout`, to a file descriptor or path. */
export function asyncDestination(dest: number | string): Destination {
  return pino.destination({
    dest,
    sync: false,
    minLength: BATCH_BYTES,
    periodicFlush: FLUSH_EVERY_MS,
  });
}

/** Resolves once every line logged so far has been written. */
export async function drained(destination: Destination): Promise<void> {
  // A write in flight says `drain` when it is done, leaving queued whatever is short of a batch;
  // that, or everything queued when no write is in flight, is then written at once.
  if ((destination as unknown as { _writing: boolean })._writing) {
    await once(destination, "drain");
  }
  destination.flushSync();
}
