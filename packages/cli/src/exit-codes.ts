/** What the process exit code tells a script; each cause has its own code. */
export const ExitCode = {
  /** The job completed (or, for `status`/`create`, the request succeeded). */
  Completed: 0,
  /** The job ended in error. */
  JobFailed: 1,
  /** The wait's deadline passed; the job may still be running. */
  Timeout: 2,
  /** Bad usage: an unknown command or option, or a value that cannot be used. */
  Usage: 3,
  /** The server has no such job. */
  NotFound: 4,
  /** The server could not be reached. */
  Unreachable: 5,
  /** The job was cancelled. */
  Cancelled: 6,
  /** The server answered, but not with what was asked (an HTTP error, a bad key, a bad body). */
  Failure: 7,
  /** Interrupted by Ctrl-C. */
  Interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The `--json` name of a CLI failure's exit code, in `{"error":{"code",...}}`. */
export const ERROR_CODE_NAMES: Partial<Record<ExitCode, string>> = {
  [ExitCode.Usage]: "usage",
  [ExitCode.NotFound]: "not_found",
  [ExitCode.Unreachable]: "unreachable",
  [ExitCode.Failure]: "server_error",
  [ExitCode.Interrupted]: "interrupted",
};
