import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from "fastify";
import { deriveState } from "../jobs/derive.js";
import type { JobRecord } from "../jobs/record.js";
import { ownerOf } from "../plugins/auth.js";
import { clientNameOf } from "./client-name.js";
import { isTerminal, type TimelineMode, type TimelineRecorder } from "./recorder.js";

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
};

interface Answer {
  record: JobRecord;
  at: number;
}

interface RequestContext {
  recorder: TimelineRecorder;
  now: () => number;
  arrivedAt: number;
  endpoint: string;
  answers: Answer[] | undefined;
  /** A stream records itself as it goes: the response hook leaves it alone. */
  streaming: boolean;
}

const contexts = new WeakMap<FastifyRequest, RequestContext>();

export interface TimelineHooksOptions {
  recorder: TimelineRecorder;
  now: () => number;
  /** The id of the `/status` job, which its error answers are recorded on. */
  legacyId: string;
}

/**
 * Records the requests about jobs on `recorder`: hooks go on those routes alone (found as they
 * are registered), so every other route pays nothing. Call before the routes are registered.
 */
export function installTimelineHooks(app: FastifyInstance, options: TimelineHooksOptions): void {
  app.addHook("onRoute", (route) => {
    if (typeof route.method !== "string") return;
    const endpoint = `${route.method} ${route.url}`;
    const kind = ROUTES[endpoint];
    if (kind === undefined) return;
    const { recorder, now } = options;
    const stamp = (
      request: FastifyRequest,
      _reply: FastifyReply,
      done: HookHandlerDoneFunction,
    ) => {
      contexts.set(request, {
        recorder,
        now,
        arrivedAt: now(),
        endpoint,
        answers: undefined,
        streaming: false,
      });
      done();
    };
    const finish = (
      request: FastifyRequest,
      reply: FastifyReply,
      done: HookHandlerDoneFunction,
    ) => {
      recordAnswer(request, reply, kind, endpoint, options);
      done();
    };
    route.onRequest = [...hooksOf(route.onRequest), stamp];
    route.onResponse = [...hooksOf(route.onResponse), finish];
  });
}

/** Notes that the request's answer tells about `record` as of `at`; for the response hook. */
export function noteAnswer(request: FastifyRequest, record: JobRecord, at: number): void {
  const context = contexts.get(request);
  if (context === undefined) return;
  (context.answers ??= []).push({ record, at });
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
  const context = contexts.get(request);
  if (context === undefined) return undefined;
  context.streaming = true;
  const { recorder, now, arrivedAt, endpoint } = context;
  const client = clientNameOf(request.headers);
  const entries = new Map<string, ReturnType<TimelineRecorder["record"]>>();
  for (const record of records) {
    const entry = recorder.record(
      {
        jobId: record.id,
        owner: record.owner,
        at: arrivedAt,
        endpoint,
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
    const end = now();
    for (const entry of entries.values()) entry!.endedAt ??= end;
  });
  return (record, doneAt) => {
    const entry = entries.get(record.id);
    const { status, updatedAt } = deriveState(record, doneAt);
    if (entry !== undefined && isTerminal(status)) {
      recorder.terminal(record.id, entry, status, doneAt, updatedAt);
    }
  };
}

function recordAnswer(
  request: FastifyRequest,
  reply: FastifyReply,
  kind: RouteKind,
  endpoint: string,
  { recorder, now, legacyId }: TimelineHooksOptions,
): void {
  const context = contexts.get(request);
  if (context?.streaming) return;
  const endedAt = now();
  // A fault or a 401 answered before the route's own hook ran: when it arrived from the reply.
  const at = context?.arrivedAt ?? endedAt - Math.round(reply.elapsedTime);
  const { statusCode } = reply;
  const client = clientNameOf(request.headers);
  const mode = modeOf(kind, reply);
  const answers = context?.answers;
  if (answers !== undefined) {
    for (const { record, at: seenAt } of answers) {
      const { status, updatedAt } = deriveState(record, seenAt);
      recorder.record(
        {
          jobId: record.id,
          owner: record.owner,
          at,
          endedAt,
          endpoint,
          mode,
          statusCode,
          result: status,
          client,
          ...(isTerminal(status) && { completedAt: updatedAt }),
        },
        true,
      );
    }
    return;
  }
  // An error about one job (injected fault, rate limit, 409...) goes on its timeline if tracked.
  if (statusCode < 400) return;
  const id = endpoint.includes("/status")
    ? legacyId
    : (request.params as { id?: unknown } | undefined)?.id;
  if (typeof id !== "string") return;
  recorder.record(
    { jobId: id, owner: ownerOf(request), at, endedAt, endpoint, mode, statusCode, client },
    false,
  );
}

function modeOf(kind: RouteKind, reply: FastifyReply): TimelineMode {
  if (kind !== "read") return kind;
  const applied = reply.getHeader("preference-applied");
  return applied === undefined || applied === "wait=0" ? "poll" : "long-poll";
}

function hooksOf<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}
