import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import type { JobStatus } from "../jobs/derive.js";
import { readIdempotencyKey } from "../jobs/idempotency.js";
import type { CreateJobInput, JobService } from "../jobs/service.js";
import { toJobView } from "../jobs/view.js";
import { ownerOf } from "../plugins/auth.js";
import { sendJob } from "./job-reply.js";
import { readWithWait, streamJob, type LiveOptions } from "./live.js";
import {
  createJobBodySchema,
  createJobHeadersSchema,
  errorResponses,
  jobIdParamsSchema,
  jobPageSchema,
  jobViewSchema,
  listJobsQuerySchema,
} from "./schemas.js";

export interface JobRoutesOptions {
  service: JobService;
  live: LiveOptions;
  maxListLimit: number;
}

interface JobParams {
  id: string;
}

interface ListQuery {
  limit: number;
  cursor?: string;
  status?: JobStatus;
}

/** Many jobs: create, read (or wait for), stream, list, cancel. */
export const jobRoutes: FastifyPluginAsync<JobRoutesOptions> = async (
  app,
  { service, live, maxListLimit },
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
      schema: {
        headers: createJobHeadersSchema,
        body: createJobBodySchema,
        response: {
          200: jobViewSchema,
          201: jobViewSchema,
          ...errorResponses(400, 413, 415, 422),
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

  // List: { data, nextCursor }, oldest first.
  app.get<{ Querystring: ListQuery }>(
    "/jobs",
    {
      schema: {
        querystring: listJobsQuerySchema(maxListLimit),
        response: { 200: jobPageSchema, ...errorResponses(400) },
      },
      preValidation: async (request) => coerceLimit(request),
    },
    async (request) => {
      const { limit, cursor, status } = request.query;
      return service.list({
        owner: ownerOf(request),
        limit,
        ...(cursor !== undefined && { cursor }),
        ...(status !== undefined && { status }),
      });
    },
  );

  // Read one job as it is right now, or once it changes with `Prefer: wait=N`.
  app.get<{ Params: JobParams }>(
    "/jobs/:id",
    {
      schema: {
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
      schema: { params: jobIdParamsSchema, response: errorResponses(404) },
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
      schema: {
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

// Type coercion is off app-wide so JSON bodies stay strict ("5" is not a number there); a query
// string only has strings, so the one numeric parameter is converted here.
function coerceLimit(request: FastifyRequest): void {
  const query = request.query as Record<string, unknown>;
  if (typeof query.limit === "string" && /^-?\d+$/.test(query.limit)) {
    query.limit = Number(query.limit);
  }
}
