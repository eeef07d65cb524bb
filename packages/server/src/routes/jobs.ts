import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { JobStatus } from "../jobs/derive.js";
import { readIdempotencyKey } from "../jobs/idempotency.js";
import type { CreateJobInput, JobService } from "../jobs/service.js";
import { toJobView } from "../jobs/view.js";
import { ownerOf } from "../auth/caller.js";
import { sendJob } from "./job-reply.js";
import { ApiError } from "../errors.js";
import { hasEverything } from "../events/event-ids.js";
import { findAll, parseIds, readBatch } from "./batch.js";
import { hijack, lastEventIdOf, readWithWait, streamJob, type LiveOptions } from "./live.js";
import { HINTS, LONG_POLL, STREAM } from "./openapi-text.js";
import {
  createJobBodySchema,
  createJobHeadersSchema,
  errorResponses,
  eventStreamResponse,
  jobIdParamsSchema,
  jobBatchSchema,
  jobPageSchema,
  jobViewSchema,
  listJobsQuerySchema,
} from "./schemas.js";

export interface JobRoutesOptions {
  service: JobService;
  live: LiveOptions;
  now: () => number;
  maxListLimit: number;
}

interface JobParams {
  id: string;
}

interface ListQuery {
  limit?: number;
  cursor?: string;
  status?: JobStatus;
  /** Comma-separated: a batch read of these jobs instead of a page. */
  ids?: string;
}

const TAGS = ["jobs"];

