import { HEYGEN_EVENT_TYPES } from "../../webhooks/event-types.js";

/**
 * HeyGen's webhook event types, in the order of the spec's enum (`/v3/webhooks/endpoints`,
 * `events`), each with when it fires. An endpoint may subscribe to any of them; the simulator
 * raises the video translation ones only (`SENT_EVENT_TYPES`).
 */
export const HEYGEN_V3_EVENT_TYPES = {
  "avatar_video.success": "An avatar video finished rendering.",
  "avatar_video.fail": "An avatar video failed to render.",
  "avatar_video_gif.success": "The GIF of an avatar video is ready.",
  "avatar_video_gif.fail": "The GIF of an avatar video failed.",
  "video_translate.success": "A video translation completed: the translated video is ready.",
  "video_translate.fail": "A video translation failed.",
  "video_translate.preflight.validation_failed":
    "A video translation was refused before it started: its input did not validate.",
  "video_translate.preflight.download_failed":
    "A video translation was refused before it started: its video could not be downloaded.",
  personalized_video: "A personalized video was generated.",
  "instant_avatar.success": "An instant avatar was created.",
  "instant_avatar.fail": "An instant avatar could not be created.",
  "photo_avatar_generation.success": "A photo avatar was generated.",
  "photo_avatar_generation.fail": "A photo avatar could not be generated.",
  "photo_avatar_train.success": "A photo avatar finished training.",
  "photo_avatar_train.fail": "A photo avatar failed to train.",
  "photo_avatar_add_motion.success": "Motion was added to a photo avatar.",
  "photo_avatar_add_motion.fail": "Motion could not be added to a photo avatar.",
  "proofread_creation.success": "A proofread of a video translation is ready.",
  "proofread_creation.fail": "A proofread of a video translation failed.",
  "live_avatar.success": "A live avatar session completed.",
  "live_avatar.fail": "A live avatar session failed.",
  "avatar_video_caption.success": "The captions of an avatar video are ready.",
  "avatar_video_caption.fail": "The captions of an avatar video failed.",
  "video_agent.success": "A Video Agent video finished.",
  "video_agent.fail": "A Video Agent video failed.",
  "hyperframes_video.success": "A Hyperframes video finished.",
  "hyperframes_video.fail": "A Hyperframes video failed.",
  "ai_clipping.success": "AI clipping finished.",
  "ai_clipping.fail": "AI clipping failed.",
  "batch.finished": "Every item of a batch has finished.",
} as const;

export type HeyGenV3EventType = keyof typeof HEYGEN_V3_EVENT_TYPES;

export const HEYGEN_V3_EVENT_NAMES = Object.keys(HEYGEN_V3_EVENT_TYPES) as HeyGenV3EventType[];

/** The events the simulator raises: its jobs are video translations. */
export const SENT_EVENT_TYPES: readonly HeyGenV3EventType[] = HEYGEN_EVENT_TYPES;
