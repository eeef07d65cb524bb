import { ApiError } from "../errors.js";
import type { JobStore } from "../store/job-store.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { deriveState, type JobStatus } from "./derive.js";
import { drawEtaBias } from "./estimate.js";
import { pickFailure } from "./failures.js";
import { newJobId } from "./ids.js";
import { metadataProblem } from "./metadata.js";
import type { Random } from "./random.js";
import type { JobRecord } from "./record.js";
import { toJobView, type JobView } from "./view.js";

export interface JobServiceOptions {
  store: JobStore;
  now: () => number;
  /** Draws outcomes and failure reasons. */
  random: Random;
  /** Draws estimate biases: a stream of its own, so adding it left the outcomes unchanged. */
  etaRandom: Random;
  pendingDurationMs: number;
  errorProbability: number;
  etaError: number;
  /** Told of every cancel once the store has it, so whoever waits on the job hears at once. */
  onCancel?: (record: JobRecord) => void;
}

export interface CreateJobInput {
  pendingDurationMs?: number;
  errorProbability?: number;
  etaError?: number;
  metadata?: Record<string, unknown>;
}

/** A record and the moment it was read: everything a response needs, views and hints alike. */
export interface JobSnapshot {
  record: JobRecord;
  /** Milliseconds since the epoch. */
  at: number;
}

export interface ListJobsInput {
  limit: number;
  cursor?: string;
  status?: JobStatus;
}

export interface JobPage {
  data: JobView[];
  nextCursor: string | null;
}

/** Creates, reads, lists and cancels jobs on any store; every state is derived from the clock. */
export class JobService {
  readonly #options: JobServiceOptions;
  /** The single job behind `GET /status`: created with the service, never stored or listed. */
  readonly #legacy: JobRecord;

  constructor(options: JobServiceOptions) {
    this.#options = options;
    // Drawn first, so a given seed always gives /status the same outcome.
    this.#legacy = this.#newRecord("legacy", { metadata: {} });
  }

  /** The `/status` job as of now. */
  legacy(): JobSnapshot {
    return { record: this.#legacy, at: this.#options.now() };
  }

  /** A new job, as of its creation. */
  async create(input: CreateJobInput): Promise<JobSnapshot> {
    const metadata = input.metadata ?? {};
    const problem = metadataProblem(metadata);
    if (problem !== undefined) throw new ApiError("invalid_request", problem);
    const record = this.#newRecord(newJobId(), { ...input, metadata });
    await this.#options.store.insert(record);
    return { record, at: record.createdAt };
  }

  /** The job as of now; 404 `job_not_found` when there is none. */
  async get(id: string): Promise<JobSnapshot> {
    const record = await this.#find(id);
    return { record, at: this.#options.now() };
  }

  /** One page in creation order. With `status`, filtering is on the state at this moment. */
  async list({ limit, cursor, status }: ListJobsInput): Promise<JobPage> {
    let after = cursor === undefined ? undefined : await this.#resolveCursor(cursor);
    // One reading of the clock, so a page is a consistent snapshot.
    const now = this.#options.now();
    const data: JobView[] = [];
    // One record beyond the page tells whether another page exists.
    const batchSize = limit + 1;
    for (;;) {
      const batch = await this.#options.store.list({
        ...(after !== undefined && { after }),
        limit: batchSize,
      });
      for (const record of batch) {
        if (status !== undefined && deriveState(record, now).status !== status) continue;
        if (data.length === limit) return { data, nextCursor: encodeCursor(data.at(-1)!.id) };
        data.push(toJobView(record, now));
      }
      if (batch.length < batchSize) return { data, nextCursor: null };
      after = batch.at(-1)!.id;
    }
  }

  async cancel(id: string): Promise<JobSnapshot> {
    const record = await this.#find(id);
    const now = this.#options.now();
    const { status } = deriveState(record, now);
    if (status !== "pending") {
      throw new ApiError(
        "job_not_pending",
        `Job ${id} is already ${status}; only pending jobs can be cancelled`,
      );
    }
    const cancelled: JobRecord = { ...record, cancelledAt: now };
    await this.#options.store.update(cancelled);
    this.#options.onCancel?.(cancelled);
    return { record: cancelled, at: now };
  }

  // Every record takes exactly two draws from `random`, outcome then failure, and one from
  // `etaRandom`, so the n-th job's fate and bias depend only on the seed and n, never on earlier
  // outcomes or per-job overrides. The bias has a stream of its own: a third draw from `random`
  // would have shifted every later job's outcome for a given seed.
  #newRecord(id: string, input: CreateJobInput & { metadata: Record<string, unknown> }): JobRecord {
    const { random, etaRandom, now } = this.#options;
    const errorProbability = input.errorProbability ?? this.#options.errorProbability;
    const failed = random() < errorProbability;
    const failure = pickFailure(random());
    return {
      id,
      createdAt: now(),
      pendingDurationMs: input.pendingDurationMs ?? this.#options.pendingDurationMs,
      outcome: failed ? "error" : "completed",
      ...(failed && { failure }),
      etaError: input.etaError ?? this.#options.etaError,
      etaBias: drawEtaBias(etaRandom()),
      metadata: input.metadata,
    };
  }

  async #find(id: string): Promise<JobRecord> {
    const record = await this.#options.store.get(id);
    if (record === undefined)
      throw new ApiError("job_not_found", `No job with id ${JSON.stringify(id)}`);
    return record;
  }

  async #resolveCursor(cursor: string): Promise<string> {
    const id = decodeCursor(cursor);
    if (id === undefined || (await this.#options.store.get(id)) === undefined) {
      throw new ApiError("invalid_request", "query.cursor is not a cursor this server issued");
    }
    return id;
  }
}
