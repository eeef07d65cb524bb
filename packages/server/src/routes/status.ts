import type { FastifyPluginAsync } from "fastify";
import type { JobService } from "../jobs/service.js";
import { toLegacyView } from "../jobs/view.js";
import { sendJob } from "./job-reply.js";
import { readWithWait, streamJob, type LiveOptions } from "./live.js";
import { errorResponses, legacyStatusSchema } from "./schemas.js";

export interface StatusRoutesOptions {
  service: JobService;
  live: LiveOptions;
}

/** The original single-job API: one job that starts with the server. */
export const statusRoutes: FastifyPluginAsync<StatusRoutesOptions> = async (
  app,
  { service, live },
) => {
  app.get(
    "/status",
    {
      schema: {
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
    { exposeHeadRoute: false, schema: { response: errorResponses() } },
    async (request, reply) => streamJob(request, reply, live, service.legacy(), toLegacyView),
  );
};
