import { createJobHeadersSchema, errorBodySchema } from "../routes/schemas.js";

// JSON Schemas of the HeyGen-shaped routes: request validation, response serialization and the
// API description. Field names and statuses follow HeyGen's public documentation; limits
// (lengths, one output language per v3 request) are the simulator's.

const httpUrl = {
  type: "string",
  minLength: 8,
  maxLength: 2_048,
  pattern: "^https?://",
} as const;

const shortText = (maxLength: number, description: string) =>
  ({ type: "string", minLength: 1, maxLength, description }) as const;

/** Fields both versions take and the simulator keeps but does not act on. */
const ignoredOptions = {
  translate_audio_only: {
    type: "boolean",
    description: "Accepted and kept with the job (in its metadata); no effect on the simulation",
  },
  speaker_num: {
    type: "integer",
    minimum: 1,
    maximum: 100,
    description: "Accepted and kept with the job (in its metadata); no effect on the simulation",
  },
} as const;

const common = {
  title: shortText(500, "A name for the translated video"),
  callback_id: shortText(255, "Your own id for the job, echoed back in its status and webhooks"),
  callback_url: { ...httpUrl, description: "Where this job's webhook goes" },
} as const;

export const translationIdParamsSchema = {
  type: "object",
  required: ["id"],
  properties: {
    id: { type: "string", description: "The id the creation returned" },
  },
} as const;

/** `{ code, message }`: the same error object as our own envelope carries. */
const errorShape = errorBodySchema.properties.error;

// ---- v2

export const v2CreateBodySchema = {
  type: "object",
  additionalProperties: false,
  required: ["video_url", "output_language"],
  properties: {
    video_url: { ...httpUrl, description: "The video to translate" },
    output_language: shortText(100, "The language to translate into, e.g. Spanish"),
    ...common,
    ...ignoredOptions,
  },
} as const;

export const v2ErrorSchema = {
  type: "object",
  required: ["error", "data"],
  properties: { error: errorShape, data: { type: "null" } },
} as const;

export const v2CreatedSchema = {
  type: "object",
  required: ["error", "data"],
  properties: {
    error: { type: "null" },
    data: {
      type: "object",
      required: ["video_translate_id"],
      properties: { video_translate_id: { type: "string" } },
    },
  },
} as const;

const nullableString = { type: ["string", "null"] } as const;

export const v2StatusSchema = {
  type: "object",
  required: ["error", "data"],
  properties: {
    error: { type: "null" },
    data: {
      type: "object",
      required: ["video_translate_id", "title", "status", "url", "message"],
      properties: {
        video_translate_id: { type: "string" },
        title: nullableString,
        status: { type: "string", enum: ["pending", "running", "success", "failed"] },
        url: { ...nullableString, description: "The translated video, once status is success" },
        message: { ...nullableString, description: "Why it failed, once status is failed" },
      },
    },
  },
} as const;

// ---- v3

export const v3CreateBodySchema = {
  type: "object",
  additionalProperties: false,
  required: ["video", "output_languages"],
  properties: {
    video: {
      description: "The video to translate: a URL, or the id of an uploaded asset",
      anyOf: [
        {
          type: "object",
          additionalProperties: false,
          required: ["type", "url"],
          properties: { type: { const: "url" }, url: httpUrl },
        },
        {
          type: "object",
          additionalProperties: false,
          required: ["type", "asset_id"],
          properties: { type: { const: "asset_id" }, asset_id: shortText(255, "An asset id") },
        },
      ],
    },
    output_languages: {
      type: "array",
      minItems: 1,
      maxItems: 1,
      items: shortText(100, "A language to translate into"),
      description: "The language to translate into; the simulator takes one per request",
    },
    mode: { type: "string", enum: ["speed", "precision"], description: "Kept in metadata" },
    input_language: shortText(100, "The source language; kept in metadata"),
    ...common,
    ...ignoredOptions,
  },
} as const;

/** The same `Idempotency-Key` as `POST /jobs` takes. */
export const v3CreateHeadersSchema = createJobHeadersSchema;

export const v3ErrorSchema = errorBodySchema;

export const v3CreatedSchema = {
  type: "object",
  required: ["data"],
  properties: {
    data: {
      type: "object",
      required: ["video_translation_ids"],
      properties: {
        video_translation_ids: {
          type: "array",
          items: { type: "string" },
          description: "One id per output language",
        },
      },
    },
  },
} as const;

export const v3StatusSchema = {
  type: "object",
  required: ["data"],
  properties: {
    data: {
      type: "object",
      required: [
        "id",
        "title",
        "status",
        "output_language",
        "video_url",
        "callback_id",
        "failure_message",
      ],
      properties: {
        id: { type: "string" },
        title: nullableString,
        status: { type: "string", enum: ["pending", "running", "completed", "failed"] },
        output_language: nullableString,
        video_url: { ...nullableString, description: "The translated video, once completed" },
        callback_id: nullableString,
        failure_message: { ...nullableString, description: "Why it failed, once failed" },
      },
    },
  },
} as const;

/** The error answers of a route, plus those any route can give: 401, 429 and 500. */
export function heygenErrorResponses<S>(schema: S, ...statuses: number[]): Record<number, S> {
  return Object.fromEntries([...statuses, 401, 429, 500].map((status) => [status, schema]));
}
