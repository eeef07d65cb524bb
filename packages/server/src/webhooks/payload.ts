import { deriveState } from "../jobs/derive.js";
import type { JobRecord } from "../jobs/record.js";
import { toJobView, type JobView } from "../jobs/view.js";
import { failureMessage, outputVideoUrl } from "../heygen/phase.js";
import { eventTypeFor, isHeyGenJob, type WebhookEventType } from "./event-types.js";
import { newWebhookId } from "./ids.js";

/** One event about one job: the same id and body go to every target and on every retry. */
export interface WebhookEvent {
  /** `msg_…`, sent as `webhook-id`: receivers deduplicate on it. */
  id: string;
  type: WebhookEventType;
  jobId: string;
  owner: string | undefined;
  /** Milliseconds since the epoch: when the job completed, failed or was cancelled. */
  occurredAt: number;
  /** The JSON body, serialized once so that every attempt signs the same bytes. */
  body: string;
}

/** Our own shape, as the Standard Webhooks spec suggests: `type`, `timestamp`, `data`. */
export interface JobEventPayload {
  type: WebhookEventType;
  timestamp: string;
  data: JobView;
}

/** HeyGen's shape: `event_type` and `event_data`, as its webhook documentation shows. */
export interface HeyGenEventPayload {
  event_type: WebhookEventType;
  event_data: {
    video_translate_id: string;
    url?: string;
    message?: string;
    callback_id: string | null;
    output_language: string | null;
  };
}

/** The event a terminal job raises, or undefined while it is still pending at `at`. */
export function buildEvent(record: JobRecord, at: number): WebhookEvent | undefined {
  const { status, updatedAt } = deriveState(record, at);
  if (status === "pending") return undefined;
  const type = eventTypeFor(record, status);
  const payload: JobEventPayload | HeyGenEventPayload = isHeyGenJob(record)
    ? heyGenPayload(record, type, status)
    : { type, timestamp: new Date(updatedAt).toISOString(), data: toJobView(record, updatedAt) };
  return {
    id: newWebhookId("msg"),
    type,
    jobId: record.id,
    owner: record.owner,
    occurredAt: updatedAt,
    body: JSON.stringify(payload),
  };
}

function heyGenPayload(
  record: JobRecord,
  type: WebhookEventType,
  status: "completed" | "error" | "cancelled",
): HeyGenEventPayload {
  // The same url and message as the job's HeyGen status answers give.
  const outcome =
    status === "completed"
      ? { url: outputVideoUrl(record) }
      : { message: failureMessage(record, status) ?? "The translation failed" };
  return {
    event_type: type,
    event_data: {
      video_translate_id: record.id,
      ...outcome,
      callback_id: record.callbackId ?? null,
      output_language: record.outputLanguage ?? null,
    },
  };
}
