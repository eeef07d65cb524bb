import type { FastifyRequest } from "fastify";

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * Answered to anyone, at once: no API key, latency, rate limit or fault. For health checks
     * and the API's own documentation.
     */
    public?: boolean;
  }
}

/** Whether the request's route was declared with `config: { public: true }`. */
export function isPublicRoute(request: FastifyRequest): boolean {
  return request.routeOptions.config.public === true;
}
