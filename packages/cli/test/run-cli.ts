import { run, type Io } from "@translation-status/cli";

/** Runs the command line in this process, capturing what it prints and its exit code. */
export async function cli(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
  };
  const code = await run(argv, io);
  return { code, stdout, stderr, json: () => JSON.parse(stdout.trim()) };
}
