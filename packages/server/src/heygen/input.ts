import type { CreateJobInput } from "../jobs/service.js";

/** The request fields both HeyGen versions map onto a job's record. */
export interface TranslationRequest {
  title?: string;
  callback_id?: string;
  callback_url?: string;
}

/**
 * A job to create from a HeyGen request: the fields a record knows by name, and the rest of the
 * body (options the simulator does not act on) as metadata, so a retry with the same
 * Idempotency-Key and another body is told apart. Absent fields stay absent, never `undefined`.
 */
export function translationInput(
  api: "heygen-v2" | "heygen-v3",
  known: {
    videoUrl: string | undefined;
    outputLanguage: string;
    title: string | undefined;
    callback_id: string | undefined;
    callback_url: string | undefined;
  },
  rest: Record<string, unknown>,
): CreateJobInput {
  const { videoUrl, outputLanguage, title, callback_id, callback_url } = known;
  return {
    api,
    outputLanguage,
    ...(videoUrl !== undefined && { videoUrl }),
    ...(title !== undefined && { title }),
    ...(callback_id !== undefined && { callbackId: callback_id }),
    ...(callback_url !== undefined && { callbackUrl: callback_url }),
    metadata: Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)),
  };
}
