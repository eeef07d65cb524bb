import type { FastifyPluginAsync } from "fastify";
import { ApiError } from "../errors.js";
import type { JobRecord } from "../jobs/record.js";
import { ownerOf } from "../auth/caller.js";
import type { HeygenRouteOptions } from "./index.js";
import { batchItemViews, headJobIdOf, itemJobIds } from "./batch.js";
import { itemStatus, type ItemError, type ItemStatus } from "./item-status.js";
import { heygenErrorResponses, v3ErrorSchema } from "./schemas.js";
import { itemErrorSchema } from "./v3-item-schemas.js";

/** Most translations one request reads, ids and batch items together, as HeyGen documents. */
const MAX_STATUSES = 100;

interface StatusesQuery {
  video_translation_ids?: string;
  batch_ids?: string;
}

/** One entry of the answer; `batch_id` and `item_index` only on entries from a batch. */
interface StatusEntry {
  video_id: string | null;
  status: ItemStatus | "not_found";
  error: ItemError | null;
  batch_id?: string;
  item_index?: number | null;
}

const idList = (what: string) =>
  ({ type: "string", maxLength: 8_000, description: `Comma-separated ${what}` }) as const;

const statusesSchema = {
  type: "object",
  required: ["data", "has_more", "next_token"],
  properties: {
    data: {
      type: "array",
      items: {
        type: "object",
        required: ["video_id", "status", "error"],
        properties: {
          video_id: { type: ["string", "null"] },
          status: {
            type: "string",
            enum: ["queued", "processing", "completed", "failed", "not_found"],
          },
          error: itemErrorSchema,
          batch_id: { type: "string" },
          item_index: { type: ["integer", "null"] },
        },
      },
    },
    has_more: { type: "boolean", description: "Always false: every entry fits one answer" },
    next_token: { type: "null" },
  },
} as const;

/**
 * `GET /v3/video-translations/statuses`: up to 100 translations in one request, named by id
 * and/or by batch, read from the store in one go (plus one read of the batches named).
 */
export const heygenV3StatusesRoutes: FastifyPluginAsync<HeygenRouteOptions> = async (
  app,
  { service },
) => {
  app.get<{ Querystring: StatusesQuery }>(
    "/v3/video-translations/statuses",
    {
      schema: {
        summary: "Read many video translations' statuses (HeyGen v3 shape)",
        description:
          "Comma-separated `video_translation_ids` and/or `batch_ids`, at most 100 translations " +
          "in all. Each entry is `queued`, `processing`, `completed` or `failed` (with `error`), " +
          "or `not_found` for an id the caller cannot see.",
        tags: ["heygen-v3"],
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            video_translation_ids: idList("video translation ids"),
            batch_ids: idList("batch ids"),
          },
        },
        response: { 200: statusesSchema, ...heygenErrorResponses(v3ErrorSchema, 400) },
      },
    },
    async (request) => {
      const videoIds = splitIds(request.query.video_translation_ids);
      const batchIds = splitIds(request.query.batch_ids);
      if (videoIds.length + batchIds.length === 0) {
        throw new ApiError(
          "invalid_request",
          "query must name video_translation_ids or batch_ids (comma-separated)",
        );
      }
      if (videoIds.length + batchIds.length > MAX_STATUSES) {
        throw tooMany(videoIds.length + batchIds.length);
      }
      const owner = ownerOf(request);
      const heads =
        batchIds.length === 0
          ? []
          : (
              await service.findMany(
                batchIds.map((id) => headJobIdOf(id) ?? ""),
                owner,
                { deleted: true },
              )
            ).map((record) => (record?.batchHead === undefined ? undefined : record));
      const count =
        videoIds.length + heads.reduce((sum, head) => sum + (head?.batchHead?.total ?? 1), 0);
      if (count > MAX_STATUSES) throw tooMany(count);
      const wanted = [...new Set([...videoIds, ...heads.flatMap((h) => (h ? itemJobIds(h) : []))])];
      const found = await service.findMany(wanted, owner);
      const jobs = new Map<string, JobRecord>();
      for (const record of found) if (record !== undefined) jobs.set(record.id, record);
      const at = service.now();

      const data: StatusEntry[] = videoIds.map((id) => {
        const record = jobs.get(id);
        return record === undefined
          ? { video_id: id, status: "not_found", error: null }
          : { video_id: id, ...itemStatus(record, at) };
      });
      heads.forEach((head, i) => {
        const batch_id = batchIds[i]!;
        if (head === undefined) {
          data.push({
            video_id: null,
            status: "not_found",
            error: null,
            batch_id,
            item_index: null,
          });
          return;
        }
        for (const item of batchItemViews(head, jobs, at)) data.push({ ...item, batch_id });
      });
      return { data, has_more: false, next_token: null };
    },
  );
};

function tooMany(count: number): ApiError {
  return new ApiError(
    "invalid_request",
    `query names ${count} video translations (a batch counts its items); at most ${MAX_STATUSES} per request`,
  );
}

/** The distinct ids of a comma-separated list, in order. */
function splitIds(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return [
    ...new Set(
      raw
        .split(",")
        .map((id) => id.trim())
        .filter((id) => id.length > 0),
    ),
  ];
}
