import { ShapeError } from "../parse.js";
import type { RequestOptions } from "../create-options.js";
import { dataOf, heygenSnapshot, statusOf } from "./heygen-shape.js";
import type { ApiProfile } from "./types.js";

/** The body of HeyGen's `POST /v3/video-translations`, plus the per-call options. */
export interface HeygenV3CreateJobOptions extends RequestOptions {
  /** The video to translate: a URL, or an uploaded asset. */
  video: { type: "url"; url: string } | { type: "asset_id"; asset_id: string };
  /** The languages to translate into; the simulator takes one. The first id is returned. */
  output_languages: string[];
  title?: string;
  /** Your own id for the job, echoed in its status and webhooks. */
  callback_id?: string;
  /** Where this job's webhook goes. */
  callback_url?: string;
  mode?: "speed" | "precision";
  input_language?: string;
  translate_audio_only?: boolean;
  speaker_num?: number;
  /**
   * Sent as `Idempotency-Key`, so a retried creation returns the first job.
   * @default a random UUID, the same for every retry of this call
   */
  idempotencyKey?: string;
}

const V3_STATUSES = {
  pending: "pending",
  running: "pending",
  completed: "completed",
  failed: "error",
} as const;

/**
 * HeyGen v3: `POST /v3/video-translations` (with Idempotency-Key),
 * `GET /v3/video-translations/{id}`, answers in `{ "data": ... }`.
 */
export const heygenV3Profile: ApiProfile = {
  name: "heygen-v3",
  jobUrl: (baseUrl, jobId) => `${baseUrl}/v3/video-translations/${encodeURIComponent(jobId)}`,
  createUrl: (baseUrl) => `${baseUrl}/v3/video-translations`,
  idempotentCreate: true,
  jobsExtras: false,
  parseStatus(body, statusMap) {
    const data = dataOf(body);
    const status = statusOf(data.status, V3_STATUSES, statusMap);
    const snapshot = heygenSnapshot(status, data.id, data.failure_message, body);
    // The video's length in seconds: translation time scales with it, so it is the job's size.
    const { duration } = data;
    if (typeof duration === "number" && duration > 0 && Number.isFinite(duration)) {
      snapshot.size = duration;
    }
    return snapshot;
  },
  parseCreated(body) {
    const ids = dataOf(body).video_translation_ids;
    if (!Array.isArray(ids) || ids.length === 0) throw new ShapeError("no video_translation_ids");
    return heygenSnapshot("pending", ids[0], undefined, body);
  },
};
