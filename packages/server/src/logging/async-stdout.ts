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
 * Logger options that write to stdout asynchronously: lines queue in memory while a write is in
 * flight and go out together in the next one, instead of one write(2) per line that blocks the
 * event loop. Options that name a destination of their own (`stream`, `file`, `transport`) are
 * left as they are. Whatever is queued is written synchronously when the process exits (pino
 * does that for the destinations it makes), and `drained` waits for it on close.
 */
export function withAsyncStdout(option: LoggerOption): Logging {
  if (option === false) return { logger: false };
  const options = option === true ? {} : option;
  if ("stream" in options || "file" in options || "transport" in options) {
    return { logger: option };
  }
  const destination = pino.destination({ dest: 1, sync: false });
  return { logger: { ...options, stream: destination }, destination };
}

/** Resolves once every line logged so far has been written. */
export async function drained(destination: Destination): Promise<void> {
  // An async write in flight goes on with whatever queued behind it, and says `drain` once
  // nothing is left; with none in flight, whatever is queued can be written at once.
  if ((destination as unknown as { _writing: boolean })._writing) {
    await once(destination, "drain");
  } else {
    destination.flushSync();
  }
}
