import type { FastifyPluginAsync } from "fastify";
import type { JobService } from "../jobs/service.js";
import { errorResponses, legacyStatusSchema } from "./schemas.js";

export interface StatusRoutesOptions {
  service: JobService;
}

/** The original single-job API: one job that starts with the server. */
export const statusRoutes: FastifyPluginAsync<StatusRoutesOptions> = async (app, { service }) => {
  app.get(
    "/status",
    {
      schema: {
        response: { 200: legacyStatusSchema, ...errorResponses() },
      },
    },
    async () => service.legacyStatus(),
  );
};
