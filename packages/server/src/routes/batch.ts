import type { FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "../errors.js";
import { deriveState } from "../jobs/derive.js";
import { retryAfterSeconds } from "../jobs/hints.js";
import type { JobRecord } from "../jobs/record.js";
import type { JobService } from "../jobs/service.js";
import { toJobView, type JobView } from "../jobs/view.js";
import type { AnsweredJob } from "../route-facts.js";
import { pollHintFor } from "./job-reply.js";
import { varyOnPrefer, type LiveOptions } from "./live.js";
import { preferredWait } from "./prefer.js";

/** Ids one batch read or one multiplexed stream may ask about. */
export const MAX_BATCH_IDS = 100;

/** What `GET /jobs?ids=...` answers. */
export interface JobBatch {
  /** The jobs found, in the order asked. */
  data: JobView[];
  /** One entry per id with no job the caller may see. */
  errors: Array<{ id: string; code: "job_not_found"; message: string }>;
  /** Each pending job's poll hint, in ms, as `Poll-After-Ms` would say it alone. */
  pollAfterMs: Record<string, number>;
}

/** The distinct ids of an `ids` parameter, or a 400 naming what is wrong with it. */
export function parseIds(raw: string): string[] {
  const ids = [
    ...new Set(
      raw
        .split(",")
        .map((id) => id.trim())
        .filter((id) => id.length > 0),
    ),
  ];
  if (ids.length === 0)
    throw new ApiError("invalid_request", "querystring.ids must name at least one job");
  if (ids.length > MAX_BATCH_IDS) {
    throw new ApiError(
      "invalid_request",
      `querystring.ids names ${ids.length} jobs; at most ${MAX_BATCH_IDS} per request`,
    );
  }
  return ids;
}

/** The records the caller may see, and the ids that have none. */
export async function findAll(service: JobService, ids: string[], owner: string | undefined) {
  const records = await service.findMany(ids, owner);
  const found: JobRecord[] = [];
  const missing: string[] = [];
  records.forEach((record, i) => (record ? found.push(record) : missing.push(ids[i]!)));
  return { found, missing };
}

/**
 * Answers a batch read: every job's view, an error entry per unknown id, and per-job poll hints,
 * with the soonest hint in `Poll-After-Ms`/`Retry-After` and `Link` advertising the multiplexed
 * stream. With `Prefer: wait=N`, held until any of the pending jobs changes status.
 */
export async function readBatch(
  request: FastifyRequest,
  reply: FastifyReply,
  { service, live, now }: { service: JobService; live: LiveOptions; now: () => number },
  ids: string[],
  owner: string | undefined,
): Promise<JobBatch> {
  varyOnPrefer(reply);
  let { found, missing } = await findAll(service, ids, owner);
  const requested = preferredWait(request.headers.prefer);
  if (requested !== undefined) {
    const wait = Math.min(requested, live.maxWaitSeconds);
    reply.header("preference-applied", `wait=${wait}`);
    const at = now();
    const pending = found.filter((record) => deriveState(record, at).status === "pending");
    if (wait > 0 && pending.length > 0) {
      await live.longPolls.holdAny(pending, at + wait * 1_000, reply.raw);
      ({ found, missing } = await findAll(service, ids, owner));
    }
  }

  const at = now();
  const pollAfterMs: Record<string, number> = {};
  const data: JobView[] = [];
  const answered: AnsweredJob[] = [];
  for (const record of found) {
    const state = deriveState(record, at);
    answered.push({ record, state });
    const hint = pollHintFor(record, at, state);
    if (hint !== undefined) pollAfterMs[record.id] = hint;
    data.push(toJobView(record, at, state));
  }
  request.answered = answered;
  const soonest = Math.min(...Object.values(pollAfterMs));
  if (Number.isFinite(soonest)) {
    reply.header("poll-after-ms", String(soonest));
    reply.header("retry-after", String(retryAfterSeconds(soonest)));
  }
  const list = ids.map(encodeURIComponent).join(",");
  reply.header(
    "link",
    `</events?ids=${list}>; rel="events"; type="text/event-stream", ` +
      `</jobs?ids=${list}>; rel="long-poll"; max-wait="${live.maxWaitSeconds}"`,
  );
  return {
    data,
    errors: missing.map((id) => ({ id, code: "job_not_found", message: `No job ${id}` })),
    pollAfterMs,
  };
}
