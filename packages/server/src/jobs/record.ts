import type { FaultOverrides } from "../faults/decide.js";

/** How a job ends if nobody cancels it; drawn when the job is created. */
export type JobOutcome = "completed" | "error";

export interface JobFailure {
  code: string;
  message: string;
}

/** Which API shape created a job: ours (`/jobs`), HeyGen's v2 or v3, or ElevenLabs' dubbing. */
export type JobApi = "jobs" | "heygen-v2" | "heygen-v3" | "elevenlabs";

/** What a video-translation request said about the job; all optional, echoed by its API. */
export interface TranslationFields {
  /** The API shape that created the job. Every job created through `JobService.create` has one. */
  api?: JobApi;
  title?: string;
  /** The source video. */
  videoUrl?: string;
  outputLanguage?: string;
  /** The caller's own id for the job, echoed in its status and webhooks. */
  callbackId?: string;
  /** Where this job's webhook goes, instead of the server's. */
  callbackUrl?: string;
  /** Seconds of source video the job translates (HeyGen v3's `duration`); its length follows. */
  videoSeconds?: number;
}

/**
 * What a store keeps about a job. Status, progress, updatedAt and estimates are derived from it
 * and the clock (see `derive.ts`, `estimate.ts`), so nothing needs ticking and a store only ever
 * writes on create and cancel.
 */
export interface JobRecord extends TranslationFields {
  id: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  pendingDurationMs: number;
  outcome: JobOutcome;
  /** The bound E (0 <= E < 1) on the relative error of this job's estimates of the time left. */
  etaError: number;
  /** Drawn at creation, in [-1, 1]: estimates of the time left are the truth times 1 + E * bias. */
  etaBias: number;
  /** Present exactly when `outcome` is "error". */
  failure?: JobFailure;
  /** Milliseconds since the epoch; set only while the job was pending. */
  cancelledAt?: number;
  metadata: Record<string, unknown>;
  /** The owner id of the API key that created it; absent when auth is off. */
  owner?: string;
  /** Fault settings for the requests about this job, overriding the server's. */
  faults?: FaultOverrides;
  /** Set when the job is one item of a batch: which batch, and where in it. */
  batch?: BatchPlace;
  /** On a batch's first job only: the batch as a whole (its id is derived from this job's). */
  batchHead?: BatchHead;
  /** Milliseconds since the epoch; a deleted job is found by no API, and goes with retention. */
  deletedAt?: number;
}

/** Where a job stands in a batch. */
export interface BatchPlace {
  id: string;
  /** Zero-based, in the order the batch listed its items. */
  index: number;
}

/** A batch, kept on its first job's record: no store holds batches of their own. */
export interface BatchHead {
  /** How many items (jobs) the batch asked for. */
  total: number;
  title?: string;
  callbackUrl?: string;
  /**
   * Each item's job id, or why it could not be made, in order; written once every item was
   * tried. Until then the items after the first read as queued, with no job yet.
   */
  items?: BatchItem[];
}

export type BatchItem = { jobId: string } | { error: JobFailure };

/** A record and the moment it was read: everything a response needs, views and hints alike. */
export interface JobSnapshot {
  record: JobRecord;
  /** Milliseconds since the epoch. */
  at: number;
}
