import type { FastifyPluginAsync } from "fastify";
import { answeredJob } from "../route-facts.js";
import { ownerOf } from "../auth/caller.js";
import type { HeygenRouteOptions } from "./index.js";
import { heygenErrorResponses, v3Data, v3ErrorSchema, v3StatusSchema } from "./schemas.js";
import { toV3View } from "./v3-view.js";

const PATH = "/v3/video-translations/:video_translation_id";

interface Params {
  video_translation_id: string;
}

const paramsSchema = {
  type: "object",
  required: ["video_translation_id"],
  properties: {
    video_translation_id: { type: "string", description: "The id the creation returned" },
  },
} as const;

// The route facts (see route-facts.ts): the path parameter names the job.
const config = { jobParam: "video_translation_id" };

/**
 * `PATCH` (the title) and `DELETE` of one video translation. HeyGen's DELETE "permanently
 * deletes a video translation and its associated files": here a pending job is cancelled first
 * (whoever waits on it hears), then no API finds it again (404 `not_found`).
 */
export const heygenV3EditRoutes: FastifyPluginAsync<HeygenRouteOptions> = async (
  app,
  { service },
) => {
  app.patch<{ Params: Params; Body: { title: string } }>(
    PATH,
    {
      config,
      schema: {
        summary: "Rename a video translation (HeyGen v3 shape)",
        description: "Sets the title; answers the translation as `GET` would.",
        tags: ["heygen-v3"],
        params: paramsSchema,
        body: {
          type: "object",
          additionalProperties: false,
          required: ["title"],
          properties: {
            title: { type: "string", minLength: 1, maxLength: 500, description: "The new title" },
          },
        },
        response: {
          200: v3StatusSchema,
          ...heygenErrorResponses(v3ErrorSchema, 400, 404, 413, 415),
        },
      },
    },
    async (request) => {
      const { record, at } = await service.revise(
        request.params.video_translation_id,
        ownerOf(request),
        (current) => ({ ...current, title: request.body.title }),
      );
      return { data: toV3View(record, at) };
    },
  );

  app.delete<{ Params: Params }>(
    PATH,
    {
      config: { ...config, timelineKind: "cancel" },
      schema: {
        summary: "Delete a video translation (HeyGen v3 shape)",
        description:
          "A pending translation is cancelled, then the translation is gone: every read of it, " +
          "in any shape, answers 404 from then on.",
        tags: ["heygen-v3"],
        params: paramsSchema,
        response: {
          200: v3Data({
            type: "object",
            required: ["id"],
            properties: { id: { type: "string", description: "The deleted translation" } },
          }),
          ...heygenErrorResponses(v3ErrorSchema, 404),
        },
      },
    },
    async (request) => {
      const id = request.params.video_translation_id;
      request.answered = answeredJob(await service.delete(id, ownerOf(request)));
      return { data: { id } };
    },
  );
};
