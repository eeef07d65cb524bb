import type { SseEvent } from "../transport/sse.js";
import type { JobStatus, StatusSnapshot } from "../types.js";

/** The API shapes this client speaks: ours, HeyGen's v2 and v3 video translation, ElevenLabs' dubbing. */
export type ApiName = "jobs" | "heygen-v2" | "heygen-v3" | "elevenlabs";

/** Extra status names a caller maps onto ours (the `statusMap` option). */
export type StatusMap = Readonly<Record<string, JobStatus>>;

/** One batch answer, normalized: the jobs it found, the ids it did not, and per-job hints. */
export interface BatchAnswer {
  /** Every job answered, each with its `jobId`. */
  snapshots: StatusSnapshot[];
  /** The ids the server says do not exist, with its words for it. */
  missing: Array<{ id: string; code: string | undefined; message: string | undefined }>;
  /** Per-job poll hints, in ms. */
  pollAfterMs: Map<string, number>;
}

/** Reading many jobs in one request. */
export interface BatchReads {
  /** Ids one request may carry. */
  readonly maxIds: number;
  url(baseUrl: string, ids: readonly string[]): string;
  /**
   * A batch answer, normalized. A body that is not the batch shape at all (a server that
   * ignored the ids) is an empty answer, so the client falls back to single reads.
   */
  parse(body: unknown, statusMap: StatusMap): BatchAnswer;
}

/** What one event of a multiplexed stream is. */
export type StreamItem =
  | { type: "job"; body: unknown }
  | { type: "missing"; id: string; code: string | undefined; message: string | undefined }
  | { type: "end" }
  | { type: "other" };

/** Following many jobs on one server-sent event stream. */
export interface EventReads {
  url(baseUrl: string, ids: readonly string[]): string;
  /** Tells a job's event from the stream's own (its end, an unknown id, anything else). */
  parse(event: SseEvent): StreamItem;
}

/**
 * Everything that differs between API shapes, in one place: where a job lives, how it is
 * created, how answers read, and what else the API offers. Parsers throw ShapeError.
 */
export interface ApiProfile {
  readonly name: ApiName;
  /** Where one job's status is read. */
  jobUrl(baseUrl: string, jobId: string): string;
  /** Where jobs are created (POST). */
  createUrl(baseUrl: string): string;
  /** Whether creation honours `Idempotency-Key`, which makes retrying it safe. */
  readonly idempotentCreate: boolean;
  /**
   * Whether the API has our extras: cancel (`DELETE`), the status resource, event streams.
   * Without them, waits poll or long-poll one job at a time.
   */
  readonly jobsExtras: boolean;
  /** The header the API key goes in. @default "x-api-key" */
  readonly apiKeyHeader?: string;
  /** Batch reads, where the API has them; `waitForAll` and `waitForEach` use them. */
  readonly batch?: BatchReads;
  /** The multiplexed event stream of many jobs, where the API has it. */
  readonly events?: EventReads;
  /** The creation's body as sent: a `FormData` for a multipart API. @default the fields, as JSON */
  createBody?(fields: Record<string, unknown>): unknown;
  /** A status answer, normalized. */
  parseStatus(body: unknown, statusMap: StatusMap): StatusSnapshot;
  /** A creation answer, normalized: a HeyGen creation returns only the id, so it is pending. */
  parseCreated(body: unknown, statusMap: StatusMap): StatusSnapshot;
}
