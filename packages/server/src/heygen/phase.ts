import { deriveState } from "../jobs/derive.js";
import type { JobRecord } from "../jobs/record.js";

/** Share of a job's duration spent queued, before it counts as running. */
export const QUEUED_SHARE = 0.1;
/** The queued phase never lasts longer than this, in ms, however long the job. */
export const MAX_QUEUED_MS = 5_000;

/**
 * Where a job is, in the words HeyGen's APIs need: our `pending` is split into `queued` (the
 * first 10% of the job's duration, at most 5 s) and `running` (the rest). Derived from the
 * record and the clock like every other state, so nothing is ticked.
 */
export type TranslationPhase = "queued" | "running" | "completed" | "error" | "cancelled";

export function translationPhase(record: JobRecord, now: number): TranslationPhase {
  const { status } = deriveState(record, now);
  if (status !== "pending") return status;
  const queuedMs = Math.min(QUEUED_SHARE * record.pendingDurationMs, MAX_QUEUED_MS);
  return now - record.createdAt < queuedMs ? "queued" : "running";
}

/** Why a job failed, as one sentence; undefined unless it failed or was cancelled. */
export function failureMessage(record: JobRecord, phase: TranslationPhase): string | undefined {
  if (phase === "cancelled") return "The translation was cancelled before it finished";
  if (phase === "error") return record.failure?.message ?? "The translation failed";
  return undefined;
}

/**
 * Where the translated video (or its audio, `mp3`, or captions, `srt`, `vtt`) would be once
 * done. The simulator makes no files: the `.invalid` top-level domain (RFC 2606) never resolves,
 * so nobody mistakes it for a real file.
 */
export function outputFileUrl(record: JobRecord, extension: "mp4" | "mp3" | "srt" | "vtt"): string {
  return `https://videos.simulator.invalid/translations/${record.id}.${extension}`;
}

/** Where the translated video would be once done (see `outputFileUrl`). */
export function outputVideoUrl(record: JobRecord): string {
  return outputFileUrl(record, "mp4");
}
