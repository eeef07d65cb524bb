import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { deriveState, type JobState } from "../jobs/derive.js";
import type { JobRecord } from "../jobs/record.js";
import { ownerOf } from "../plugins/auth.js";
import { routeOf } from "../plugins/public-routes.js";
import { clientNameOf } from "./client-name.js";
import {
  isTerminal,
  type TimelineEntry,
  type TimelineMode,
  type TimelineRecorder,
} from "./recorder.js";

type RouteKind = "create" | "read" | "cancel" | "stream";

/** The routes whose requests concern jobs, by `METHOD url`. */
const ROUTES: Readonly<Record<string, RouteKind>> = {
  "POST /jobs": "create",
  "GET /jobs": "read",
  "GET /jobs/:id": "read",
  "DELETE /jobs/:id": "cancel",
  "GET /status": "read",
  "GET /jobs/:id/events": "stream",
  "GET /status/events": "stream",
  "GET /events": "stream",
  "POST /v1/dubbing": "create",
  "GET /v1/dubbing/:dubbing_id": "read",
  "DELETE /v1/dubbing/:dubbing_id": "cancel",
};

export interface TimelineHooksOptions {
  recorder: TimelineRecorder;
  now: () => number;
  /** The id of the `/status` job, which its error answers are recorded on. */
  legacyId: string;
}

/** What a route about jobs records with. */
interface RouteTimeline extends TimelineHooksOptions {
  kind: RouteKind;
  endpoint: string;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Set on the routes whose requests go on job timelines. */
    timeline?: RouteTimeline;
  }
  interface FastifyRequest {
    /** Set on arrival for the requests that go on job timelines; null for the others. */
    timelineContext: RequestContext | null;
  }
}

interface RequestContext {
  route: RouteTimeline;
  arrivedAt: number;
}

/**
 * Records the requests about jobs on `recorder`. Only those routes get a hook, one that notes
 * the arrival time; answers are recorded where they are made (`noteAnswer`, `noteStream`,
 * `noteError`), so no response hook runs on the hot path. Call before routes are registered.
 */
export function installTimelineHooks(app: FastifyInstance, options: TimelineHooksOptions): void {
  // A declared field keeps every request's shape stable (cheaper than a WeakMap per request).
  app.decorateRequest("timelineContext", null);
  app.addHook("onRoute", (route) => {
    if (typeof route.method !== "string") return;
    const endpoint = `${route.method} ${route.url}`;
    const kind = ROUTES[endpoint];
    if (kind === undefined) return;
    const timeline: RouteTimeline = { ...options, kind, endpoint };
    const stamp = async (request: FastifyRequest) => {
      request.timelineContext = { route: timeline, arrivedAt: options.now() };
    };
    route.config = { ...route.config, timeline };
    route.onRequest = [...hooksOf(route.onRequest), stamp];
  });
}

/** Records that `reply` answers with `record`, in `state` (as derived for the answer). */
export function noteAnswer(
  reply: FastifyReply,
  record: JobRecord,
  state: JobState,
  statusCode: number,
): void {
  answerNoter(reply, statusCode)?.(record, state);
}

/**
 * `noteAnswer` for the jobs of one answer (a batch): what they share (the time, the mode, the
 * client) is worked out once. Undefined when the request is not recorded.
 */
export function answerNoter(
  reply: FastifyReply,
  statusCode: number,
): ((record: JobRecord, state: JobState) => void) | undefined {
  const context = reply.request.timelineContext;
  if (context === null) return undefined;
  const { route, arrivedAt } = context;
  const endedAt = route.now();
  const mode = modeOf(route.kind, reply);
  const client = clientNameOf(reply.request.headers);
  return (record, { status, updatedAt }) => {
    route.recorder.record(
      {
        jobId: record.id,
        owner: record.owner,
        at: arrivedAt,
        endedAt,
        endpoint: route.endpoint,
        mode,
        statusCode,
        result: status,
        client,
        completedAt: isTerminal(status) ? updatedAt : undefined,
      },
      true,
    );
  };
}

/**
 * Records an error answer (a fault, 401, 404, 409, 429...) on the timeline of the job the
 * request named, if that job is tracked for the caller. Works before the route's own hook ran.
 */
export function noteError(reply: FastifyReply, statusCode: number): void {
  const { request } = reply;
  const context = request.timelineContext;
  const route = context?.route ?? routeOf(request).config?.timeline;
  if (route === undefined) return;
  const id = route.endpoint.includes("/status") ? route.legacyId : jobIdOf(request.params);
  if (typeof id !== "string") return;
  const endedAt = route.now();
  route.recorder.record(
    {
      jobId: id,
      owner: ownerOf(request),
      at: context?.arrivedAt ?? endedAt,
      endedAt,
      endpoint: route.endpoint,
      mode: modeOf(route.kind, reply),
      statusCode,
      client: clientNameOf(request.headers),
    },
    false,
  );
}

/**
 * Records a stream about `records`, opened now, and returns what the stream calls as it sends
 * each job's `done` event (the moment its client learns the end).
 */
export function noteStream(
  request: FastifyRequest,
  reply: FastifyReply,
  records: readonly JobRecord[],
  at: number,
): ((record: JobRecord, at: number) => void) | undefined {
  const context = request.timelineContext;
  if (context === null) return undefined;
  const { route, arrivedAt } = context;
  const client = clientNameOf(request.headers);
  const entries = new Map<string, TimelineEntry>();
  for (const record of records) {
    const entry = route.recorder.record(
      {
        jobId: record.id,
        owner: record.owner,
        at: arrivedAt,
        endpoint: route.endpoint,
        mode: "stream",
        statusCode: 200,
        result: deriveState(record, at).status,
        client,
      },
      true,
    );
    if (entry !== undefined) entries.set(record.id, entry);
  }
  reply.raw.once("close", () => {
    const end = route.now();
    for (const entry of entries.values()) entry.endedAt ??= end;
  });
  return (record, doneAt) => {
    const entry = entries.get(record.id);
    const { status, updatedAt } = deriveState(record, doneAt);
    if (entry !== undefined && isTerminal(status)) {
      route.recorder.terminal(record.id, entry, status, doneAt, updatedAt);
      // A multiplexed stream goes on for other jobs: it is done with this one.
      entry.endedAt ??= doneAt;
    }
  };
}

function modeOf(kind: RouteKind, reply: FastifyReply): TimelineMode {
  if (kind !== "read") return kind;
  const applied = reply.getHeader("preference-applied");
  return applied === undefined || applied === "wait=0" ? "poll" : "long-poll";
}

function hooksOf<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}

/** The job a route's params name: `:id`, or a vendor's own name for it (`:dubbing_id`). */
function jobIdOf(params: unknown): unknown {
  const { id, dubbing_id } = (params ?? {}) as { id?: unknown; dubbing_id?: unknown };
  return id ?? dubbing_id;
}
