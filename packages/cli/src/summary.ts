import type { StatusSnapshot, WaitResult } from "@translation-status/client";

/**
 * How long after the job really finished the client found out. A terminal job's `updatedAt` is
 * the moment it finished; undefined when the server gives no such time, or when clocks disagree
 * so much that the answer would be negative.
 */
export function detectionDelayMs(snapshot: StatusSnapshot, knownAt: number): number | undefined {
  const finishedAt = snapshot.updatedAt ? Date.parse(snapshot.updatedAt) : Number.NaN;
  if (Number.isNaN(finishedAt)) return undefined;
  const delay = knownAt - finishedAt;
  return delay >= 0 ? delay : undefined;
}

/** The one JSON object `--json` prints at the end of a wait. */
export function waitReport(result: WaitResult, knownAt: number) {
  return {
    jobId: result.snapshot.jobId ?? null,
    status: result.status,
    requests: result.requests,
    mode: result.mode,
    elapsedMs: Math.round(result.elapsedMs),
    detectionDelayMs: roundOrNull(detectionDelayMs(result.snapshot, knownAt)),
    error: result.snapshot.error ?? null,
    job: result.snapshot.raw,
  };
}

function roundOrNull(value: number | undefined): number | null {
  return value === undefined ? null : Math.round(value);
}
