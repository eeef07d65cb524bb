import type { ApiName, TranslationStatusClient } from "@translation-status/client";
import { WaitTimeoutError, type WaitOptions, type WaitResult } from "@translation-status/client";
import { formatDuration } from "../duration.js";
import { ExitCode } from "../exit-codes.js";
import type { Io } from "../io.js";
import { createLiveView } from "../render/live-line.js";
import { detectionDelayMs, waitReport } from "../summary.js";
import { reportFailure } from "./report-failure.js";

export interface WaitAndReportOptions extends Omit<
  WaitOptions,
  "signal" | "onPoll" | "onProgress"
> {
  json: boolean;
}

/**
 * Waits on a job, showing it live unless `--json`, then prints the outcome and a one-line
 * summary, and returns the exit code that tells a script what happened.
 */
export async function waitAndReport(
  client: TranslationStatusClient<ApiName>,
  io: Io,
  options: WaitAndReportOptions,
): Promise<ExitCode> {
  const { json, ...waitOptions } = options;
  const label = waitOptions.jobId ?? "status";
  const view = json ? undefined : createLiveView(io, label);
  let result: WaitResult;
  try {
    result = await client.waitForCompletion({
      ...waitOptions,
      ...(io.signal && { signal: io.signal }),
      onPoll: (event) => view?.poll(event),
      onProgress: (event) => view?.progress(event),
    });
  } catch (error) {
    view?.stop();
    if (error instanceof WaitTimeoutError) {
      if (json) {
        io.stdout.write(
          `${JSON.stringify({
            jobId: waitOptions.jobId ?? null,
            status: "timeout",
            lastStatus: error.lastStatus?.status ?? null,
            requests: error.attempts ?? 0,
            elapsedMs: Math.round(error.elapsedMs),
            message: error.message,
          })}\n`,
        );
      } else {
        io.stderr.write(`⏱  ${error.message}\n`);
      }
      return ExitCode.Timeout;
    }
    return reportFailure(io, json, error);
  }
  view?.stop();
  const knownAt = Date.now();

  if (json) {
    io.stdout.write(`${JSON.stringify(waitReport(result, knownAt))}\n`);
  } else {
    const { status, snapshot } = result;
    const outcome =
      status === "completed"
        ? `✔ ${label} completed`
        : status === "cancelled"
          ? `✖ ${label} was cancelled`
          : `✖ ${label} failed${snapshot.error ? `: ${snapshot.error.code}: ${snapshot.error.message}` : ""}`;
    io.stdout.write(`${outcome}\n`);
    const delay = detectionDelayMs(snapshot, knownAt);
    const detected =
      delay === undefined ? "" : `, detected ${formatDuration(delay)} after it finished`;
    io.stdout.write(
      `${result.requests} request${result.requests === 1 ? "" : "s"} (${result.mode}) in ${formatDuration(result.elapsedMs)}${detected}\n`,
    );
  }
  return result.status === "completed"
    ? ExitCode.Completed
    : result.status === "cancelled"
      ? ExitCode.Cancelled
      : ExitCode.JobFailed;
}
