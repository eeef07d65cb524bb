import type { FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ownerOf } from "../auth/caller.js";
import { dashboardRoutes } from "../dashboard/routes.js";
import { deriveState } from "../jobs/derive.js";
import type { JobService } from "../jobs/service.js";
import type { AnsweredJob, StreamObserver, TimelineKind } from "../route-facts.js";
import { clientNameOf } from "./client-name.js";
import {
  isTerminal,
  type TimelineEntry,
  type TimelineMode,
  type TimelineRecorder,
} from "./recorder.js";
import { timelineRoutes } from "./routes.js";

export interface TimelinePluginOptions {
  recorder: TimelineRecorder;
  service: JobService;
  now: () => number;
  /** The built dashboard (index.html and assets/); undefined when it was not built. */
  dashboardDir: string | undefined;
}

declare module "fastify" {
  interface FastifyRequest {
    /** When a request to a timeline route arrived; null for the others. */
    timelineArrivedAt: number | null;
  }
}

/** What a route's hooks record with. */
interface RouteTimeline {
  kind: TimelineKind;
  /** Method and route, e.g. `GET /jobs/:id`. */
  endpoint: string;
  jobParam: string | undefined;
  jobId: string | undefined;
}

/**
 * Job timelines: every request to a route declaring `config.timelineKind` is recorded on the
 * timelines of the jobs it concerns, from what its handler left on the request (`answered`), or,
 * for an error answer, on the job the route names (`jobParam`, `jobId`). Only those routes get
 * hooks: one that notes the arrival and one, onResponse, that records. Streams are recorded as
 * they open (`observeStream`) and as each job's `done` event goes out. Also serves the
 * timelines and the dashboard that draws them.
 */
export const timelinePlugin = fp<TimelinePluginOptions>(
  async (app, { recorder, service, now, dashboardDir }) => {
    // Declared fields keep every request's shape stable (cheaper than a WeakMap per request).
    app.decorateRequest("timelineArrivedAt", null);
    app.decorateRequest("answered", null);
    app.decorateRequest("observeStream", null);
    app.addHook("onRoute", (route) => {
      const kind = route.config?.timelineKind;
      // A GET's HEAD twin carries its config; it answers no job.
      if (kind === undefined || typeof route.method !== "string" || route.method === "HEAD") {
        return;
      }
      const { jobParam, jobId } = route.config ?? {};
      const timeline = { kind, endpoint: `${route.method} ${route.url}`, jobParam, jobId };
      const arrive = async (request: FastifyRequest, reply: FastifyReply) => {
        request.timelineArrivedAt = now();
        if (kind === "stream") request.observeStream = streamObserver(request, reply, timeline);
      };
      const respond = async (request: FastifyRequest, reply: FastifyReply) => {
        recordAnswer(request, reply, timeline);
      };
      route.onRequest = [...hooksOf(route.onRequest), arrive];
      route.onResponse = [...hooksOf(route.onResponse), respond];
    });

    /** Records a sent answer: the jobs it carried, or an error about the job the route names. */
    function recordAnswer(request: FastifyRequest, reply: FastifyReply, route: RouteTimeline) {
      const { statusCode } = reply;
      const { answered } = request;
      if (statusCode < 400 && answered === null) return;
      const endedAt = now();
      const at = request.timelineArrivedAt ?? endedAt;
      const mode = modeOf(route.kind, reply);
      const client = clientNameOf(request.headers);
      if (statusCode >= 400) {
        const { jobParam } = route;
        const params = request.params as Record<string, unknown>;
        const jobId = route.jobId ?? (jobParam === undefined ? undefined : params[jobParam]);
        if (typeof jobId !== "string") return;
        const { endpoint } = route;
        const owner = ownerOf(request);
        recorder.record({ jobId, owner, at, endedAt, endpoint, mode, statusCode, client }, false);
        return;
      }
      if (answered === null) return;
      const note = ({ record, state: { status, updatedAt } }: AnsweredJob) =>
        recorder.record(
          {
            jobId: record.id,
            owner: record.owner,
            at,
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
      if (isList(answered)) answered.forEach(note);
      else note(answered);
    }

    /** Records a stream's jobs as it opens, its end, and each job's `done` event. */
    function streamObserver(
      request: FastifyRequest,
      reply: FastifyReply,
      route: RouteTimeline,
    ): StreamObserver {
      return (records, openedAt) => {
        const client = clientNameOf(request.headers);
        const entries = new Map<string, TimelineEntry>();
        for (const record of records) {
          const entry = recorder.record(
            {
              jobId: record.id,
              owner: record.owner,
              at: request.timelineArrivedAt ?? openedAt,
              endpoint: route.endpoint,
              mode: "stream",
              statusCode: 200,
              result: deriveState(record, openedAt).status,
              client,
            },
            true,
          );
          if (entry !== undefined) entries.set(record.id, entry);
        }
        reply.raw.once("close", () => {
          const end = now();
          for (const entry of entries.values()) entry.endedAt ??= end;
        });
        return (record, doneAt) => {
          const entry = entries.get(record.id);
          const { status, updatedAt } = deriveState(record, doneAt);
          if (entry !== undefined && isTerminal(status)) {
            recorder.terminal(record.id, entry, status, doneAt, updatedAt);
            // A multiplexed stream goes on for other jobs: it is done with this one.
            entry.endedAt ??= doneAt;
          }
        };
      };
    }

    await app.register(timelineRoutes, { service, recorder });
    await app.register(dashboardRoutes, { dir: dashboardDir });
  },
  { name: "timeline" },
);

function modeOf(kind: TimelineKind, reply: FastifyReply): TimelineMode {
  if (kind !== "read") return kind;
  const applied = reply.getHeader("preference-applied");
  return applied === undefined || applied === "wait=0" ? "poll" : "long-poll";
}

function isList(
  answered: AnsweredJob | readonly AnsweredJob[],
): answered is readonly AnsweredJob[] {
  return Array.isArray(answered);
}

function hooksOf<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}
