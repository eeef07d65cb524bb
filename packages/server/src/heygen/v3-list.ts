import type { FastifyPluginAsync } from "fastify";
import { ApiError } from "../errors.js";
import { InvalidInputError } from "../jobs/errors.js";
import { ownerOf } from "../auth/caller.js";
import type { HeygenRouteOptions } from "./index.js";
import { coerceLimit } from "./query.js";
import { heygenErrorResponses, pageSchema, v3ErrorSchema, v3StatusSchema } from "./schemas.js";
import { toV3View } from "./v3-view.js";

/** Translations per page unless `limit` says otherwise, and the most it may ask for. */
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

interface ListQuery {
  limit?: number;
  token?: string;
}

/**
 * `GET /v3/video-translations`: the caller's translations (every job, whichever API created
 * it), oldest first, a page at a time; `next_token` continues where `has_more` says there is more.
 */
export const heygenV3ListRoutes: FastifyPluginAsync<HeygenRouteOptions> = async (
  app,
  { service },
) => {
  app.get<{ Querystring: ListQuery }>(
    "/v3/video-translations",
    {
      schema: {
        summary: "List video translations (HeyGen v3 shape)",
        description:
          "Oldest first. `limit` (1 to 100, default 20) per page; pass `next_token` back as " +
          "`token` for the next page while `has_more` is true.",
        tags: ["heygen-v3"],
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            limit: { type: "integer", minimum: 1, maximum: MAX_LIMIT },
            token: { type: "string", minLength: 1, maxLength: 200 },
          },
        },
        response: {
          200: pageSchema(v3StatusSchema.properties.data),
          ...heygenErrorResponses(v3ErrorSchema, 400),
        },
      },
      preValidation: async (request) => coerceLimit(request),
    },
    async (request) => {
      const { limit = DEFAULT_LIMIT, token } = request.query;
      const page = await service
        .listRecords({
          owner: ownerOf(request),
          limit,
          ...(token !== undefined && { cursor: token }),
        })
        .catch((error: unknown) => {
          throw error instanceof InvalidInputError && error.field === "cursor"
            ? new ApiError("invalid_request", "query.token is not a token this server issued")
            : error;
        });
      return {
        data: page.records.map((record) => toV3View(record, page.at)),
        has_more: page.nextCursor !== null,
        next_token: page.nextCursor,
      };
    },
  );
};
