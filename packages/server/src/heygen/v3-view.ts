import type { JobRecord } from "../jobs/record.js";
import { failureMessage, outputVideoUrl, translationPhase } from "./phase.js";

/** `status` of `GET /v3/video-translations/{id}`. */
export type V3Status = "pending" | "running" | "completed" | "failed";

/** `data` of `GET /v3/video-translations/{id}`. */
export interface V3TranslationView {
  id: string;
  title: string | null;
  status: V3Status;
  output_language: string | null;
  /** The translated video; only once `status` is `completed`. */
  video_url: string | null;
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
  return {
    id: record.id,
    title: record.title ?? null,
    status,
    output_language: record.outputLanguage ?? null,
    video_url: status === "completed" ? outputVideoUrl(record) : null,
    callback_id: record.callbackId ?? null,
    failure_message: failureMessage(record, phase) ?? null,
  };
}
