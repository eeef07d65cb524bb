import type { FastifyPluginAsync, FastifyRequest } from "fastify";

export const HEALTH_PATH = "/healthz";

/** Health checks skip auth, latency, rate limits and faults. */
export function isHealthCheck(request: FastifyRequest): boolean {
  return request.routeOptions.url === HEALTH_PATH;
}

/** `GET /healthz`: `{ "status": "ok" }` while the server takes requests. */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    HEALTH_PATH,
    {
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
