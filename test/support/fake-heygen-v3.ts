import type { FetchLike } from "@translation-status/client";
import { jsonResponse } from "./scripted-fetch.js";
import type { VirtualClock } from "./virtual-clock.js";

export interface FakeTranslation {
  durationMs: number;
  outcome: "completed" | "failed";
  /** The video's length in seconds, as the single read gives it. */
  duration?: number;
}

/**
 * HeyGen's v3 video translation reads on a virtual clock, in the shapes of HeyGen's spec: the
 * single read (`GET /v3/video-translations/{id}`, `{data: {id, status, duration, ...}}`) and,
 * unless `bulk` is false, the bulk read (`GET /v3/video-translations/statuses
 * ?video_translation_ids=a,b`, `{data: [{video_id, status, error}], has_more, next_token}`,
 * at most 100 ids). No hint headers, as HeyGen sends none. Records every request.
 */
export function fakeHeygenV3(
  clock: VirtualClock,
  jobs: Record<string, FakeTranslation>,
  features: { bulk?: boolean } = {},
) {
  const { bulk = true } = features;
  const requests: Array<{ path: string; ids: string[]; at: number }> = [];
  const done = (job: FakeTranslation) => clock.now() >= job.durationMs;
  const failure = "The source video has no speech";

  const statusItem = (id: string) => {
    const job = jobs[id];
    if (!job) return { video_id: id, status: "not_found", error: null };
    const started = clock.now() >= job.durationMs / 10;
    const status = done(job) ? job.outcome : started ? "processing" : "queued";
    return {
      video_id: id,
      status,
      error: status === "failed" ? { code: "translation_failed", message: failure } : null,
    };
  };
  const single = (id: string) => {
    const job = jobs[id]!;
    const status = done(job) ? job.outcome : clock.now() > 0 ? "running" : "pending";
    return {
      data: {
        id,
        status,
        duration: job.duration ?? null,
        failure_message: status === "failed" ? failure : null,
      },
    };
  };

  const fetch: FetchLike = async (input) => {
    await Promise.resolve();
    const url = new URL(input);
    const ids = url.searchParams.get("video_translation_ids")?.split(",") ?? [];
    requests.push({ path: url.pathname, ids, at: clock.now() });
    if (url.pathname === "/v3/video-translations/statuses" && bulk) {
      if (ids.length === 0 || ids.length > 100) {
        const message = "video_translation_ids takes 1 to 100 ids";
        return jsonResponse({ error: { code: "validation_error", message } }, 400);
      }
      return jsonResponse({ data: ids.map(statusItem), has_more: false, next_token: null });
    }
    const id = decodeURIComponent(url.pathname.replace(/^\/v3\/video-translations\//, ""));
    if (!jobs[id]) {
      return jsonResponse(
        { error: { code: "not_found", message: "Video translation not found" } },
        404,
      );
    }
    return jsonResponse(single(id));
  };
  return { fetch, requests };
}
