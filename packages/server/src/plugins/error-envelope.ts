import type { FastifyInstance, FastifyRequest } from "fastify";

/** Our error body, `{ "error": { "code", "message" } }`, as every route and hook answers it. */
export interface ErrorBody {
  error: { code: string; message: string };
}

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== "object" || value === null) return false;
  const { error } = value as { error?: unknown };
  return typeof error === "object" && error !== null && "code" in error && "message" in error;
}

/**
 * Rewrites every error answer of the routes in `scope` into another API's envelope, whoever
 * sends it: the route, the error handler, auth and the rate limit (objects, before
 * serialization) or an injected fault (a JSON string, after). Bodies that are not our JSON error
 * (a proxy's HTML page) pass untouched, as they would through a real gateway.
 */
export function rewriteErrorBodies(
  scope: FastifyInstance,
  convert: (body: ErrorBody, request: FastifyRequest) => unknown,
): void {
  scope.addHook("preSerialization", async (request, reply, payload: unknown) =>
    reply.statusCode >= 400 && isErrorBody(payload) ? convert(payload, request) : payload,
  );
  scope.addHook("onSend", async (request, reply, payload: unknown) => {
    if (reply.statusCode < 400 || typeof payload !== "string" || !payload.startsWith('{"error"')) {
      return payload;
    }
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch {
      return payload;
    }
    return isErrorBody(body) ? JSON.stringify(convert(body, request)) : payload;
  });
}
