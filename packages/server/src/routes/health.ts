import type { FastifyPluginAsync } from "fastify";

export const HEALTH_PATH = "/healthz";

/** `GET /healthz`: `{ "status": "ok" }` while the server takes requests. */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    HEALTH_PATH,
    {
      // Health checks skip auth, latency, rate limits and faults.
      config: { public: true },
      schema: {
        response: {
          200: {
            type: "object",
            required: ["status"],
            properties: { status: { type: "string", enum: ["ok"] } },
          },
        },
      },
    },
    async () => ({ status: "ok" }),
  );
};
