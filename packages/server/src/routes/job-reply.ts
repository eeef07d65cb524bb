import type { FastifyReply } from "fastify";
import { deriveState, type JobState } from "../jobs/derive.js";
import { estimateTimes } from "../jobs/estimate.js";
import { pollHintMs, retryAfterSeconds } from "../jobs/hints.js";
import type { JobRecord } from "../jobs/record.js";
import type { JobSnapshot } from "../jobs/service.js";

/**
 * `Link` advertising the faster ways to follow a job: its event stream and long-polling on its
 * own URL, with the longest wait the server honours.
 *
 * @example
 * jobLinks("/jobs/job_1", 60);
 * // '</jobs/job_1/events>; rel="events"; type="text/event-stream", </jobs/job_1>; rel="long-poll"; max-wait="60"'
 */
export function jobLinks(path: string, maxWaitSeconds: number): string {
  return (
    `<${path}/events>; rel="events"; type="text/event-stream", ` +
    `<${path}>; rel="long-poll"; max-wait="${maxWaitSeconds}"`
  );
}

/**
 * The poll hint for a pending job, from the estimate and its error bound alone. Pass `state` when
 * you have derived it already.
 */
export function pollHintFor(
  record: JobRecord,
  now: number,
  state: JobState = deriveState(record, now),
): number | undefined {
  if (state.status !== "pending") return undefined;
  const { estimatedCompletionAt } = estimateTimes(record, now, state);
  return pollHintMs({
    now,
    createdAt: record.createdAt,
    estimatedCompletionAt,
    etaError: record.etaError,
    progress: state.progress,
  });
}

export interface JobReplyOptions {
  /** The job's URL path, e.g. `/jobs/job_1` or `/status`. */
  path: string;
  maxWaitSeconds: number;
  /** The body; `state` is the job's state at `now`, derived once for the hints and the body. */
  render: (record: JobRecord, now: number, state: JobState) => unknown;
  statusCode?: number;
}

/**
 * Sends a job: the view, `Link`, and while it is pending `Poll-After-Ms` and `Retry-After`.
 * Terminal jobs carry no hint: there is nothing left to wait for.
 */
export function sendJob(
  reply: FastifyReply,
  { record, at }: JobSnapshot,
  { path, maxWaitSeconds, render, statusCode = 200 }: JobReplyOptions,
) {
  const state = deriveState(record, at);
  reply.request.answered = { record, state };
  reply.header("link", jobLinks(path, maxWaitSeconds));
  const hint = pollHintFor(record, at, state);
  if (hint !== undefined) {
    reply.header("poll-after-ms", String(hint));
    reply.header("retry-after", String(retryAfterSeconds(hint)));
  }
  return reply.code(statusCode).send(render(record, at, state));
}
