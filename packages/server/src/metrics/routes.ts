import type { FastifyPluginAsync } from "fastify";
import { METRICS_PATH } from "../routes/health.js";
import type { Metrics } from "./metrics.js";

/** `GET /metrics`: the app's metrics in the Prometheus text format. */
export const metricsRoutes: FastifyPluginAsync<{ metrics: Metrics }> = async (app, { metrics }) => {
  // Scrapes see the server as it is: public, like the health checks.
  const options = {
    exposeHeadRoute: false,
    config: { public: true },
    schema: {
      response: {
        200: {
          description: "Prometheus text format",
          content: { "text/plain": { schema: { type: "string" } } },
        },
      },
    },
  };
  app.get(METRICS_PATH, options, async (_request, reply) => {
    const { contentType, body } = await metrics.scrape();
    return reply.type(contentType).send(body);
  });
};
