import type { FastifyPluginAsync } from "fastify";
import { setTranslationHints } from "../heygen/reply.js";
import { translationInput, type TranslationRequest } from "../heygen/input.js";
import {
  heygenErrorResponses,
  translationIdParamsSchema,
  v3CreateBodySchema,
  v3CreatedSchema,
  v3CreateHeadersSchema,
  v3ErrorSchema,
  v3StatusSchema,
} from "../heygen/schemas.js";
import { toV3View } from "../heygen/v3-view.js";
import { readIdempotencyKey } from "../jobs/idempotency.js";
import { ownerOf } from "../auth/caller.js";
import type { HeygenRoutesOptions } from "./heygen-v2.js";
import { readWithWait } from "./live.js";
import { LONG_POLL } from "./openapi-text.js";

interface V3CreateBody extends TranslationRequest {
  video: { type: "url"; url: string } | { type: "asset_id"; asset_id: string };
  output_languages: [string];
  mode?: "speed" | "precision";
  input_language?: string;
  translate_audio_only?: boolean;
  speaker_num?: number;
}

const V3_PATH = "/v3/video-translations";

/**
 * HeyGen's v3 video translations: create (with `Idempotency-Key`), then read the status. The
 * jobs are the ones `/jobs` serves, seen in v3's shape; v3's error envelope is ours.
 */
export const heygenV3Routes: FastifyPluginAsync<HeygenRoutesOptions> = async (
  app,
  { service, live },
) => {
  const hintsFor = (id: string) => ({
    path: `${V3_PATH}/${encodeURIComponent(id)}`,
    maxWaitSeconds: live.maxWaitSeconds,
  });

  // 200 and the ids; a retry with the same Idempotency-Key and body gets the same ids, marked
  // `Idempotency-Replayed: true`, and 422 with another body.
  app.post<{ Body: V3CreateBody }>(
    V3_PATH,
    {
      schema: {
        summary: "Create a video translation (HeyGen v3 shape)",
        description:
          "HeyGen's v3 request and envelope, over the simulator's own jobs. Takes an " +
          "`Idempotency-Key`: a retry with the same key and body gets the same job.",
        tags: ["heygen-v3"],
        headers: v3CreateHeadersSchema,
        body: v3CreateBodySchema,
        response: {
          200: v3CreatedSchema,
          ...heygenErrorResponses(v3ErrorSchema, 400, 409, 413, 415, 422),
        },
      },
      preValidation: async (request) => {
        readIdempotencyKey(request.headers["idempotency-key"]);
      },
    },
    async (request, reply) => {
      const { video, output_languages, title, callback_id, callback_url, ...rest } = request.body;
      const [outputLanguage] = output_languages;
      const source =
        video.type === "url" ? { videoUrl: video.url } : { videoAssetId: video.asset_id };
      const input = translationInput(
        "heygen-v3",
        { videoUrl: source.videoUrl, outputLanguage, title, callback_id, callback_url },
        {
          ...rest,
          ...(source.videoAssetId !== undefined && { videoAssetId: source.videoAssetId }),
        },
      );
      const created = await service.create(input, {
        owner: ownerOf(request),
        idempotencyKey: readIdempotencyKey(request.headers["idempotency-key"]),
      });
      if (created.replayed) reply.header("idempotency-replayed", "true");
      setTranslationHints(reply, created, hintsFor(created.record.id));
      return { data: { video_translation_ids: [created.record.id] } };
    },
  );

  // With `Prefer: wait=N`, a pending job's answer waits until it ends or N seconds pass.
  app.get<{ Params: { id: string } }>(
    `${V3_PATH}/:id`,
    {
      config: { jobParam: "id" },
      schema: {
        summary: "Read a video translation (HeyGen v3 shape)",
        description: `Status \`pending\`, \`running\`, \`completed\` or \`failed\`. ${LONG_POLL}`,
        tags: ["heygen-v3"],
        params: translationIdParamsSchema,
        response: { 200: v3StatusSchema, ...heygenErrorResponses(v3ErrorSchema, 404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const owner = ownerOf(request);
      const snapshot = await readWithWait(request, reply, live, () => service.get(id, owner));
      setTranslationHints(reply, snapshot, hintsFor(id));
      return { data: toV3View(snapshot.record, snapshot.at) };
    },
  );
};
