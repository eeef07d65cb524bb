import type { FastifyPluginAsync } from "fastify";
import { deriveState } from "../jobs/derive.js";
import type { JobSnapshot, JobService } from "../jobs/service.js";
import { ownerOf } from "../auth/caller.js";
import { errorResponses } from "../routes/schemas.js";
import type { TimelineEntry, TimelineRecorder } from "./recorder.js";
import { jobTimelineSchema, timelineParamsSchema, timelineSummarySchema } from "./schemas.js";
import type { JobTimelineView, TimelineEntryView, TimelineSummaryView } from "./view.js";

export interface TimelineRoutesOptions {
  service: JobService;
  recorder: TimelineRecorder;
}

const TAGS = ["timelines"];

/** A job's request timeline, and a comparison of the clients that asked about jobs. */
export const timelineRoutes: FastifyPluginAsync<TimelineRoutesOptions> = async (
  app,
  { service, recorder },
) => {
  // The job must be one the caller may see, like the job itself: 404 otherwise.
  app.get<{ Params: { id: string } }>(
    "/jobs/:id/timeline",
    {
      schema: {
        summary: "Every request that asked about a job",
        description:
          "The last requests about the job (time, endpoint, mode: poll, long-poll or stream, " +
          "answer), when it really ended, and when a client first learned it: what the " +
          "dashboard draws.",
        tags: TAGS,
        params: timelineParamsSchema,
        response: { 200: jobTimelineSchema, ...errorResponses(404) },
      },
    },
    async (request) =>
      renderTimeline(await service.get(request.params.id, ownerOf(request)), recorder),
  );

  app.get(
    "/status/timeline",
    {
      schema: {
        summary: "Every request that asked about the original job",
        tags: TAGS,
        response: { 200: jobTimelineSchema, ...errorResponses() },
      },
    },
    async () => renderTimeline(service.legacy(), recorder),
  );

  app.get(
    "/timelines/summary",
    {
      schema: {
        summary: "Requests per job and detection delay, per client",
        description:
          "Clients are told apart by `X-Client-Name`, else the first word of `User-Agent`.",
        tags: TAGS,
        response: { 200: timelineSummarySchema, ...errorResponses() },
      },
    },
    async (request): Promise<TimelineSummaryView> => ({
      clients: recorder.summary(ownerOf(request)),
    }),
  );
};

function renderTimeline({ record, at }: JobSnapshot, recorder: TimelineRecorder): JobTimelineView {
  const { status, updatedAt } = deriveState(record, at);
  const completedAt = status === "pending" ? undefined : updatedAt;
  const timeline = recorder.get(record.id);
  const learned = timeline?.learned;
  const entries = timeline?.entries ?? [];
  const requestCount = timeline?.requestCount ?? 0;
  return {
    jobId: record.id,
    status,
    createdAt: iso(record.createdAt),
    ...(completedAt !== undefined && { completedAt: iso(completedAt) }),
    ...(learned !== undefined && {
      learned: {
        at: iso(learned.at),
        delayMs: completedAt === undefined ? 0 : Math.max(0, learned.at - completedAt),
        client: learned.client,
        mode: learned.mode,
        endpoint: learned.endpoint,
      },
    }),
    requestCount,
    droppedCount: requestCount - entries.length,
    entries: entries.map(renderEntry),
  };
}

function renderEntry(entry: TimelineEntry): TimelineEntryView {
  const { at, endedAt, terminalAt, result, ...rest } = entry;
  return {
    at: iso(at),
    ...(endedAt !== undefined && { endedAt: iso(endedAt) }),
    ...rest,
    ...(result !== undefined && { result }),
    ...(terminalAt !== undefined && { terminalAt: iso(terminalAt) }),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
