import type { FastifyReply } from "fastify";
import { retryAfterSeconds } from "../jobs/hints.js";
import type { JobSnapshot } from "../jobs/service.js";
import { pollHintFor } from "../routes/job-reply.js";

/**
 * Our hints on a HeyGen-shaped answer, which HeyGen clients ignore and ours read: while the job
 * is pending, `Poll-After-Ms` and `Retry-After`; and, when long-polling is on, a `Link` saying
 * that `Prefer: wait=N` works on the job's URL. No event stream is offered on these routes.
 */
export function setTranslationHints(
  reply: FastifyReply,
  { record, at }: JobSnapshot,
  { path, maxWaitSeconds }: { path: string; maxWaitSeconds: number },
): void {
  if (maxWaitSeconds > 0) {
    reply.header("link", `<${path}>; rel="long-poll"; max-wait="${maxWaitSeconds}"`);
  }
  const hint = pollHintFor(record, at);
  if (hint !== undefined) {
    reply.header("poll-after-ms", String(hint));
    reply.header("retry-after", String(retryAfterSeconds(hint)));
  }
}
