import type { FastifyInstance } from "fastify";

/** HeyGen v2's error envelope: the error, and `data: null`, mirroring its success envelope. */
export interface V2ErrorEnvelope {
  error: { code: string; message: string };
  data: null;
}

/**
 * Makes every error answer of the routes in `scope` a v2 envelope, whoever sends it: the route,
 * the error handler, auth and the rate limit (objects, before serialization) or an injected
 * fault (a JSON string, after). Bodies that are not our JSON error (a proxy's HTML page) pass
 * untouched, as they would through a real gateway.
 */
export function installV2ErrorEnvelope(scope: FastifyInstance): void {
  scope.addHook("preSerialization", async (_request, reply, payload: unknown) =>
    reply.statusCode >= 400 && isErrorBody(payload) ? toV2Error(payload) : payload,
  );
  scope.addHook("onSend", async (_request, reply, payload: unknown) => {
    if (reply.statusCode < 400 || typeof payload !== "string" || !payload.startsWith("{")) {
      return payload;
    }
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch {
      return payload;
    }
    return isErrorBody(body) && !("data" in body) ? JSON.stringify(toV2Error(body)) : payload;
  });
}

function isErrorBody(value: unknown): value is { error: { code: string; message: string } } {
  if (typeof value !== "object" || value === null) return false;
  const { error } = value as { error?: unknown };
  return typeof error === "object" && error !== null && "code" in error && "message" in error;
}

function toV2Error({ error }: { error: { code: string; message: string } }): V2ErrorEnvelope {
  return { error: { code: error.code, message: error.message }, data: null };
}
