import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { ApiError } from "../errors.js";
import { JobServiceError } from "../jobs/errors.js";
import { describeError } from "../plugins/error-handler.js";
import { retryAfterSeconds } from "../jobs/hints.js";
import type { BatchItem, JobRecord } from "../jobs/record.js";
import { ownerOf } from "../auth/caller.js";
import { pollHintFor } from "../routes/job-reply.js";
import { setVendorHints } from "../vendor/hints.js";
import type { HeygenRouteOptions } from "./index.js";
import {
  batchIdOf,
  batchItemViews,
  batchStatus,
  headJobIdOf,
  itemJobIds,
  MAX_BATCH_ITEMS,
} from "./batch.js";
import {
  heygenErrorResponses,
  v3CreateBodySchema,
  v3CreateHeadersSchema,
  v3Data,
  v3ErrorSchema,
} from "./schemas.js";
import { coerceLimit } from "./query.js";
import { heygenCode } from "./errors.js";
import { heygenIdempotency, readHeygenKey } from "./idempotency.js";
import { batchItemSchema } from "./v3-item-schemas.js";
import { v3Input, withoutNulls, type V3CreateBody } from "./v3-routes.js";
import type { VideoTiming } from "./video-length.js";

const PATH = "/v3/video-translations/batches";
const CREATE = heygenIdempotency(`POST ${PATH}`);
// How long a batch whose items are still being made holds its key: a retry in that time gets 409
// `request_in_progress`; past it (a server stopped mid-batch) the batch is replayed as it is.
const MAKING_HOLD_MS = 30_000;

/** One payload of a batch: the body of `POST /v3/video-translations`. */
interface V3Payload {
  video: { type: "url"; url: string } | { type: "asset_id"; asset_id: string };
  output_languages: string[];
  title?: string;
  callback_id?: string;
  callback_url?: string;
  [field: string]: unknown;
}

interface BatchBody {
  video_translations: V3Payload[];
  title?: string | null;
  callback_url?: string | null;
}

interface BatchQuery {
  limit?: number;
  token?: string;
}

// A payload is a creation's body, except that its languages may fill the whole batch.
const payloadSchema = {
  ...v3CreateBodySchema,
  properties: {
    ...v3CreateBodySchema.properties,
    output_languages: {
      type: "array",
      minItems: 1,
      maxItems: MAX_BATCH_ITEMS,
      items: { type: "string", minLength: 1, maxLength: 100 },
      description: "One batch item per language",
    },
  },
} as const;

const batchBodySchema = {
  type: "object",
  additionalProperties: false,
  required: ["video_translations"],
  properties: {
    video_translations: {
      type: "array",
      minItems: 1,
      maxItems: MAX_BATCH_ITEMS,
      items: payloadSchema,
      description: "Creation bodies; each output language is one item, 100 items at most",
    },
    title: { type: ["string", "null"], maxLength: 500, description: "The batch's name" },
    callback_url: {
      type: ["string", "null"],
      maxLength: 2_048,
      pattern: "^https?://",
      description: "Kept with the batch; the simulator sends no batch webhook",
    },
  },
} as const;

const batchCreatedSchema = v3Data({
  type: "object",
  required: ["batch_id"],
  properties: { batch_id: { type: "string" } },
});

const countsSchema = {
  type: "object",
  required: ["queued", "processing", "completed", "failed"],
  properties: {
    queued: { type: "integer" },
    processing: { type: "integer" },
    completed: { type: "integer" },
    failed: { type: "integer" },
  },
} as const;

const batchSchema = v3Data({
  type: "object",
  required: [
    "batch_id",
    "title",
    "status",
    "total_items",
    "counts_by_status",
    "created_at",
    "items",
    "has_more",
    "next_token",
  ],
  properties: {
    batch_id: { type: "string" },
    title: { type: ["string", "null"] },
    status: { type: "string", enum: ["processing", "completed", "failed"] },
    total_items: { type: "integer" },
    counts_by_status: countsSchema,
    created_at: { type: "integer", description: "Unix time, in seconds" },
    items: { type: "array", items: batchItemSchema },
    has_more: { type: "boolean" },
    next_token: { type: ["string", "null"] },
  },
});

