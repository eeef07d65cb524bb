import type { JobRecord } from "../jobs/record.js";
import { failureMessage, outputFileUrl, translationPhase } from "./phase.js";

/** `status` of `GET /v3/video-translations/{id}`. */
export type V3Status = "pending" | "running" | "completed" | "failed";

/** `data` of `GET /v3/video-translations/{id}`: every field of HeyGen's response schema. */
export interface V3TranslationView {
  id: string;
  title: string | null;
  status: V3Status;
  output_language: string | null;
  /** As the request gave it; the simulator detects nothing. */
  input_language: string | null;
  /** Unix time, in seconds. */
  created_at: number;
  /** Seconds of video translated; null for a job not created through v3. */
  duration: number | null;
  translate_audio_only: boolean;
  /** The translated video; only once `status` is `completed`. */
  video_url: string | null;
  /** The translated audio; only once completed, and with `translate_audio_only`. */
  audio_url: string | null;
  /** Captions; only once completed, and with `enable_caption`. */
  srt_caption_url: string | null;
  vtt_caption_url: string | null;
  callback_id: string | null;
  /** Why it failed; only once `status` is `failed`. */
  failure_message: string | null;
}

/** HeyGen v3's success envelope: `{ "data": ... }`. */
export interface V3Envelope<T> {
  data: T;
}

const V3_STATUS = {
  queued: "pending",
  running: "running",
  completed: "completed",
  error: "failed",
  cancelled: "failed",
} as const;

export function toV3View(record: JobRecord, now: number): V3TranslationView {
  const phase = translationPhase(record, now);
  const status = V3_STATUS[phase];
  const done = status === "completed";
  // The request's options, for the jobs HeyGen's routes made; a /jobs job's metadata is the
  // caller's own.
  const options = record.api?.startsWith("heygen") ? record.metadata : {};
  const audioOnly = options.translate_audio_only === true;
  const captions = done && options.enable_caption === true;
  return {
    id: record.id,
    title: record.title ?? null,
    status,
    output_language: record.outputLanguage ?? null,
    input_language: typeof options.input_language === "string" ? options.input_language : null,
    created_at: Math.floor(record.createdAt / 1_000),
    duration: record.videoSeconds ?? null,
    translate_audio_only: audioOnly,
    video_url: done ? outputFileUrl(record, "mp4") : null,
    audio_url: done && audioOnly ? outputFileUrl(record, "mp3") : null,
    srt_caption_url: captions ? outputFileUrl(record, "srt") : null,
    vtt_caption_url: captions ? outputFileUrl(record, "vtt") : null,
    callback_id: record.callbackId ?? null,
    failure_message: failureMessage(record, phase) ?? null,
  };
}
