import type { FastifyInstance, FastifyRequest } from "fastify";

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

/**
 * Makes every route the plugin `app` registers from now on public; with `hide`, also leaves them
 * out of the OpenAPI document (pages and files, not API).
 */
export function markRoutesPublic(app: FastifyInstance, { hide = false } = {}): void {
  app.addHook("onRoute", (route) => {
    route.config = { ...route.config, public: true };
    if (hide) route.schema = { ...route.schema, hide: true };
  });
}
