import { NetworkError, NotFoundError, RequestTimeoutError } from "@translation-status/client";
import { ERROR_CODE_NAMES, ExitCode } from "../exit-codes.js";
import type { Io } from "../io.js";

/** A failure of the command line itself (bad usage), not of the job nor of the server. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The exit code for a failure that is not the job's outcome. */
export function exitCodeOf(error: unknown, io: Io): ExitCode {
  if (io.signal?.aborted && error === io.signal.reason) return ExitCode.Interrupted;
  if (error instanceof UsageError) return ExitCode.Usage;
  if (error instanceof NotFoundError) return ExitCode.NotFound;
  if (error instanceof NetworkError || error instanceof RequestTimeoutError) {
    return ExitCode.Unreachable;
  }
  return ExitCode.Failure;
}

/**
 * Prints a CLI failure (one line, or with `--json` one `{"error":{"code","name","message"}}`
 * object, never a job status word) and returns its exit code.
 */
export function reportFailure(io: Io, json: boolean, error: unknown): ExitCode {
  const code = exitCodeOf(error, io);
  const name =
    code === ExitCode.Interrupted ? "Interrupted" : error instanceof Error ? error.name : "Error";
  const message = error instanceof Error ? error.message : String(error);
  if (json) {
    io.stdout.write(
      `${JSON.stringify({ error: { code: ERROR_CODE_NAMES[code] ?? "error", name, message } })}\n`,
    );
  } else {
    io.stderr.write(code === ExitCode.Interrupted ? "Interrupted\n" : `${name}: ${message}\n`);
  }
  return code;
}
