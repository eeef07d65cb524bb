import type { FastifyReply, FastifyRequest } from "fastify";
import { retryAfterSeconds } from "../jobs/hints.js";
import type { JobSnapshot } from "../jobs/service.js";
import { pollHintFor } from "../routes/job-reply.js";
import { readWithWait, type LiveOptions } from "../routes/live.js";

/**
 * Whether a vendor's routes (ElevenLabs, HeyGen) add the simulator's extensions: `Poll-After-Ms`
 * and `Retry-After` while a job is pending, a `Link` advertising long-polling, and `Prefer: wait`
 * honoured (with `Preference-Applied`). The real APIs send none of these, so by default neither
 * do their copies here: an integration then meets the polling that production makes it do.
 */
export interface VendorHints {
  enabled: boolean;
  live: LiveOptions;
}

/** Reads a job for a vendor route: with hints on, a `Prefer: wait` long-poll; else a plain read. */
export function readVendorJob(
  request: FastifyRequest,
  reply: FastifyReply,
  { enabled, live }: VendorHints,
  load: () => Promise<JobSnapshot>,
): Promise<JobSnapshot> | JobSnapshot {
  return enabled ? readWithWait(request, reply, live, load) : load();
}

/** With hints on: `Link` (long-poll on `path`) and, while pending, `Poll-After-Ms`/`Retry-After`. */
export function setVendorHints(
  reply: FastifyReply,
  { record, at }: JobSnapshot,
  path: string,
  { enabled, live }: VendorHints,
): void {
  if (!enabled) return;
  if (live.maxWaitSeconds > 0) {
    reply.header("link", `<${path}>; rel="long-poll"; max-wait="${live.maxWaitSeconds}"`);
  }
  const hint = pollHintFor(record, at);
  if (hint !== undefined) {
    reply.header("poll-after-ms", String(hint));
    reply.header("retry-after", String(retryAfterSeconds(hint)));
  }
}
