import type { FastifyPluginAsync } from "fastify";
import { answeredJob } from "../route-facts.js";
import { ownerOf } from "../auth/caller.js";
import { readVendorJob, setVendorHints } from "../vendor/hints.js";
import type { HeygenRouteOptions } from "./index.js";
import { translationInput, type TranslationRequest } from "./input.js";
import {
  heygenErrorResponses,
  translationIdParamsSchema,
  v2CreateBodySchema,
  v2CreatedSchema,
  v2ErrorSchema,
  v2StatusSchema,
} from "./schemas.js";
import { toV2View, v2Envelope } from "./v2-view.js";

interface V2CreateBody extends TranslationRequest {
  video_url: string;
  output_language: string;
  translate_audio_only?: boolean;
  speaker_num?: number;
}

const V2_PATH = "/v2/video_translate";
const TAGS = ["heygen-v2"];
const FAITHFUL =
  "HeyGen's v2 request and envelope, over the simulator's own jobs: the same durations, " +
  "outcomes, limits and faults. See docs/heygen.md for what is faithful and what is a choice.";

/**
 * HeyGen's v2 video translation: create, then read the status. The jobs are the ones `/jobs`
 * serves, seen in v2's shape; every answer, errors included, is in v2's envelope.
 */
export const heygenV2Routes: FastifyPluginAsync<HeygenRouteOptions> = async (
  app,
  { service, hints },
) => {
  const pathOf = (id: string) => `${V2_PATH}/${encodeURIComponent(id)}`;

  app.post<{ Body: V2CreateBody }>(
    V2_PATH,
    {
      config: { timelineKind: "create" },
      schema: {
        summary: "Create a video translation (HeyGen v2 shape)",
        description: FAITHFUL,
        tags: TAGS,
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
      request.answered = answeredJob(created);
      setVendorHints(reply, created, pathOf(created.record.id), hints);
      return v2Envelope({ video_translate_id: created.record.id });
    },
  );

  app.get<{ Params: { id: string } }>(
    `${V2_PATH}/:id`,
    {
      config: { jobParam: "id", timelineKind: "read" },
      schema: {
        summary: "Read a video translation (HeyGen v2 shape)",
        description:
          "Status `pending`, `running`, `success` or `failed`. With VENDOR_HINTS=1, pending " +
          "answers carry `Retry-After` and `Poll-After-Ms` and `Prefer: wait=N` is honoured.",
        tags: TAGS,
        params: translationIdParamsSchema,
        response: { 200: v2StatusSchema, ...heygenErrorResponses(v2ErrorSchema, 404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const owner = ownerOf(request);
      const snapshot = await readVendorJob(request, reply, hints, () => service.get(id, owner));
      request.answered = answeredJob(snapshot);
      setVendorHints(reply, snapshot, pathOf(id), hints);
      return v2Envelope(toV2View(snapshot.record, snapshot.at));
    },
  );
};
