import type { JobStatus, StatusSnapshot } from "../types.js";

/** The API shapes this client speaks: ours, HeyGen's v2 and v3 video translation, ElevenLabs' dubbing. */
export type ApiName = "jobs" | "heygen-v2" | "heygen-v3" | "elevenlabs";

/** Extra status names a caller maps onto ours (the `statusMap` option). */
export type StatusMap = Readonly<Record<string, JobStatus>>;

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
   * Whether the API has our extras: cancel (`DELETE`), batch reads, event streams. Without
   * them, waits poll or long-poll one job at a time.
   */
  readonly jobsExtras: boolean;
  /** The header the API key goes in. @default "x-api-key" */
  readonly apiKeyHeader?: string;
  /** The creation's body as sent: a `FormData` for a multipart API. @default the fields, as JSON */
  createBody?(fields: Record<string, unknown>): unknown;
  /** A status answer, normalized. */
  parseStatus(body: unknown, statusMap: StatusMap): StatusSnapshot;
  /** A creation answer, normalized: a HeyGen creation returns only the id, so it is pending. */
  parseCreated(body: unknown, statusMap: StatusMap): StatusSnapshot;
}
