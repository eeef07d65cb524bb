import type { FastifyPluginAsync } from "fastify";
import fp from "fastify-plugin";
import { METRICS_PATH } from "../routes/health.js";
import type { Metrics } from "./metrics.js";

/** Counts every answer of every route registered after it, and serves `GET /metrics`. */
export const metricsPlugin = fp<{ metrics: Metrics }>(
  async (app, { metrics }) => {
    app.addHook("onResponse", metrics.onResponse);
    await app.register(metricsRoutes, { metrics });
  },
  { name: "metrics" },
);

/** `GET /metrics`: the app's metrics in the Prometheus text format. */
const metricsRoutes: FastifyPluginAsync<{ metrics: Metrics }> = async (app, { metrics }) => {
  // Scrapes see the server as it is: public, like the health checks.
  const options = {
    exposeHeadRoute: false,
    config: { public: true },
    schema: {
      summary: "Prometheus metrics",
      description:
        "Requests, latency, jobs by status, held connections, faults, webhook deliveries.",
      tags: ["health"],
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
