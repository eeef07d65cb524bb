import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
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
  // A request that may carry a body goes on a microtask later, as after an async hook: by then
  // Node's parser has read everything that arrived with the headers, so that a malformed body
  // is refused for it (400) before the hooks after this one look at the content type. Requests
  // without a body need not wait: no promise, no microtask.
  app.addHook("onRequest", (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    if (mayHaveBody(request.headers)) queueMicrotask(done);
    else done();
  });
}

function mayHaveBody(headers: IncomingHttpHeaders): boolean {
  return headers["content-length"] !== undefined || headers["transfer-encoding"] !== undefined;
}
