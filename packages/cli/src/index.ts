export { run } from "./program.js";
export { ExitCode } from "./exit-codes.js";
export type { Io } from "./io.js";
export { parseDuration, formatDuration } from "./duration.js";
