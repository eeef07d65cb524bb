import type { RouteOptions } from "fastify";

/** What the OpenAPI document says of a route beyond its schemas. */
interface RouteDoc {
  summary: string;
  description?: string;
  tags: string[];
  /** The 200 of a route that answers with a Server-Sent Events stream. */
  stream?: true;
}

const HINTS =
  "Pending answers carry `Retry-After` (seconds), `Poll-After-Ms` (milliseconds) and a `Link` " +
  'header advertising the job\'s event stream (`rel="events"`) and long-polling ' +
  '(`rel="long-poll"`).';
const LONG_POLL =
  "With `Prefer: wait=N` the request is held until the job changes or N seconds pass (at most " +
  "the server's maximum); the answer then carries `Preference-Applied`.";
const STREAM =
  "A `text/event-stream`: `progress` events while pending, then one terminal event, after which " +
  "the server closes the stream. Events have ids; reconnect with `Last-Event-ID` to resume. " +
  "Comments keep the connection alive.";

/** Keyed by `METHOD url`, with the url as the route declares it. */
const ROUTE_DOCS: Record<string, RouteDoc> = {
  "GET /healthz": { summary: "Liveness check", tags: ["health"] },
  "GET /readyz": {
    summary: "Readiness check",
    description: "503 `not_ready` while the job store does not answer.",
    tags: ["health"],
  },
  "GET /metrics": {
    summary: "Prometheus metrics",
    description: "Requests, latency, jobs by status, held connections, faults, webhook deliveries.",
    tags: ["health"],
  },
  "GET /status": {
    summary: "The single job of the original API",
    description: `\`{"result":"pending"}\` until PENDING_DURATION has passed, then \`completed\` or \`error\`. ${HINTS} ${LONG_POLL}`,
    tags: ["status"],
  },
  "GET /status/events": {
    summary: "Stream the original job's changes",
    description: STREAM,
    tags: ["status"],
    stream: true,
  },
  "POST /jobs": {
    summary: "Create a job",
    description:
      "201 with the new job. With an `Idempotency-Key` header, a retry of the same request " +
      "(same key and body) within the server's window answers 200 with the job it made.",
    tags: ["jobs"],
  },
  "GET /jobs": {
    summary: "List jobs, or read many at once",
    description:
      "Without `ids`: a page of jobs in creation order (`limit`, `cursor`, `status`). With " +
      `\`ids\` (comma-separated, up to 100): every job's status in one answer, unknown ids reported per id. ${LONG_POLL} A batch is held until any of its jobs changes.`,
    tags: ["jobs"],
  },
  "GET /events": {
    summary: "Stream the changes of many jobs",
    description: `The jobs named in \`ids\` over one connection. ${STREAM}`,
    tags: ["jobs"],
    stream: true,
  },
  "GET /jobs/:id": {
    summary: "Read a job",
    description: `${HINTS} ${LONG_POLL}`,
    tags: ["jobs"],
  },
  "GET /jobs/:id/events": {
    summary: "Stream a job's changes",
    description: STREAM,
    tags: ["jobs"],
    stream: true,
  },
  "POST /webhooks": {
    summary: "Register a webhook endpoint",
    description:
      "Signed per the Standard Webhooks specification (`webhook-id`, `webhook-timestamp`, " +
      "`webhook-signature`) with the `whsec_` secret in the answer. Deliveries that fail or time " +
      "out are retried with backoff, under the same `webhook-id`.",
    tags: ["webhooks"],
  },
  "GET /webhooks": { summary: "List the caller's webhook endpoints", tags: ["webhooks"] },
  "GET /webhooks/secret": {
    summary: "The secret that signs jobs' callbackUrl webhooks",
    tags: ["webhooks"],
  },
  "GET /webhooks/:id": { summary: "Read a webhook endpoint, secret included", tags: ["webhooks"] },
  "DELETE /webhooks/:id": {
    summary: "Delete a webhook endpoint",
    description: "Its pending retries and its delivery history go with it.",
    tags: ["webhooks"],
  },
  "GET /webhooks/:id/deliveries": {
    summary: "Every delivery attempt to an endpoint",
    tags: ["webhooks"],
  },
  "GET /jobs/:id/deliveries": {
    summary: "Every delivery attempt to a job's callbackUrl",
    tags: ["webhooks"],
  },
  "GET /jobs/:id/timeline": {
    summary: "Every request that asked about a job",
    description:
      "The last requests about the job (time, endpoint, mode: poll, long-poll or stream, answer), " +
      "when it really ended, and when a client first learned it: what the dashboard draws.",
    tags: ["timelines"],
  },
  "GET /status/timeline": {
    summary: "Every request that asked about the original job",
    tags: ["timelines"],
  },
  "GET /timelines/summary": {
    summary: "Requests per job and detection delay, per client",
    description: "Clients are told apart by `X-Client-Name`, else the first word of `User-Agent`.",
    tags: ["timelines"],
  },
  "DELETE /jobs/:id": {
    summary: "Cancel a pending job",
    description: "409 when the job has already finished.",
    tags: ["jobs"],
  },
};

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
 * onRoute: adds each route's summary, description and tags, and a description to each response,
 * for the OpenAPI document. Kept apart from the routes so that they read as code.
 */
export function describeRoute(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const doc = ROUTE_DOCS[`${methods[0]} ${route.url}`];
  if (doc === undefined) return;
  const schema = { ...route.schema, summary: doc.summary, tags: doc.tags };
  if (doc.description !== undefined) schema.description = doc.description;
  const responses: Record<string, unknown> = { ...(schema.response as object | undefined) };
  if (doc.stream) {
    responses[200] = {
      description: "The event stream",
      content: { "text/event-stream": { schema: { type: "string" } } },
    };
  }
  for (const [status, response] of Object.entries(responses)) {
    const description = RESPONSE_DESCRIPTIONS[status];
    if (description !== undefined && typeof response === "object" && response !== null) {
      responses[status] = { description, ...response };
    }
  }
  schema.response = responses;
  route.schema = schema;
}
