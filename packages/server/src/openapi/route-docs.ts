import type { RouteOptions } from "fastify";

const RESPONSE_DESCRIPTIONS: Record<string, string> = {
  200: "OK",
  201: "Created",
  400: "The request is malformed; the body says what is wrong",
  401: "A valid API key is required (X-Api-Key or Authorization: Bearer)",
  404: "No such job, or not one of the caller's",
  409: "The request conflicts with the job's state",
  429: "Rate or concurrency limit reached; retry after Retry-After seconds",
  500: "The server failed",
  503: "Not ready",
};

/**
 * onRoute: gives each response of a documented route (one with a `summary`) the usual
 * description of its status, unless the route says otherwise, for the OpenAPI document.
 */
export function describeResponses(route: RouteOptions): void {
  const { schema } = route;
  if (schema?.summary === undefined) return;
  const responses: Record<string, unknown> = { ...(schema.response as object | undefined) };
  for (const [status, response] of Object.entries(responses)) {
    const description = RESPONSE_DESCRIPTIONS[status];
    if (description !== undefined && typeof response === "object" && response !== null) {
      responses[status] = { description, ...response };
    }
  }
  route.schema = { ...schema, response: responses };
}
