import { ExitCode } from "../exit-codes.js";
import type { Io } from "../io.js";

/** Prints a failure (human line or one JSON object) and returns the exit code for it. */
export function reportFailure(io: Io, json: boolean, error: unknown): ExitCode {
  if (io.signal?.aborted && error === io.signal.reason) {
    io.stderr.write("Interrupted\n");
    return ExitCode.Failure;
  }
  const name = error instanceof Error ? error.name : "Error";
  const message = error instanceof Error ? error.message : String(error);
  if (json) {
    io.stdout.write(`${JSON.stringify({ status: "failed", error: { name, message } })}\n`);
  } else {
    io.stderr.write(`${name}: ${message}\n`);
  }
  return ExitCode.Failure;
}
