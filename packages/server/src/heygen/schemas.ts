import { errorBodySchema } from "../routes/schemas.js";
import { heygenCodes } from "./errors.js";

// JSON Schemas of the HeyGen-shaped routes: request validation, response serialization and the
// API description. Field names, types and statuses follow HeyGen's own schemas (v3) and public
// documentation (v2); limits (lengths, ranges, 100 output languages) are the simulator's.

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

/** v3's `{video_translation_id}`, as HeyGen's schema names it. */
export const v3TranslationParamsSchema = {
  type: "object",
  required: ["video_translation_id"],
  properties: {
    video_translation_id: { type: "string", description: "An id the creation returned" },
  },
} as const;

/** `{ code, message }`, as our own envelope carries, in HeyGen v2's codes. */
const v2ErrorShape = {
  ...errorBodySchema.properties.error,
  properties: {
    ...errorBodySchema.properties.error.properties,
    code: { type: "string", enum: heygenCodes("v2") },
  },
} as const;

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
  properties: { error: v2ErrorShape, data: { type: "null" } },
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

// `nullable` in HeyGen's OpenAPI 3.0 schemas: the type, or null.
const orNull = <S extends object>(schema: S) => ({ anyOf: [schema, { type: "null" }] }) as const;
const nullableText = (maxLength: number, description: string) =>
  ({ type: ["string", "null"], minLength: 1, maxLength, description }) as const;
const nullableBoolean = (description: string) =>
  ({ type: ["boolean", "null"], description }) as const;
// No `default` keywords: Ajv would write them into the body, and the job keeps what was sent.
const flag = (description: string, byDefault: boolean) =>
  ({ type: "boolean", description: `${description} (default ${String(byDefault)})` }) as const;

/** `{type: "url", url}` or `{type: "asset_id", asset_id}`: HeyGen's AssetUrl and AssetId. */
const asset = (description: string) =>
  ({
    description,
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
  }) as const;

const nullableAsset = (description: string) => {
  const { anyOf } = asset(description);
  return { description, anyOf: [...anyOf, { type: "null" }] } as const;
};

/** Seconds into the source video; bounded at a day of video. */
const videoTime = (description: string) =>
  ({ type: ["number", "null"], minimum: 0, maximum: 86_400, description }) as const;

/**
 * Every field of HeyGen's `POST /v3/video-translations` request schema, with its types, enums
 * and nullability; the lengths and ranges are the simulator's bounds. Fields outside it are
 * refused (400 `validation_error`, naming the field).
 */
export const v3CreateBodySchema = {
  type: "object",
  additionalProperties: false,
  required: ["video", "output_languages"],
  properties: {
    video: asset("The video to translate: a URL, or the id of an uploaded asset"),
    output_languages: {
      type: "array",
      minItems: 1,
      maxItems: 100,
      items: shortText(100, "A language to translate into, e.g. Spanish (Spain)"),
      description: "The languages to translate into: one job, and one id, per language",
    },
    title: nullableText(500, "A name for the translation"),
    callback_id: nullableText(255, "Your own id, echoed in the status and webhooks"),
    callback_url: { ...orNull(httpUrl), description: "Where this job's webhook goes" },
    input_language: nullableText(100, "The source language; shown back as input_language"),
    mode: { type: "string", enum: ["speed", "precision"], description: "Kept (default speed)" },
    translate_audio_only: flag("With true, the completed translation has an audio_url", false),
    enable_caption: flag("With true, the completed translation has caption URLs", false),
    start_time: videoTime("Where the part to translate starts, in seconds"),
    end_time: videoTime("Where the part to translate ends, in seconds"),
    speaker_num: {
      type: ["integer", "null"],
      minimum: 1,
      maximum: 100,
      description: "Kept with the job",
    },
    audio: nullableAsset("Custom audio for dubbing; kept with the job"),
    srt: nullableAsset("A custom subtitle file; kept with the job"),
    srt_role: { type: ["string", "null"], enum: ["input", "output", null], description: "Kept" },
    fps_mode: {
      type: ["string", "null"],
      enum: ["vfr", "cfr", "passthrough", null],
      description: "Kept with the job",
    },
    brand_glossary_id: nullableText(255, "Kept with the job"),
    brand_voice_id: nullableText(255, "Kept with the job (the legacy name of brand_glossary_id)"),
    folder_id: nullableText(255, "Kept with the job"),
    keep_the_same_format: nullableBoolean("Kept with the job"),
    disable_music_track: flag("Kept with the job", false),
    enable_dynamic_duration: flag("Kept with the job", true),
    enable_speech_enhancement: flag("Kept with the job", false),
    enable_watermark: flag("Kept with the job", false),
    stock_voice_config: {
      type: ["object", "null"],
      additionalProperties: false,
      properties: {
        use_stock_voice: { type: "boolean" },
        preferred_stock_voice_ids: {
          type: "array",
          maxItems: 100,
          items: shortText(255, "A stock voice id"),
        },
      },
      description: "Kept with the job",
    },
  },
} as const;

