import { DUBBING_FIELDS, FIELD_PATTERNS, type FieldKind } from "./fields.js";

// JSON Schemas of the ElevenLabs dubbing routes: request validation, response serialization and
// the API description. Shapes follow the official JS SDK's serialization schemas
// (serialization/types/DoDubbingResponse, DubbingMetadataResponse, DeleteDubbingResponseModel,
// HttpValidationError); see docs/elevenlabs.md.

const DESCRIPTIONS: Record<string, string> = {
  file: "The audio or video to dub",
  csv_file: "A CSV transcript (manual mode); kept with the job",
  foreground_audio_file: "For CSV input; kept with the job",
  background_audio_file: "For CSV input; kept with the job",
  name: "Name of the dubbing project",
  source_url: "URL of the source video or audio",
  source_lang: "Source language (ISO 639-1 or 639-3), or auto",
  target_lang: "The language to dub into (ISO 639-1 or 639-3)",
  num_speakers: "Speakers to use; 0 detects them",
  mode: "automatic or manual",
};

function fieldSchema(name: string, kind: FieldKind): Record<string, unknown> {
  const description = DESCRIPTIONS[name] ?? "Accepted and kept with the job (in its metadata)";
  if (kind === "file") {
    return { type: "string", contentMediaType: "application/octet-stream", description };
  }
  if (kind === "mode") return { type: "string", enum: ["automatic", "manual"], description };
  const pattern = FIELD_PATTERNS[kind];
  return {
    type: "string",
    maxLength: name === "source_url" ? 2_048 : 1_000,
    ...(pattern !== undefined && { pattern }),
    description,
  };
}

/** The multipart form, each field as the text it travels as (files as their names). */
export const dubbingFormSchema = {
  type: "object",
  additionalProperties: false,
  properties: Object.fromEntries(
    Object.entries(DUBBING_FIELDS).map(([name, kind]) => [name, fieldSchema(name, kind)]),
  ),
} as const;

export const dubbingIdParamsSchema = {
  type: "object",
  required: ["dubbing_id"],
  properties: { dubbing_id: { type: "string", description: "The id the creation returned" } },
} as const;

/** `DoDubbingResponse`. */
export const dubbingCreatedSchema = {
  description: "The dub is under way",
  type: "object",
  required: ["dubbing_id", "expected_duration_sec"],
  properties: {
    dubbing_id: { type: "string" },
    expected_duration_sec: {
      type: "number",
      description: "How long the dub is expected to take, in seconds",
    },
  },
} as const;

const nullableString = { type: ["string", "null"] } as const;

/** `DubbingMetadataResponse`: what the SDK's `dubbing.get` parses, required fields first. */
export const dubbingMetadataSchema = {
  description: "The dub",
  type: "object",
  required: ["dubbing_id", "name", "status", "target_languages", "created_at", "error"],
  properties: {
    dubbing_id: { type: "string" },
    name: { type: "string" },
    status: { type: "string", enum: ["dubbing", "dubbed", "failed"] },
    source_language: { ...nullableString, description: "Once dubbed, when it was given" },
    target_languages: { type: "array", items: { type: "string" } },
    editable: { type: "boolean", description: "Whether it was prepared for Dubbing Studio" },
    created_at: { type: "string", format: "date-time" },
    media_metadata: {
      type: "object",
      required: ["content_type", "duration"],
      properties: { content_type: { type: "string" }, duration: { type: "number" } },
    },
    error: { ...nullableString, description: "Why it failed, once failed" },
  },
} as const;

/** `DeleteDubbingResponseModel`. */
export const dubbingDeletedSchema = {
  description: "Deleted",
  type: "object",
  required: ["status"],
  properties: { status: { type: "string", const: "ok" } },
} as const;

/** ElevenLabs' error answer: `{"detail": {"status", "message", ...}}`. */
export const detailErrorSchema = {
  type: "object",
  required: ["detail"],
  properties: {
    detail: {
      type: "object",
      required: ["status", "message"],
      properties: {
        status: { type: "string", description: "The error's code (ElevenLabs' legacy name)" },
        code: { type: "string", description: "The same code, under its current name" },
        message: { type: "string" },
        request_id: { type: "string" },
      },
    },
  },
} as const;

/** `HttpValidationError`, the 422 the SDK throws as `UnprocessableEntityError`. */
export const validationErrorSchema = {
  description: "A form field is missing, unknown or of the wrong type",
  type: "object",
  required: ["detail"],
  properties: {
    detail: {
      type: "array",
      items: {
        type: "object",
        required: ["loc", "msg", "type"],
        properties: {
          loc: { type: "array", items: { type: ["string", "integer"] } },
          msg: { type: "string" },
          type: { type: "string" },
        },
      },
    },
  },
} as const;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "The form is incomplete: no source, or no target language",
  401: "A valid xi-api-key is required",
  404: "No such dub, or not one of the caller's",
  413: "An uploaded file is too large",
  415: "The body is not multipart/form-data",
  429: "Rate or concurrency limit reached; retry later",
  500: "The server failed",
};

/** The error answers of a route, plus those any route can give: 401, 429 and 500. */
export function detailErrorResponses(...statuses: number[]): Record<number, object> {
  return Object.fromEntries(
    [...statuses, 401, 429, 500].map((status) => [
      status,
      { description: ERROR_DESCRIPTIONS[status] ?? "Error", ...detailErrorSchema },
    ]),
  );
}
