import type { JobStatus } from "../jobs/derive.js";
import type { JobRecord } from "../jobs/record.js";

/** Events for jobs created through `POST /jobs`. */
export const JOB_EVENT_TYPES = ["job.completed", "job.failed", "job.cancelled"] as const;

/** HeyGen's names, for jobs created through the HeyGen-compatible routes (`record.api`). */
export const HEYGEN_EVENT_TYPES = ["video_translate.success", "video_translate.fail"] as const;

export const WEBHOOK_EVENT_TYPES = [...JOB_EVENT_TYPES, ...HEYGEN_EVENT_TYPES] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Whether the job speaks HeyGen's dialect, and so gets HeyGen's event names and payloads. */
export function isHeyGenJob(record: JobRecord): boolean {
  return record.api === "heygen-v2" || record.api === "heygen-v3";
}

/**
 * The event a job's terminal status raises. HeyGen has no event for a cancel, so a cancelled
 * HeyGen job reports `video_translate.fail`: whoever waits on the callback still hears the end.
 */
export function eventTypeFor(
  record: JobRecord,
  status: Exclude<JobStatus, "pending">,
): WebhookEventType {
  if (isHeyGenJob(record)) {
    return status === "completed" ? "video_translate.success" : "video_translate.fail";
  }
  if (status === "completed") return "job.completed";
  return status === "error" ? "job.failed" : "job.cancelled";
}
