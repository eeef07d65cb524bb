import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import type { JobStatus } from "../jobs/derive.js";
import type { CreateJobInput, JobService } from "../jobs/service.js";
import {
  createJobBodySchema,
  errorResponses,
  jobIdParamsSchema,
  jobPageSchema,
  jobViewSchema,
  listJobsQuerySchema,
} from "./schemas.js";

export interface JobRoutesOptions {
  service: JobService;
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

/** Many jobs: create, read, list, cancel. */
export const jobRoutes: FastifyPluginAsync<JobRoutesOptions> = async (
  app,
  { service, maxListLimit },
) => {
  // Create: 201, the job, and a Location header.
  app.post<{ Body: CreateJobInput }>(
    "/jobs",
    {
      schema: {
        body: createJobBodySchema,
        response: { 201: jobViewSchema, ...errorResponses(400, 413, 415) },
      },
      // No body at all means "all defaults", like an empty JSON object.
      preValidation: async (request) => {
        if (request.body === undefined) request.body = {};
      },
    },
    async (request, reply) => {
      const job = await service.create(request.body);
      return reply.code(201).header("location", `/jobs/${job.id}`).send(job);
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
        limit,
        ...(cursor !== undefined && { cursor }),
        ...(status !== undefined && { status }),
      });
    },
  );

  // Read one job as it is right now.
  app.get<{ Params: JobParams }>(
    "/jobs/:id",
    {
      schema: {
        params: jobIdParamsSchema,
        response: { 200: jobViewSchema, ...errorResponses(404) },
      },
    },
    async (request) => service.get(request.params.id),
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
    async (request) => service.cancel(request.params.id),
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
