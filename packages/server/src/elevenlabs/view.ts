import { deriveState, type JobStatus } from "../jobs/derive.js";
import { estimateTimes } from "../jobs/estimate.js";
import type { JobRecord } from "../jobs/record.js";

/** `status` of `GET /v1/dubbing/{dubbing_id}`. */
export type DubbingStatus = "dubbing" | "dubbed" | "failed";

/** The SDK's `DubbingMetadataResponse`, on the wire. */
export interface DubbingMetadataView {
  dubbing_id: string;
  name: string;
  status: DubbingStatus;
  /** Once dubbed, the source language the request named (absent when it was `auto`). */
  source_language?: string;
  target_languages: string[];
  editable: boolean;
  created_at: string;
  error: string | null;
}

/** The SDK's `DoDubbingResponse`. */
export interface DubbingCreatedView {
  dubbing_id: string;
  expected_duration_sec: number;
}

const DUBBING_STATUS: Record<JobStatus, DubbingStatus> = {
  pending: "dubbing",
  completed: "dubbed",
  // ElevenLabs has no word for a dub stopped early: it did not succeed.
  error: "failed",
  cancelled: "failed",
};

export function toDubbingView(record: JobRecord, now: number): DubbingMetadataView {
  const { status } = deriveState(record, now);
  const { source_lang, dubbing_studio } = record.metadata;
  const sourceLanguage =
    status === "completed" && typeof source_lang === "string" && source_lang !== "auto"
      ? source_lang
      : undefined;
  return {
    dubbing_id: record.id,
    name: record.title ?? "Untitled",
    status: DUBBING_STATUS[status],
    ...(sourceLanguage !== undefined && { source_language: sourceLanguage }),
    target_languages: record.outputLanguage === undefined ? [] : [record.outputLanguage],
    editable: dubbing_studio === true,
    created_at: new Date(record.createdAt).toISOString(),
    error: failureOf(record, status),
  };
}

/** The creation's answer: the job's id and the server's estimate of its length, in seconds. */
export function toCreatedView(record: JobRecord, now: number): DubbingCreatedView {
  const { estimatedCompletionAt } = estimateTimes(record, now);
  return {
    dubbing_id: record.id,
    expected_duration_sec: Math.max(0, estimatedCompletionAt - record.createdAt) / 1_000,
  };
}

function failureOf(record: JobRecord, status: JobStatus): string | null {
  if (status === "cancelled") return "The dub was deleted before it finished";
  if (status === "error") return record.failure?.message ?? "The dub failed";
  return null;
}
