import type { ApiName, TranslationStatusClient } from "@translation-status/client";
import { ExitCode } from "../exit-codes.js";
import type { Io } from "../io.js";
import { reportFailure } from "./report-failure.js";

/** Reads a status once and prints it. Exit 0 unless the job failed, was cancelled, or the read failed. */
export async function statusCommand(
  client: TranslationStatusClient<ApiName>,
  io: Io,
  jobId: string | undefined,
  json: boolean,
): Promise<ExitCode> {
  try {
    const snapshot = await client.getStatus(jobId, io.signal ? { signal: io.signal } : {});
    if (json) {
      io.stdout.write(`${JSON.stringify(snapshot.raw)}\n`);
    } else {
      const progress =
        snapshot.progress === undefined ? "" : ` (${Math.round(snapshot.progress * 100)}%)`;
      const why = snapshot.error ? `: ${snapshot.error.code}: ${snapshot.error.message}` : "";
      io.stdout.write(`${jobId ?? client.statusUrl}: ${snapshot.status}${progress}${why}\n`);
    }
    return snapshot.status === "error"
      ? ExitCode.JobFailed
      : snapshot.status === "cancelled"
        ? ExitCode.Cancelled
        : ExitCode.Completed;
  } catch (error) {
    return reportFailure(io, json, error);
  }
}
