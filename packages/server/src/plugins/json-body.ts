import type { FastifyInstance } from "fastify";

/**
 * JSON is the only body we take: text/plain gets 415 like any other type, and an empty JSON body
 * means `{}` (Fastify would reject it) so `curl -X POST -H 'content-type: application/json'` works.
 */
export function installJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("text/plain");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === "") done(null, {});
    else parseJson(request, text, done);
  });
}
