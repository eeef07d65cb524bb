import { deriveState, type JobState } from "./jobs/derive.js";
import type { JobRecord } from "./jobs/record.js";

/**
 * What a route declares about itself, in its `config`, and what its handler leaves on the
 * request: the plugins that act on routes (faults, timelines, auth, the OpenAPI text) read these
 * facts instead of keeping lists of routes. `public` and `apiKeyHeader` are declared next to the
 * code that reads them (plugins/).
 */

/** What a request to a route does to the job it names, for the job timelines. */
export type TimelineKind = "create" | "read" | "cancel" | "stream";

/** A job as an answer carried it: its record, and its state as derived for the answer. */
export interface AnsweredJob {
  record: JobRecord;
  state: JobState;
}

/** A job read or made at `at`, as its answer carries it: for `request.answered`. */
export function answeredJob({ record, at }: { record: JobRecord; at: number }): AnsweredJob {
  return { record, state: deriveState(record, at) };
}

/**
 * Told as a stream about `records` opens at `at`; returns what the stream calls as it sends
 * each job's `done` event (the moment its client learns the end).
 */
export type StreamObserver = (
  records: readonly JobRecord[],
  at: number,
) => ((record: JobRecord, at: number) => void) | undefined;

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * The path parameter that names the job a request is about (`"id"`,
     * `"video_translation_id"`): faults then apply that job's own overrides, and the job's
     * timeline gets the route's error answers.
     */
    jobParam?: string;
    /** The one job a route is always about (the `/status` job): its id. */
    jobId?: string;
    /** Set on the routes whose requests go on job timelines: what the request does. */
    timelineKind?: TimelineKind;
  }
  interface FastifyRequest {
    /**
     * The job the handler answered with (for a batch, the jobs), for the hooks that run once
     * the answer is sent. Null when the answer carries no job.
     */
    answered: AnsweredJob | readonly AnsweredJob[] | null;
    /** On stream routes: what the handler tells as its stream opens; null when none listens. */
    observeStream: StreamObserver | null;
  }
}
