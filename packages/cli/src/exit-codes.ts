/** What the process exit code tells a script. */
export const ExitCode = {
  /** The job completed (or, for `status`/`create`, the request succeeded). */
  Completed: 0,
  /** The job ended in error or was cancelled. */
  JobFailed: 1,
  /** The wait's deadline passed; the job may still be running. */
  Timeout: 2,
  /** Bad usage, or the server could not be reached or understood. */
  Failure: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
