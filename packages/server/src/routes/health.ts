import type { FastifyPluginAsync, FastifyRequest } from "fastify";

export const HEALTH_PATH = "/healthz";

/**
 * Route paths that skip auth, latency, rate limits and faults: health checks, and the dashboard's
 * page and files (the page asks for the key and sends it with its API calls).
 */
const UNGUARDED = new Set<string | undefined>([HEALTH_PATH, "/", "/dashboard/*"]);

/** Health checks (and the dashboard's files) skip auth, latency, rate limits and faults. */
export function isHealthCheck(request: FastifyRequest): boolean {
  // Only `url`: reading more of routeOptions costs an object per request on the hot path.
  return UNGUARDED.has(request.routeOptions.url);
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
