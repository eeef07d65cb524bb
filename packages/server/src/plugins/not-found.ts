import type { FastifyInstance } from "fastify";
import { sendError } from "./send-error.js";

/**
 * Unknown paths get 404 `route_not_found`; known paths with the wrong method get 405
 * `method_not_allowed` and an `Allow` header, learnt from the routes as they are registered.
 */
export function installNotFound(app: FastifyInstance): void {
  const routes: { pattern: RegExp; methods: Set<string> }[] = [];
  app.addHook("onRoute", ({ url, method }) => {
    const source = url
      .split("/")
      .map((segment) => (segment.startsWith(":") ? "[^/]+" : escapeRegExp(segment)))
      .join("/");
    const route = { pattern: new RegExp(`^${source}$`), methods: new Set<string>() };
    const existing = routes.find((r) => r.pattern.source === route.pattern.source);
    if (existing === undefined) routes.push(route);
    for (const m of [method].flat()) (existing ?? route).methods.add(m);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?", 1)[0] ?? "/";
    const allowed = routes.find((r) => r.pattern.test(path))?.methods;
    if (allowed === undefined) {
      return sendError(reply, "route_not_found", `No route for ${request.method} ${path}`);
    }
    const allow = [...allowed].sort().join(", ");
    reply.header("allow", allow);
    return sendError(
      reply,
      "method_not_allowed",
      `${request.method} is not allowed on ${path}; use ${allow}`,
    );
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
