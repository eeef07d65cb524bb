import { ShapeError } from "../parse.js";
import type { JobStatus, StatusSnapshot } from "../types.js";
import type { StatusMap } from "./types.js";

/** What a job's failure is called when a HeyGen answer gives a message but no code. */
export const HEYGEN_FAILURE_CODE = "translation_failed";

/** The `data` object of a HeyGen answer (`{ "data": { ... } }`, v2 adding `"error": null`). */
export function dataOf(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ShapeError("expected a JSON object with a data field");
  }
  const { data, error } = body as Record<string, unknown>;
  if (error !== undefined && error !== null) {
    throw new ShapeError("a success answer carries an error");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ShapeError('no "data" object');
  }
  return data as Record<string, unknown>;
}

/**
 * A HeyGen status in our words: the caller's `statusMap` first, then the profile's own names.
 * An unknown value is an error, never "still pending": polling it would loop forever.
 */
export function statusOf(
  value: unknown,
  own: Readonly<Record<string, JobStatus>>,
  statusMap: StatusMap,
): JobStatus {
  const status =
    typeof value === "string"
      ? ((Object.hasOwn(statusMap, value) ? statusMap[value] : undefined) ??
        (Object.hasOwn(own, value) ? own[value] : undefined))
      : undefined;
  if (status === undefined) throw new ShapeError(`unknown status ${JSON.stringify(value)}`);
  return status;
}

/**
 * A snapshot with what a vendor's answer tells: status, id, failure; no progress or times.
 * `idName` names the id's field in the error when it is missing.
 */
export function vendorSnapshot(
  status: JobStatus,
  jobId: unknown,
  raw: unknown,
  error?: { code: string; message: string },
  idName = "job id",
): StatusSnapshot {
  if (typeof jobId !== "string" || jobId.length === 0) throw new ShapeError(`no ${idName}`);
  return {
    status,
    jobId,
    progress: undefined,
    createdAt: undefined,
    updatedAt: undefined,
    estimatedCompletionAt: undefined,
    completedAt: undefined,
    error,
    raw,
  };
}

/** A snapshot with what a HeyGen answer tells: status, id, failure; no progress or times. */
export function heygenSnapshot(
  status: JobStatus,
  jobId: unknown,
  failureMessage: unknown,
  raw: unknown,
): StatusSnapshot {
  const failure =
    status === "error"
      ? {
          code: HEYGEN_FAILURE_CODE,
          message: typeof failureMessage === "string" ? failureMessage : "The translation failed",
        }
      : undefined;
  return vendorSnapshot(status, jobId, raw, failure);
}