/** The same `Idempotency-Key` as `POST /jobs` takes, checked by HeyGen's rule in the route. */
export const v3CreateHeadersSchema = {
  type: "object",
  properties: { "idempotency-key": { type: "string" } },
} as const;

/** HeyGen v3's error envelope (see errors.ts). */
export const v3ErrorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "doc_url"],
      additionalProperties: false,
      properties: {
        code: { type: "string", enum: heygenCodes("v3") },
        message: { type: "string" },
        param: { type: "string", description: "The request field at fault" },
        doc_url: { type: "string" },
      },
    },
  },
} as const;

/** HeyGen v3's answer envelope: `{ "data": ... }`. */
export function v3Data<const Data>(data: Data) {
  return { type: "object", required: ["data"], properties: { data } } as const;
}

/** A page of HeyGen v3's lists: `data`, then `has_more` and the `next_token` that asks for more. */
export function pageSchema<const Items>(items: Items) {
  return {
    type: "object",
    required: ["data", "has_more", "next_token"],
    properties: {
      data: { type: "array", items },
      has_more: { type: "boolean" },
      next_token: { type: ["string", "null"] },
    },
  } as const;
}

export const v3CreatedSchema = v3Data({
  type: "object",
  required: ["video_translation_ids"],
  properties: {
    video_translation_ids: {
      type: "array",
      items: { type: "string" },
      description: "One id per output language, in their order",
    },
  },
});

const nullableInteger = { type: ["integer", "null"] } as const;
const nullableNumber = { type: ["number", "null"] } as const;

export const v3StatusSchema = v3Data({
  type: "object",
  required: [
    "id",
    "title",
    "status",
    "output_language",
    "input_language",
    "created_at",
    "duration",
    "translate_audio_only",
    "video_url",
    "audio_url",
    "srt_caption_url",
    "vtt_caption_url",
    "callback_id",
    "failure_message",
  ],
  properties: {
    id: { type: "string" },
    title: nullableString,
    status: { type: "string", enum: ["pending", "running", "completed", "failed"] },
    output_language: nullableString,
    input_language: { ...nullableString, description: "As the request gave it" },
    created_at: { ...nullableInteger, description: "Unix time, in seconds" },
    duration: { ...nullableNumber, description: "Seconds of video translated" },
    translate_audio_only: { type: ["boolean", "null"] },
    video_url: { ...nullableString, description: "The translated video, once completed" },
    audio_url: {
      ...nullableString,
      description: "The translated audio, once completed, with translate_audio_only",
    },
    srt_caption_url: {
      ...nullableString,
      description: "SRT captions, once completed, with enable_caption",
    },
    vtt_caption_url: {
      ...nullableString,
      description: "WebVTT captions, once completed, with enable_caption",
    },
    callback_id: nullableString,
    failure_message: { ...nullableString, description: "Why it failed, once failed" },
  },
});

/** The error answers of a route, plus those any route can give: 401, 429 and 500. */
export function heygenErrorResponses<S>(schema: S, ...statuses: number[]): Record<number, S> {
  return Object.fromEntries([...statuses, 401, 429, 500].map((status) => [status, schema]));
}
