import type { JobRecord } from "../jobs/record.js";
import { failureMessage, outputVideoUrl, translationPhase } from "./phase.js";

/** `status` of `GET /v2/video_translate/{id}`. */
export type V2Status = "pending" | "running" | "success" | "failed";

/** `data` of `GET /v2/video_translate/{id}`. */
export interface V2TranslationView {
  video_translate_id: string;
  title: string | null;
  status: V2Status;
  /** The translated video; only once `status` is `success`. */
  url: string | null;
  /** Why it failed; only once `status` is `failed`. */
  message: string | null;
}

/** HeyGen v2's success envelope: `{ "error": null, "data": ... }`. */
export interface V2Envelope<T> {
  error: null;
  data: T;
}

const V2_STATUS = {
  queued: "pending",
  running: "running",
  completed: "success",
  // v2 has no word for cancelled: a cancelled translation is one that did not succeed.
  error: "failed",
  cancelled: "failed",
} as const;

export function toV2View(record: JobRecord, now: number): V2TranslationView {
  const phase = translationPhase(record, now);
  const status = V2_STATUS[phase];
  return {
    video_translate_id: record.id,
    title: record.title ?? null,
    status,
    url: status === "success" ? outputVideoUrl(record) : null,
    message: failureMessage(record, phase) ?? null,
  };
}

export function v2Envelope<T>(data: T): V2Envelope<T> {
  return { error: null, data };
}