/** Many jobs: create, read (or wait for), stream, list, cancel. */
export const jobRoutes: FastifyPluginAsync<JobRoutesOptions> = async (
  app,
  { service, live, now, maxListLimit },
) => {
  const jobReply = (id: string, statusCode = 200) => ({
    path: `/jobs/${encodeURIComponent(id)}`,
    maxWaitSeconds: live.maxWaitSeconds,
    render: toJobView,
    statusCode,
  });

  // Create: 201, the job, and a Location header; 200 and the same job for a retry with the
  // same Idempotency-Key.
  app.post<{ Body: CreateJobInput }>(
    "/jobs",
    {
      config: { timelineKind: "create" },
      schema: {
        summary: "Create a job",
        description:
          "201 with the new job. With an `Idempotency-Key` header, a retry of the same request " +
          "(same key and body) within the server's window answers 200 with the job it made.",
        tags: TAGS,
        headers: createJobHeadersSchema,
        body: createJobBodySchema,
        response: {
          200: jobViewSchema,
          201: jobViewSchema,
          ...errorResponses(400, 409, 413, 415, 422),
        },
      },
      preValidation: async (request) => {
        readIdempotencyKey(request.headers["idempotency-key"]);
        // No body at all means "all defaults", like an empty JSON object.
        if (request.body === undefined) request.body = {};
      },
    },
    async (request, reply) => {
      const created = await service.create(request.body, {
        owner: ownerOf(request),
        idempotencyKey: readIdempotencyKey(request.headers["idempotency-key"]),
      });
      const { id } = created.record;
      reply.header("location", `/jobs/${id}`);
      if (created.replayed) reply.header("idempotency-replayed", "true");
      return sendJob(reply, created, jobReply(id, created.replayed ? 200 : 201));
    },
  );

  // List: { data, nextCursor }, oldest first. With `ids`: a batch read of those jobs.
  app.get<{ Querystring: ListQuery }>(
    "/jobs",
    {
      config: { timelineKind: "read" },
      schema: {
        summary: "List jobs, or read many at once",
        description:
          "Without `ids`: a page of jobs in creation order (`limit`, `cursor`, `status`). With " +
          "`ids` (comma-separated, up to 100): every job's status in one answer, unknown ids " +
          `reported per id. ${LONG_POLL} A batch is held until any of its jobs changes.`,
        tags: TAGS,
        querystring: listJobsQuerySchema(maxListLimit),
        response: { 200: { anyOf: [jobPageSchema, jobBatchSchema] }, ...errorResponses(400) },
      },
      preValidation: async (request) => coerceLimit(request),
    },
    async (request, reply) => {
      const { limit, cursor, status, ids } = request.query;
      const owner = ownerOf(request);
      if (ids !== undefined) {
        if (limit !== undefined || cursor !== undefined || status !== undefined) {
          throw new ApiError(
            "invalid_request",
            "querystring.ids cannot be combined with limit, cursor or status",
          );
        }
        const batch = await readBatch(request, reply, { service, live, now }, parseIds(ids), owner);
        return sendJson(reply, jobBatchSchema, batch);
      }
      const page = await service.list({
        owner,
        limit: limit ?? Math.min(20, maxListLimit),
        ...(cursor !== undefined && { cursor }),
        ...(status !== undefined && { status }),
      });
      return sendJson(reply, jobPageSchema, page);
    },
  );

  // Many jobs on one Server-Sent Events connection: each one's state, `done` as each ends,
  // `missing` for unknown ids, `end` once none is left.
  app.get<{ Querystring: { ids: string; lastEventId?: string } }>(
    "/events",
    {
      exposeHeadRoute: false,
      config: { timelineKind: "stream" },
      schema: {
        summary: "Stream the changes of many jobs",
        description: `The jobs named in \`ids\` over one connection. ${STREAM}`,
        tags: TAGS,
        querystring: {
          type: "object",
          additionalProperties: false,
          required: ["ids"],
          properties: {
            ids: { type: "string", minLength: 1, maxLength: 8_000 },
            lastEventId: { type: "string", maxLength: 32 },
          },
        },
        response: { 200: eventStreamResponse, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const ids = parseIds(request.query.ids);
      const { found, missing } = await findAll(service, ids, ownerOf(request));
      const lastEventId = lastEventIdOf(request);
      const at = now();
      // Unknown ids are news too: only a client that has every job's end gets 204.
      if (missing.length === 0 && hasEverything(found, lastEventId, at)) {
        return reply.code(204).send();
      }
      const onDone = request.observeStream?.(found, at);
      const subject = { kind: "multiplexed" as const, records: found, missing, lastEventId };
      live.streams.open(reply.raw, { ...subject, render: toJobView, onDone }, hijack(reply));
      return reply;
    },
  );

  // Read one job as it is right now, or once it changes with `Prefer: wait=N`.
  app.get<{ Params: JobParams }>(
    "/jobs/:id",
    {
      config: { jobParam: "id", timelineKind: "read" },
      schema: {
        summary: "Read a job",
        description: `${HINTS} ${LONG_POLL}`,
        tags: TAGS,
        params: jobIdParamsSchema,
        response: { 200: jobViewSchema, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const owner = ownerOf(request);
      const snapshot = await readWithWait(request, reply, live, () => service.get(id, owner));
      return sendJob(reply, snapshot, jobReply(id));
    },
  );

  // Server-Sent Events: the state now, progress while pending, `done` at the end. 404 before
  // any stream for an unknown job; no HEAD, which would hold a bodiless response open.
  app.get<{ Params: JobParams }>(
    "/jobs/:id/events",
    {
      exposeHeadRoute: false,
      config: { jobParam: "id", timelineKind: "stream" },
      schema: {
        summary: "Stream a job's changes",
        description: STREAM,
        tags: TAGS,
        params: jobIdParamsSchema,
        response: { 200: eventStreamResponse, ...errorResponses(404) },
      },
    },
    async (request, reply) =>
      streamJob(
        request,
        reply,
        live,
        await service.get(request.params.id, ownerOf(request)),
        toJobView,
      ),
  );

  // Cancel a pending job; 409 once it has finished.
  app.delete<{ Params: JobParams }>(
    "/jobs/:id",
    {
      config: { jobParam: "id", timelineKind: "cancel" },
      schema: {
        summary: "Cancel a pending job",
        description: "409 when the job has already finished.",
        tags: TAGS,
        params: jobIdParamsSchema,
        response: { 200: jobViewSchema, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      return sendJob(reply, await service.cancel(id, ownerOf(request)), jobReply(id));
    },
  );
};

/**
 * Sends `body` through the serializer of its own shape. The route's 200 schema says "a page or a
 * batch" (`anyOf`), which is true, but serializing by it makes fast-json-stringify validate every
 * answer with ajv to pick a branch; each branch compiled alone (once per route) writes the very
 * same JSON without that.
 */
function sendJson(reply: FastifyReply, schema: Record<string, unknown>, body: unknown) {
  return reply
    .header("content-type", "application/json; charset=utf-8")
    .serializer(reply.compileSerializationSchema(schema, "200"))
    .send(body);
}

// Type coercion is off app-wide so JSON bodies stay strict ("5" is not a number there); a query
// string only has strings, so the one numeric parameter is converted here.
function coerceLimit(request: FastifyRequest): void {
  const query = request.query as Record<string, unknown>;
  if (typeof query.limit === "string" && /^-?\d+$/.test(query.limit)) {
    query.limit = Number(query.limit);
  }
}