/**
 * HeyGen v3's batches: `POST` makes one job per payload and output language (100 at most), in
 * order, each on its own, so one refused item does not fail the rest; `GET` reads the batch
 * and a page of its items. See `batch.ts` for where a batch is kept.
 */
export const heygenV3BatchRoutes: FastifyPluginAsync<HeygenRouteOptions> = async (
  app,
  { service, hints, timing },
) => {
  app.post<{ Body: BatchBody }>(
    PATH,
    {
      schema: {
        summary: "Create a batch of video translations (HeyGen v3 shape)",
        description:
          "Each payload is a `POST /v3/video-translations` body; each of its output languages " +
          "is one item, 100 items at most. 202 with the `batch_id`. With an `Idempotency-Key` " +
          "(`[A-Za-z0-9_\\-:.]`, 1 to 255, its own per endpoint), a retry gets the same batch, " +
          "even with another body; a retry while the batch is still being made gets 409 " +
          "`request_in_progress`.",
        tags: ["heygen-v3"],
        headers: v3CreateHeadersSchema,
        body: batchBodySchema,
        response: {
          202: batchCreatedSchema,
          ...heygenErrorResponses(v3ErrorSchema, 400, 409, 413, 415),
        },
      },
      preValidation: async (request) => {
        readHeygenKey(request.headers["idempotency-key"]);
      },
    },
    async (request, reply) => {
      const { video_translations, title, callback_url } = request.body;
      const items = video_translations.flatMap((payload) =>
        payload.output_languages.map((language) => ({ payload, language })),
      );
      if (items.length > MAX_BATCH_ITEMS) {
        throw new ApiError(
          "invalid_request",
          `body.video_translations makes ${items.length} items (one per output language); at most ${MAX_BATCH_ITEMS}`,
        );
      }
      const owner = ownerOf(request);
      const key = readHeygenKey(request.headers["idempotency-key"]);
      // The first item holds the batch; its creation alone carries the key, so a retry finds
      // the batch without making anything. Its fingerprint covers the first item and the batch's
      // own fields and size: another body is told apart there.
      const [first, ...rest] = items;
      const created = await service.createAll(
        [
          {
            ...itemInput(first!.payload, first!.language, timing),
            batchHead: {
              total: items.length,
              ...(title != null && { title }),
              ...(callback_url != null && { callbackUrl: callback_url }),
            },
          },
        ],
        { owner, idempotencyKey: key, idempotency: CREATE },
      );
      const head = created.jobs[0]!;
      const batchId = batchIdOf(head.record.id);
      if (created.replayed) {
        const making = head.record.batchHead?.items === undefined;
        if (making && service.now() - head.record.createdAt < MAKING_HOLD_MS) {
          throw new ApiError(
            "request_in_progress",
            "A request with this Idempotency-Key is still being processed; retry in 1 s",
            { headers: { "retry-after": "1" } },
          );
        }
        if (created.bodyDiffers) {
          request.log.warn(
            { idempotencyKey: key },
            "Idempotency-Key reused with another body: the first request's answer is replayed",
          );
        }
        reply.code(202);
        if (hints.enabled) reply.header("idempotency-replayed", "true");
        return { data: { batch_id: batchId } };
      }
      reply.code(202);
      const made: BatchItem[] = [{ jobId: head.record.id }];
      for (const [offset, { payload, language }] of rest.entries()) {
        const batch = { id: batchId, index: offset + 1 };
        try {
          const created = await service.create(
            { ...itemInput(payload, language, timing), batch },
            { owner },
          );
          made.push({ jobId: created.record.id });
        } catch (error) {
          if (!(error instanceof ApiError || error instanceof JobServiceError)) throw error;
          // The item fails with what its own request would have been answered.
          const { code, message } = describeError(error, request);
          made.push({ error: { code: heygenCode(code, "v3"), message } });
        }
      }
      await service.revise(head.record.id, owner, (record) => ({
        ...record,
        batch: { id: batchId, index: 0 },
        batchHead: { ...record.batchHead!, items: made },
      }));
      // As a single creation does for its first language: hints on the batch's first item.
      setVendorHints(reply, head, `/v3/video-translations/${head.record.id}`, hints);
      return { data: { batch_id: batchId } };
    },
  );

  app.get<{ Params: { batch_id: string }; Querystring: BatchQuery }>(
    `${PATH}/:batch_id`,
    {
      schema: {
        summary: "Read a batch of video translations (HeyGen v3 shape)",
        description:
          "The batch's status (`processing` while any item is queued or processing, then " +
          "`failed` if every item failed, else `completed`), its counts by status, and a page " +
          "of its items (`limit`, 1 to 100, default 100; `token`). With VENDOR_HINTS=1, a batch " +
          "with pending items carries `Poll-After-Ms` and `Retry-After` for the soonest.",
        tags: ["heygen-v3"],
        params: {
          type: "object",
          required: ["batch_id"],
          properties: { batch_id: { type: "string", description: "The id the creation returned" } },
        },
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            limit: { type: "integer", minimum: 1, maximum: MAX_BATCH_ITEMS },
            token: { type: "string", minLength: 1, maxLength: 20 },
          },
        },
        response: { 200: batchSchema, ...heygenErrorResponses(v3ErrorSchema, 400, 404) },
      },
      preValidation: async (request) => coerceLimit(request),
    },
    async (request, reply) => {
      const { batch_id: batchId } = request.params;
      const { limit = MAX_BATCH_ITEMS, token } = request.query;
      const owner = ownerOf(request);
      const headId = headJobIdOf(batchId);
      const [head] =
        headId === undefined ? [] : await service.findMany([headId], owner, { deleted: true });
      if (head?.batchHead === undefined) {
        throw new ApiError("job_not_found", `No batch with id ${JSON.stringify(batchId)}`);
      }
      const jobs = new Map<string, JobRecord>();
      for (const record of await service.findMany(itemJobIds(head), owner)) {
        if (record !== undefined) jobs.set(record.id, record);
      }
      const now = service.now();
      const items = batchItemViews(head, jobs, now);
      if (hints.enabled) setBatchPollHint(reply, [...jobs.values()], now);
      const start = token === undefined ? 0 : readToken(token, items.length);
      const end = start + limit;
      const counts = { queued: 0, processing: 0, completed: 0, failed: 0 };
      for (const { status } of items) counts[status]++;
      return {
        data: {
          batch_id: batchId,
          title: head.batchHead.title ?? null,
          status: batchStatus(items),
          total_items: items.length,
          counts_by_status: counts,
          created_at: Math.floor(head.createdAt / 1_000),
          items: items.slice(start, end),
          has_more: end < items.length,
          next_token: end < items.length ? pageToken(end) : null,
        },
      };
    },
  );
};

/** With hints on, while any item is pending: when the soonest of them is worth polling again. */
function setBatchPollHint(reply: FastifyReply, jobs: readonly JobRecord[], now: number): void {
  const hints = jobs.flatMap((record) => pollHintFor(record, now) ?? []);
  if (hints.length === 0) return;
  const hint = Math.min(...hints);
  reply.header("poll-after-ms", String(hint));
  reply.header("retry-after", String(retryAfterSeconds(hint)));
}

/** Tokens are opaque to clients: base64url of the next item's index. */
function pageToken(start: number): string {
  return Buffer.from(String(start), "utf8").toString("base64url");
}

function readToken(token: string, total: number): number {
  const start = Number(Buffer.from(token, "base64url").toString("utf8"));
  if (!Number.isInteger(start) || start <= 0 || start >= total || pageToken(start) !== token) {
    throw new ApiError("invalid_request", "query.token is not a token this server issued");
  }
  return start;
}

/** A batch item's job, as `POST /v3/video-translations` would make it for one language. */
function itemInput(payload: V3Payload, outputLanguage: string, timing: VideoTiming) {
  return v3Input(withoutNulls(payload as V3CreateBody), outputLanguage, timing);
}
