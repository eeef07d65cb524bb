import type { OutgoingHttpHeaders } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";
import { hasEverything } from "../events/event-ids.js";
import type { LongPolls } from "../events/long-polls.js";
import type { SseHub } from "../events/sse-hub.js";
import { parseLastEventId } from "../events/sse-format.js";
import { deriveState } from "../jobs/derive.js";
import type { JobRecord } from "../jobs/record.js";
import type { JobSnapshot } from "../jobs/service.js";
import { preferredWait } from "./prefer.js";

/** What the routes need to hold requests and stream events. */
export interface LiveOptions {
  longPolls: LongPolls;
  streams: SseHub;
  /** Longest `Prefer: wait` honoured, in seconds. */
  maxWaitSeconds: number;
}

/** Adds Prefer to `Vary`, keeping what is there (Origin, when CORS allows a list of them). */
export function varyOnPrefer(reply: FastifyReply): void {
  const vary = reply.getHeader("vary");
  reply.header("vary", vary === undefined ? "Prefer" : `${String(vary)}, Prefer`);
}

/**
 * Reads a job, honouring `Prefer: wait=N` (RFC 7240): a pending job is held until its status
 * changes or min(N, max) seconds pass, then read again. Sets `Vary: Prefer` always, and
 * `Preference-Applied: wait=M` whenever a valid wait was asked for.
 */
export function readWithWait(
  request: FastifyRequest,
  reply: FastifyReply,
  live: LiveOptions,
  load: () => Promise<JobSnapshot> | JobSnapshot,
): Promise<JobSnapshot> | JobSnapshot {
  // Before the read, so a 404 says it too: caches must key on Prefer either way.
  varyOnPrefer(reply);
  const requested = preferredWait(request.headers.prefer);
  // A plain read (most of them) is the load itself, without an async layer of its own.
  if (requested === undefined) return load();
  return waitThenRead(reply, live, load, requested);
}

async function waitThenRead(
  reply: FastifyReply,
  { longPolls, maxWaitSeconds }: LiveOptions,
  load: () => Promise<JobSnapshot> | JobSnapshot,
  requested: number,
): Promise<JobSnapshot> {
  const snapshot = await load();
  const wait = Math.min(requested, maxWaitSeconds);
  reply.header("preference-applied", `wait=${wait}`);
  if (wait === 0 || deriveState(snapshot.record, snapshot.at).status !== "pending") return snapshot;
  await longPolls.hold(snapshot.record, snapshot.at + wait * 1_000, reply.raw);
  return load();
}

/**
 * Answers `GET .../events`: 204 when a client resuming with `Last-Event-ID` (or `?lastEventId=`)
 * has already seen the terminal event, else a Server-Sent Events stream.
 */
export function streamJob(
  request: FastifyRequest,
  reply: FastifyReply,
  { streams }: LiveOptions,
  { record, at }: JobSnapshot,
  render: (record: JobRecord, now: number) => unknown,
) {
  const lastEventId = lastEventIdOf(request);
  // 204 is how a server tells EventSource to stop reconnecting.
  if (hasEverything([record], lastEventId, at)) return reply.code(204).send();
  const onDone = request.observeStream?.([record], at);
  const subject = { kind: "job" as const, records: [record], render, lastEventId, onDone };
  streams.open(reply.raw, subject, hijack(reply));
  return reply;
}

/** A resuming client's `Last-Event-ID` header, else its `?lastEventId=`; undefined if not ours. */
export function lastEventIdOf(request: FastifyRequest): number | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  return parseLastEventId(request.headers["last-event-id"]) ?? parseLastEventId(query?.lastEventId);
}

/**
 * Takes the response over from Fastify for a stream, returning the headers set so far
 * (x-request-id), which are ours to send now that Fastify is out of the way.
 */
export function hijack(reply: FastifyReply): OutgoingHttpHeaders {
  reply.hijack();
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}
