import type { JobFailure, JobStatus, StatusSnapshot } from "./types.js";

const STATUSES: Readonly<Record<string, JobStatus>> = {
  pending: "pending",
  completed: "completed",
  error: "error",
  cancelled: "cancelled",
};

/** Thrown by {@link parseSnapshot}; the client wraps it in an UnexpectedResponseError. */
export class ShapeError extends Error {
  override name = "ShapeError";
}

/**
 * Normalizes a status body. Understands the original single-job shape `{ "result": "pending" }`
 * and the job shape `{ "id", "status", "progress", ... }`; `status` wins when both are present.
 * `statusMap` adds a server's own names for the statuses. An unknown status value is an error,
 * never "still pending": polling it would loop forever.
 */
export function parseSnapshot(
  body: unknown,
  statusMap: Readonly<Record<string, JobStatus>> = {},
): StatusSnapshot {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ShapeError("expected a JSON object with a status");
  }
  const record = body as Record<string, unknown>;
  const value = record.status ?? record.result;
  if (value === undefined) throw new ShapeError('no "status" or "result" field');
  const status =
    typeof value === "string"
      ? ((Object.hasOwn(statusMap, value) ? statusMap[value] : undefined) ??
        (Object.hasOwn(STATUSES, value) ? STATUSES[value] : undefined))
      : undefined;
  if (status === undefined) throw new ShapeError(`unknown status ${JSON.stringify(value)}`);
  return {
    status,
    jobId: typeof record.id === "string" ? record.id : undefined,
    progress: progressOf(record.progress),
    createdAt: stringOf(record.createdAt),
    updatedAt: stringOf(record.updatedAt),
    estimatedCompletionAt: stringOf(record.estimatedCompletionAt),
    completedAt: stringOf(record.completedAt),
    error: failureOf(record.error),
    raw: body,
  };
}

export function isTerminal(status: JobStatus): status is Exclude<JobStatus, "pending"> {
  return status !== "pending";
}

function progressOf(value: unknown): number | undefined {
  return typeof value === "number" && value >= 0 && value <= 1 ? value : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function failureOf(value: unknown): JobFailure | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { code, message } = value as Record<string, unknown>;
  if (typeof code !== "string" && typeof message !== "string") return undefined;
  return {
    code: typeof code === "string" ? code : "unknown",
    message: typeof message === "string" ? message : String(code),
  };
}
