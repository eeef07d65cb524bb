import type { FastifyInstance, FastifyRequest } from "fastify";

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * Answered to anyone, at once: no API key, latency, rate limit or fault. For health checks
     * and the API's own documentation.
     */
    public?: boolean;
  }
  interface FastifyRequest {
    /** `routeOptions`, once read: see `routeOf`. */
    routeInfo: FastifyRequest["routeOptions"] | null;
  }
}

/**
 * The request's route options, read once per request: Fastify's `request.routeOptions` is a
 * getter that builds a new object on each access, and the hooks of a request read it several
 * times (public route, faults, metrics). Against reading it at each use (compare-builds, three
 * runs of alternating rounds): 1.29×, 1.30× and 1.00× the requests/s on a single read, at
 * 0.88×, 0.81× and 1.04× the CPU per request.
 */
export function routeOf(request: FastifyRequest): FastifyRequest["routeOptions"] {
  return (request.routeInfo ??= request.routeOptions);
}

/** Declares the field `routeOf` fills, so that every request keeps one shape. */
export function installRouteInfo(app: FastifyInstance): void {
  app.decorateRequest("routeInfo", null);
}

/** Whether the request's route was declared with `config: { public: true }`. */
export function isPublicRoute(request: FastifyRequest): boolean {
  return routeOf(request).config.public === true;
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
