import type { RequestOptions } from "../create-options.js";
import { ShapeError } from "../parse.js";
import type { JobStatus } from "../types.js";
import { statusOf, vendorSnapshot } from "./heygen-shape.js";
import type { ApiProfile } from "./types.js";

/**
 * The form of ElevenLabs' `POST /v1/dubbing` (the fields of its official SDK's
 * `BodyDubAVideoOrAnAudioFileV1DubbingPost`, under their wire names), plus the per-call options.
 * Sent as multipart form data, as the SDK sends it.
 */
export interface ElevenlabsCreateJobOptions extends RequestOptions {
  /** URL of the source video or audio; or send `file`. */
  source_url?: string;
  /** The video or audio itself (a `File` keeps its name); or send `source_url`. */
  file?: Blob;
  /** The language to dub into, e.g. `"es"` (ISO 639-1 or 639-3). */
  target_lang: string;
  /** The source language, e.g. `"en"`. @default "auto" (detected) */
  source_lang?: string;
  /** Name of the dubbing project. */
  name?: string;
  /** Speakers to use; 0 detects them. */
  num_speakers?: number;
  watermark?: boolean;
  target_accent?: string;
  start_time?: number;
  end_time?: number;
  highest_resolution?: boolean;
  drop_background_audio?: boolean;
  use_profanity_filter?: boolean;
  dubbing_studio?: boolean;
  disable_voice_cloning?: boolean;
  mode?: "automatic" | "manual";
}

const DUBBING_STATUSES: Readonly<Record<string, JobStatus>> = {
  queued: "pending",
  preparing: "pending",
  dubbing: "pending",
  dubbed: "completed",
  failed: "error",
};

/** What a dub's failure is called: ElevenLabs gives a message, no code. */
export const DUBBING_FAILURE_CODE = "dubbing_failed";

/**
 * ElevenLabs' dubbing: `POST /v1/dubbing` (multipart form, no Idempotency-Key),
 * `GET /v1/dubbing/{dubbing_id}`, the key in `xi-api-key`. The creation's
 * `expected_duration_sec` becomes the snapshot's `expectedDurationMs`.
 */
export const elevenlabsProfile: ApiProfile = {
  name: "elevenlabs",
  jobUrl: (baseUrl, jobId) => `${baseUrl}/v1/dubbing/${encodeURIComponent(jobId)}`,
  createUrl: (baseUrl) => `${baseUrl}/v1/dubbing`,
  idempotentCreate: false,
  jobsExtras: false,
  apiKeyHeader: "xi-api-key",
  createBody: toForm,
  parseStatus(body, statusMap) {
    const dub = objectOf(body);
    const status = statusOf(dub.status, DUBBING_STATUSES, statusMap);
    const error =
      status === "error"
        ? {
            code: DUBBING_FAILURE_CODE,
            message: typeof dub.error === "string" ? dub.error : "The dub failed",
          }
        : undefined;
    const snapshot = vendorSnapshot(status, dub.dubbing_id, body, error, "dubbing_id");
    const createdAt = typeof dub.created_at === "string" ? dub.created_at : undefined;
    return { ...snapshot, createdAt };
  },
  parseCreated(body) {
    const created = objectOf(body);
    const seconds = created.expected_duration_sec;
    const snapshot = vendorSnapshot("pending", created.dubbing_id, body, undefined, "dubbing_id");
    if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) return snapshot;
    return { ...snapshot, expectedDurationMs: Math.round(seconds * 1_000) };
  },
};

function objectOf(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ShapeError("expected a JSON object");
  }
  return body as Record<string, unknown>;
}

/** The form as the SDK sends it: each field set, numbers and booleans as text, a file as a part. */
function toForm(fields: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (value instanceof Blob) {
      form.append(name, value, (value as Partial<File>).name ?? "upload");
    } else if (["string", "number", "boolean"].includes(typeof value)) {
      form.append(name, String(value));
    } else {
      throw new TypeError(`Option "${name}" must be a string, number, boolean or Blob`);
    }
  }
  return form;
}
