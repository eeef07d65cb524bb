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

/**
 * Logger options that write to stdout asynchronously: a line goes out at once in a write that
 * does not block the event loop, and lines logged while a write is in flight queue and go out
 * together in the next one, instead of one blocking write(2) per line. Options that name a
 * destination of their own (`stream`, `file`, `transport`) are left as they are. Whatever is
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

/** The asynchronous destination of `withAsyncStdout`, to a file descriptor or path. */
export function asyncDestination(dest: number | string): Destination {
  return pino.destination({ dest, sync: false });
}

/** Resolves once every line logged so far has been written. */
export async function drained(destination: Destination): Promise<void> {
  // A write in flight goes on with whatever queued behind it and says `drain` when nothing is
  // left; with none in flight, what is queued is written at once.
  if ((destination as unknown as { _writing: boolean })._writing) {
    await once(destination, "drain");
  }
  destination.flushSync();
}
