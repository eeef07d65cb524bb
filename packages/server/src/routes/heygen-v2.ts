import type { FastifyPluginAsync } from "fastify";
import { setTranslationHints } from "../heygen/reply.js";
import { translationInput, type TranslationRequest } from "../heygen/input.js";
import {
  heygenErrorResponses,
  translationIdParamsSchema,
  v2CreateBodySchema,
  v2CreatedSchema,
  v2ErrorSchema,
  v2StatusSchema,
} from "../heygen/schemas.js";
import { installV2ErrorEnvelope } from "../heygen/v2-errors.js";
import { toV2View, v2Envelope } from "../heygen/v2-view.js";
import type { JobService } from "../jobs/service.js";
import { ownerOf } from "../auth/caller.js";
import { readWithWait, type LiveOptions } from "./live.js";
import { LONG_POLL } from "./openapi-text.js";

export interface HeygenRoutesOptions {
  service: JobService;
  live: LiveOptions;
}

interface V2CreateBody extends TranslationRequest {
  video_url: string;
  output_language: string;
  translate_audio_only?: boolean;
  speaker_num?: number;
}

const V2_PATH = "/v2/video_translate";

/**
 * HeyGen's v2 video translation: create, then read the status. The jobs are the ones `/jobs`
 * serves, seen in v2's shape; every answer, errors included, is in v2's envelope.
 */
export const heygenV2Routes: FastifyPluginAsync<HeygenRoutesOptions> = async (
  app,
  { service, live },
) => {
  installV2ErrorEnvelope(app);
  const hintsFor = (id: string) => ({
    path: `${V2_PATH}/${encodeURIComponent(id)}`,
    maxWaitSeconds: live.maxWaitSeconds,
  });

  app.post<{ Body: V2CreateBody }>(
    V2_PATH,
    {
      schema: {
        summary: "Create a video translation (HeyGen v2 shape)",
        description:
          "HeyGen's v2 request and envelope, over the simulator's own jobs: the same durations, " +
          "outcomes, limits and faults. See docs/heygen.md for what is faithful and what is a choice.",
        tags: ["heygen-v2"],
        body: v2CreateBodySchema,
        response: {
          200: v2CreatedSchema,
          ...heygenErrorResponses(v2ErrorSchema, 400, 413, 415),
        },
      },
    },
    async (request, reply) => {
      const { video_url, output_language, title, callback_id, callback_url, ...rest } =
        request.body;
      const created = await service.create(
        translationInput(
          "heygen-v2",
          {
            videoUrl: video_url,
            outputLanguage: output_language,
            title,
            callback_id,
            callback_url,
          },
          rest,
        ),
        { owner: ownerOf(request) },
      );
      setTranslationHints(reply, created, hintsFor(created.record.id));
      return v2Envelope({ video_translate_id: created.record.id });
    },
  );

  // With `Prefer: wait=N`, a pending job's answer waits until it ends or N seconds pass.
  app.get<{ Params: { id: string } }>(
    `${V2_PATH}/:id`,
    {
      config: { jobParam: "id" },
      schema: {
        summary: "Read a video translation (HeyGen v2 shape)",
        description:
          "Status `pending`, `running`, `success` or `failed`. Pending answers carry " +
          `\`Retry-After\` and \`Poll-After-Ms\`, extensions of ours. ${LONG_POLL}`,
        tags: ["heygen-v2"],
        params: translationIdParamsSchema,
        response: { 200: v2StatusSchema, ...heygenErrorResponses(v2ErrorSchema, 404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const owner = ownerOf(request);
      const snapshot = await readWithWait(request, reply, live, () => service.get(id, owner));
      setTranslationHints(reply, snapshot, hintsFor(id));
      return v2Envelope(toV2View(snapshot.record, snapshot.at));
    },
  );
};
