import type { FastifyPluginAsync } from "fastify";
import { METRICS_PATH } from "../routes/health.js";
import type { Metrics } from "./metrics.js";

/** `GET /metrics`: the app's metrics in the Prometheus text format. */
export const metricsRoutes: FastifyPluginAsync<{ metrics: Metrics }> = async (app, { metrics }) => {
  app.get(METRICS_PATH, { exposeHeadRoute: false }, async (_request, reply) => {
    const { contentType, body } = await metrics.scrape();
    return reply.type(contentType).send(body);
  });
};
