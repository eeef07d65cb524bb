import type { FastifyPluginAsync } from "fastify";
import { answeredJob } from "../route-facts.js";
import { ownerOf } from "../auth/caller.js";
import { readVendorJob, setVendorHints } from "../vendor/hints.js";
import { heygenIdempotency, readHeygenKey } from "./idempotency.js";
import type { HeygenRouteOptions } from "./index.js";
import { translationInput } from "./input.js";
import {
  heygenErrorResponses,
  v3CreateBodySchema,
  v3CreatedSchema,
  v3CreateHeadersSchema,
  v3ErrorSchema,
  v3StatusSchema,
  v3TranslationParamsSchema,
} from "./schemas.js";
import { translationLength, type VideoRange, type VideoTiming } from "./video-length.js";
import type { CreateJobInput } from "../jobs/service.js";
import { toV3View } from "./v3-view.js";

type Asset = { type: "url"; url: string } | { type: "asset_id"; asset_id: string };

/** The request as the schema lets it through; nullable fields may be null. */
export interface V3CreateBody extends VideoRange {
  video: Asset;
  output_languages: string[];
  title?: string | null;
  callback_id?: string | null;
  callback_url?: string | null;
  [option: string]: unknown;
}

const V3_PATH = "/v3/video-translations";
const CREATE = heygenIdempotency(`POST ${V3_PATH}`);
const TAGS = ["heygen-v3"];
const FAITHFUL =
  "HeyGen's v3 request, answers and error codes, as its own schemas define them, over the " +
  "simulator's own jobs; see docs/heygen.md.";

/**
 * HeyGen's v3 video translations: create (one job per output language, with HeyGen's
 * `Idempotency-Key`), then read one. The jobs are the ones `/jobs` serves, seen in v3's shape.
 */
export const heygenV3Routes: FastifyPluginAsync<HeygenRouteOptions> = async (
  app,
  { service, hints, timing },
) => {
  const pathOf = (id: string) => `${V3_PATH}/${encodeURIComponent(id)}`;

  app.post<{ Body: V3CreateBody }>(
    V3_PATH,
    {
      config: { timelineKind: "create" },
      schema: {
        summary: "Create video translations (HeyGen v3 shape)",
        description:
          `${FAITHFUL} One job per output language, their ids in order. \`start_time\`/` +
          "`end_time` set the video's `duration`, and the job's length with it. With an " +
          "`Idempotency-Key` (`[A-Za-z0-9_\\-:.]`, 1 to 255), a retry within the key's window " +
          "gets the first answer, even with another body; a retry while the first is under way " +
          "gets 409 `request_in_progress`.",
        tags: TAGS,
        headers: v3CreateHeadersSchema,
        body: v3CreateBodySchema,
        response: {
          200: v3CreatedSchema,
          ...heygenErrorResponses(v3ErrorSchema, 400, 409, 413, 415),
        },
      },
    },
    async (request, reply) => {
      const key = readHeygenKey(request.headers["idempotency-key"]);
      const body = withoutNulls(request.body);
      const inputs = body.output_languages.map((language) => v3Input(body, language, timing));
      const created = await service.createAll(inputs, {
        owner: ownerOf(request),
        idempotencyKey: key,
        idempotency: CREATE,
      });
      if (created.bodyDiffers) {
        request.log.warn(
          { idempotencyKey: key },
          "Idempotency-Key reused with another body: the first request's answer is replayed",
        );
      }
      request.answered = created.jobs.map(answeredJob);
      const [first] = created.jobs;
      if (first !== undefined) setVendorHints(reply, first, pathOf(first.record.id), hints);
      if (created.replayed && hints.enabled) reply.header("idempotency-replayed", "true");
      return { data: { video_translation_ids: created.jobs.map(({ record }) => record.id) } };
    },
  );

  app.get<{ Params: { video_translation_id: string } }>(
    `${V3_PATH}/:video_translation_id`,
    {
      config: { jobParam: "video_translation_id", timelineKind: "read" },
      schema: {
        summary: "Read a video translation (HeyGen v3 shape)",
        description:
          `${FAITHFUL} Status \`pending\`, \`running\`, \`completed\` or \`failed\`. With ` +
          "VENDOR_HINTS=1, pending answers carry `Retry-After` and `Poll-After-Ms` and " +
          "`Prefer: wait=N` is honoured.",
        tags: TAGS,
        params: v3TranslationParamsSchema,
        response: { 200: v3StatusSchema, ...heygenErrorResponses(v3ErrorSchema, 404) },
      },
    },
    async (request, reply) => {
      const { video_translation_id: id } = request.params;
      const owner = ownerOf(request);
      const snapshot = await readVendorJob(request, reply, hints, () => service.get(id, owner));
      request.answered = answeredJob(snapshot);
      setVendorHints(reply, snapshot, pathOf(id), hints);
      return { data: toV3View(snapshot.record, snapshot.at) };
    },
  );
};

/** The job `POST /v3/video-translations` makes for one of `body`'s output languages. */
export function v3Input(
  body: ReturnType<typeof withoutNulls<V3CreateBody>>,
  outputLanguage: string,
  timing: VideoTiming,
): CreateJobInput {
  const { video, output_languages: _languages, title, callback_id, callback_url, ...rest } = body;
  const options = { ...rest, ...(video.type === "asset_id" && { videoAssetId: video.asset_id }) };
  return {
    ...translationInput(
      "heygen-v3",
      {
        videoUrl: video.type === "url" ? video.url : undefined,
        outputLanguage,
        title,
        callback_id,
        callback_url,
      },
      options,
    ),
    ...translationLength(body, timing),
  };
}

/** The body without its null fields: HeyGen's nullable fields say nothing when null. */
export function withoutNulls<T extends object>(body: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null)) as {
    [K in keyof T]: Exclude<T[K], null>;
  };
}
