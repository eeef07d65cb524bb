import type { RequestOptions } from "../create-options.js";
import { dataOf, heygenSnapshot, statusOf } from "./heygen-shape.js";
import type { ApiProfile } from "./types.js";

/** The body of HeyGen's `POST /v2/video_translate`, plus the per-call options. */
export interface HeygenV2CreateJobOptions extends RequestOptions {
  /** The video to translate. */
  video_url: string;
  /** The language to translate into, e.g. `"Spanish"`. */
  output_language: string;
  title?: string;
  /** Your own id for the job, echoed in its webhooks. */
  callback_id?: string;
  /** Where this job's webhook goes. */
  callback_url?: string;
  translate_audio_only?: boolean;
  speaker_num?: number;
}

const V2_STATUSES = {
  pending: "pending",
  running: "pending",
  success: "completed",
  failed: "error",
} as const;

/**
 * HeyGen v2: `POST /v2/video_translate`, `GET /v2/video_translate/{id}`, answers in
 * `{ "error": null, "data": ... }`. Creation takes no Idempotency-Key.
 */
export const heygenV2Profile: ApiProfile = {
  name: "heygen-v2",
  jobUrl: (baseUrl, jobId) => `${baseUrl}/v2/video_translate/${encodeURIComponent(jobId)}`,
  createUrl: (baseUrl) => `${baseUrl}/v2/video_translate`,
  idempotentCreate: false,
  jobsExtras: false,
  parseStatus(body, statusMap) {
    const data = dataOf(body);
    const status = statusOf(data.status, V2_STATUSES, statusMap);
    return heygenSnapshot(status, data.video_translate_id, data.message, body);
  },
  parseCreated(body) {
    return heygenSnapshot("pending", dataOf(body).video_translate_id, undefined, body);
  },
};
