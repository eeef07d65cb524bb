import type { FastifyPluginAsync } from "fastify";
import type { JobService } from "../jobs/service.js";
import { toLegacyView } from "../jobs/view.js";
import { sendJob } from "./job-reply.js";
import { readWithWait, streamJob, type LiveOptions } from "./live.js";
import { HINTS, LONG_POLL, STREAM } from "./openapi-text.js";
import { errorResponses, eventStreamResponse, legacyStatusSchema } from "./schemas.js";

export interface StatusRoutesOptions {
  service: JobService;
  live: LiveOptions;
}

const TAGS = ["status"];

/** The original single-job API: one job that starts with the server. */
export const statusRoutes: FastifyPluginAsync<StatusRoutesOptions> = async (
  app,
  { service, live },
) => {
  // The one job these routes are about, for the timelines.
  const config = { jobId: service.legacy().record.id };
  app.get(
    "/status",
    {
      config: { ...config, timelineKind: "read" },
      schema: {
        summary: "The single job of the original API",
        description: `\`{"result":"pending"}\` until PENDING_DURATION has passed, then \`completed\` or \`error\`. ${HINTS} ${LONG_POLL}`,
        tags: TAGS,
        response: { 200: legacyStatusSchema, ...errorResponses() },
      },
    },
    async (request, reply) => {
      const snapshot = await readWithWait(request, reply, live, () => service.legacy());
      return sendJob(reply, snapshot, {
        path: "/status",
        maxWaitSeconds: live.maxWaitSeconds,
        render: toLegacyView,
      });
    },
  );

  // Server-Sent Events; no HEAD, which would hold a bodiless response open.
  app.get(
    "/status/events",
    {
      exposeHeadRoute: false,
      config: { ...config, timelineKind: "stream" },
      schema: {
        summary: "Stream the original job's changes",
        description: STREAM,
        tags: TAGS,
        response: { 200: eventStreamResponse, ...errorResponses() },
      },
    },
    async (request, reply) => streamJob(request, reply, live, service.legacy(), toLegacyView),
  );
};
