/** Where a command writes; the real process streams, or buffers in tests. */
export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Aborts when the user interrupts (Ctrl-C). */
  signal?: AbortSignal;
}

export const processIo = (signal?: AbortSignal): Io => ({
  stdout: process.stdout,
  stderr: process.stderr,
  ...(signal && { signal }),
});
