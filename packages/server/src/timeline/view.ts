import type { JobStatus } from "../jobs/derive.js";
import type { ClientSummary, TimelineMode } from "./recorder.js";

export type { TimelineMode };

/** One request about a job, as `GET /jobs/:id/timeline` shows it. Times are ISO 8601. */
export interface TimelineEntryView {
  /** When the request arrived. */
  at: string;
  /** When it was answered; for a stream, when it ended (absent while open). */
  endedAt?: string;
  /** Method and route, e.g. `GET /jobs/:id`. */
  endpoint: string;
  mode: TimelineMode;
  statusCode: number;
  /** The job's status the answer carried (for a stream: the last one sent). */
  result?: JobStatus;
  /** `X-Client-Name`, else the User-Agent's product. */
  client: string;
  /** When this request told its client the job had ended. */
  terminalAt?: string;
}

/** `GET /jobs/:id/timeline`: every request about a job, and when a client first knew its end. */
export interface JobTimelineView {
  jobId: string;
  status: JobStatus;
  createdAt: string;
  /** When the job really completed, failed or was cancelled. */
  completedAt?: string;
  /** The first answer or event that told a client the job had ended. */
  learned?: {
    at: string;
    /** `at - completedAt`, in ms. */
    delayMs: number;
    client: string;
    mode: TimelineMode;
    endpoint: string;
  };
  /** Every request recorded for the job. */
  requestCount: number;
  /** Older requests no longer listed (only the most recent are kept). */
  droppedCount: number;
  entries: TimelineEntryView[];
}

/** `GET /timelines/summary`: the clients that asked about the caller's jobs, compared. */
export interface TimelineSummaryView {
  clients: ClientSummary[];
}
