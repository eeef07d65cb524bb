import { pino } from "pino";
import type { LoggerOption } from "../app-options.js";

/**
 * Logger options that write to stdout through pino's asynchronous destination
 * (`pino.destination({ sync: false })`): a line goes to the thread pool at once, those logged
 * while a write is under way go out together in the next one, and pino writes what is left
 * when the process exits. Options that name a destination of their own (`stream`, `file`,
 * `transport`), and `false`, are left as they are.
 */
export function withStdoutDestination(option: LoggerOption): LoggerOption {
  if (option === false) return false;
  const options = option === true ? {} : option;
  if ("stream" in options || "file" in options || "transport" in options) return option;
  return { ...options, stream: pino.destination({ dest: 1, sync: false }) };
}
