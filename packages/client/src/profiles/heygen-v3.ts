import { ShapeError } from "../parse.js";
import type { RequestOptions } from "../create-options.js";
import type { JobStatus } from "../types.js";
import { HEYGEN_FAILURE_CODE, dataOf, heygenSnapshot, statusOf } from "./heygen-shape.js";
import type { ApiProfile, BatchAnswer, StatusMap } from "./types.js";

/** The body of HeyGen's `POST /v3/video-translations`, plus the per-call options. */
export interface HeygenV3CreateJobOptions extends RequestOptions {
  /** The video to translate: a URL, or an uploaded asset. */
  video: { type: "url"; url: string } | { type: "asset_id"; asset_id: string };
  /**
   * The languages to translate into (HeyGen's names, e.g. `"Spanish"`). The API makes one job per
   * language; `createJob` returns the first, so pass one language per call to wait on each.
   */
  output_languages: string[];
  title?: string | null;
  /** Your own id for the job, echoed in its status and webhooks. */
  callback_id?: string | null;
  /** Where this job's webhook goes. */
  callback_url?: string | null;
  mode?: "speed" | "precision";
  /** The source language; detected when left out. */
  input_language?: string | null;
  /** Translate the audio only: the finished job has an `audio_url`. */
  translate_audio_only?: boolean;
  speaker_num?: number | null;
  /** Captions with the video: the finished job has `srt_caption_url` and `vtt_caption_url`. */
  enable_caption?: boolean;
  /** Translate part of the video, in seconds from its start. */
  start_time?: number | null;
  end_time?: number | null;
  keep_the_same_format?: boolean | null;
  enable_dynamic_duration?: boolean;
  enable_speech_enhancement?: boolean;
  enable_watermark?: boolean;
  disable_music_track?: boolean;
  brand_glossary_id?: string | null;
  /** Legacy name of `brand_glossary_id`. */
  brand_voice_id?: string | null;
  folder_id?: string | null;
  fps_mode?: "vfr" | "cfr" | "passthrough" | null;
  audio?: { type: "url"; url: string } | { type: "asset_id"; asset_id: string } | null;
  srt?: { type: "url"; url: string } | { type: "asset_id"; asset_id: string } | null;
  srt_role?: "input" | "output" | null;
  stock_voice_config?: Record<string, unknown> | null;
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
 * The statuses of the bulk read, which speaks the words of HeyGen's shared video status read
 * model (`queued`, `processing`), not those of the single read; `not_found` is an id it does not
 * know. The single read's words are taken too.
 */
const BULK_STATUSES: Readonly<Record<string, JobStatus>> = {
  ...V3_STATUSES,
  queued: "pending",
  processing: "pending",
};

/** Ids one bulk status request may carry, per HeyGen's spec. */
const MAX_BULK_IDS = 100;

/**
 * HeyGen v3: `POST /v3/video-translations` (with Idempotency-Key),
 * `GET /v3/video-translations/{id}`, answers in `{ "data": ... }`; many jobs at once through
 * `GET /v3/video-translations/statuses?video_translation_ids=a,b` (up to 100).
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
  batch: {
    maxIds: MAX_BULK_IDS,
    url: (baseUrl, ids) =>
      `${baseUrl}/v3/video-translations/statuses?video_translation_ids=${ids.map(encodeURIComponent).join(",")}`,
    parse: parseBulkStatuses,
  },
  parseCreated(body) {
    const ids = dataOf(body).video_translation_ids;
    if (!Array.isArray(ids) || ids.length === 0) throw new ShapeError("no video_translation_ids");
    return heygenSnapshot("pending", ids[0], undefined, body);
  },
};

/**
 * A bulk status answer, `{ "data": [{ video_id, status, error }] }`. Its items carry no
 * `duration` in HeyGen's spec, so a job's size comes from the wait (or from an item that has
 * one). Items without a `video_id` (a batch's videos not made yet) are not jobs asked about.
 */
function parseBulkStatuses(body: unknown, statusMap: StatusMap): BatchAnswer {
  const answer: BatchAnswer = { snapshots: [], missing: [], pollAfterMs: new Map() };
  const data = typeof body === "object" && body !== null ? (body as { data?: unknown }).data : [];
  if (!Array.isArray(data)) return answer;
  for (const item of data as unknown[]) {
    if (typeof item !== "object" || item === null) {
      throw new ShapeError("a status item is not an object");
    }
    const { video_id: id, status, error, duration } = item as Record<string, unknown>;
    if (typeof id !== "string" || id.length === 0) continue;
    if (status === "not_found") {
      const { code, message } = wordsOf(error);
      answer.missing.push({ id, code: code ?? "not_found", message });
      continue;
    }
    const ours = statusOf(status, BULK_STATUSES, statusMap);
    const snapshot = heygenSnapshot(ours, id, undefined, item);
    if (ours === "error") {
      const { code, message } = wordsOf(error);
      snapshot.error = {
        code: code ?? HEYGEN_FAILURE_CODE,
        message: message ?? "The translation failed",
      };
    }
    if (typeof duration === "number" && duration > 0 && Number.isFinite(duration)) {
      snapshot.size = duration;
    }
    answer.snapshots.push(snapshot);
  }
  return answer;
}

/** The code and message of an item's `error` object, where it gives them. */
function wordsOf(error: unknown): { code: string | undefined; message: string | undefined } {
  if (typeof error !== "object" || error === null) return { code: undefined, message: undefined };
  const { code, message } = error as Record<string, unknown>;
  return {
    code: typeof code === "string" ? code : undefined,
    message: typeof message === "string" ? message : undefined,
  };
}
