import type { FastifyPluginAsync, FastifyRequest } from "fastify";

export const HEALTH_PATH = "/healthz";

/** Health checks (and routes with `config.unguarded`) skip auth, latency, rate limits and faults. */
export function isHealthCheck(request: FastifyRequest): boolean {
  const { url, config } = request.routeOptions;
  return url === HEALTH_PATH || (config as { unguarded?: boolean } | undefined)?.unguarded === true;
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
