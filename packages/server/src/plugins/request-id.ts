import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { FastifyInstance } from "fastify";

export const REQUEST_ID_HEADER = "x-request-id";

// Echoed into logs and headers, so only short, plain ids from clients are trusted.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's `x-request-id` when it is sane, else a fresh UUID. For Fastify's `genReqId`. */
export function genReqId(request: IncomingMessage): string {
  const sent = request.headers[REQUEST_ID_HEADER];
  return typeof sent === "string" && SANE_REQUEST_ID.test(sent) ? sent : randomUUID();
}

/** Every response, errors and 404s included, names its request id. */
export function installRequestIdHeader(app: FastifyInstance): void {
  // Async: the request goes on a microtask later, by when Node's parser has read everything
  // that arrived with the headers, so that a malformed body is refused for it (400) before the
  // hooks after this one look at the content type.
  app.addHook("onRequest", async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
}
