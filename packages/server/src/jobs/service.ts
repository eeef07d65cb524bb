import {
  JobAdmission,
  type AdmissionOptions,
  type CreateContext,
  type CreatedJobs,
} from "./admission.js";
import { getRecords } from "../store/job-store.js";
import type { CreateJobInput } from "./create-input.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { deriveState, type JobStatus } from "./derive.js";
import { InvalidInputError, JobFinishedError, JobNotFoundError } from "./errors.js";
import { JOB_ID_PATTERN } from "./ids.js";
import { drawRecord } from "./new-record.js";
import type { JobRecord, JobSnapshot } from "./record.js";
import { toJobView, type JobView } from "./view.js";

// The types of the service's methods, where the routes find them.
export type { CreateContext, CreatedJobs } from "./admission.js";
export type { CreateJobInput } from "./create-input.js";
export type { JobSnapshot } from "./record.js";

/** Everything admission needs, and who hears of a cancel. */
export interface JobServiceOptions extends AdmissionOptions {
  /** Told of every cancel once the store has it, so whoever waits on the job hears at once. */
  onCancel?: (record: JobRecord) => void;
}

/** A job from `create`: new, or the one an earlier request with the same idempotency key made. */
export interface CreatedJob extends JobSnapshot {
  replayed: boolean;
}

/** Which page of jobs to list, and whose. */
export interface ListJobsInput {
  limit: number;
  cursor?: string;
  status?: JobStatus;
  /** Only this owner's jobs; undefined for all (auth off). */
  owner?: string | undefined;
}

/** A page of jobs as `GET /jobs` shows them, and the cursor of the next one. */
export interface JobPage {
  data: JobView[];
  nextCursor: string | null;
}

/** A page of records, as of `at`, for the routes that show jobs in another shape. */
export interface RecordPage {
  records: JobRecord[];
  at: number;
  nextCursor: string | null;
}

/**
 * Creates, reads, lists and cancels jobs on any store; every state is derived from the clock.
 * Creation is the admission's (idempotency, limits, draws); reads and changes are here.
 */
export class JobService {
  readonly #options: JobServiceOptions;
  /** The single job behind `GET /status`: created with the service, never stored or listed. */
  readonly #legacy: JobRecord;
  readonly #admission: JobAdmission;

  constructor(options: JobServiceOptions) {
    this.#options = options;
    // Drawn first, so a given seed always gives /status the same outcome.
    this.#legacy = drawRecord("legacy", { metadata: {} }, options);
    this.#admission = new JobAdmission(options);
  }

  /** How many of the jobs this service created carry fault overrides. */
  get jobsWithFaultOverrides(): number {
    return this.#admission.jobsWithFaultOverrides;
  }

  /** The service's clock, ms since the epoch: the moment routes render the records they read. */
  now(): number {
    return this.#options.now();
  }

  /** The `/status` job as of now. */
  legacy(): JobSnapshot {
    return { record: this.#legacy, at: this.#options.now() };
  }

  /**
   * A new job, as of its creation. With an idempotency key, a retry of an earlier request (same
   * owner, key and body, within the TTL) gets that request's job, as of now, instead.
   */
  async create(input: CreateJobInput, context: CreateContext = {}): Promise<CreatedJob> {
    const { jobs, replayed } = await this.createAll([input], context);
    return { ...jobs[0]!, replayed };
  }

  /**
   * The jobs of one request (HeyGen's one per output language), all or none: the concurrency
   * limit is checked for them together. With an idempotency key, a retry gets them all.
   */
  createAll(inputs: readonly CreateJobInput[], context: CreateContext = {}): Promise<CreatedJobs> {
    return this.#admission.createAll(inputs, context);
  }

  /** The job as of now; JobNotFoundError when there is none or `owner` may not see it. */
  async get(id: string, owner?: string): Promise<JobSnapshot> {
    const record = await this.find(id, owner);
    if (record === undefined) throw notFound(id);
    return { record, at: this.#options.now() };
  }

  /** The job's record, or undefined when there is none or `owner` may not see it. */
  async find(id: string, owner?: string): Promise<JobRecord | undefined> {
    if (!JOB_ID_PATTERN.test(id)) return undefined;
    const record = await this.#options.store.get(id);
    return record !== undefined && visibleTo(record, owner) ? record : undefined;
  }

  /**
   * The record of each id, in the order asked; undefined where there is none or `owner` may not
   * see it. One read of the store for them all when it can. With `deleted`, deleted jobs are
   * found too (a batch outlives its first job).
   */
  async findMany(
    ids: readonly string[],
    owner?: string,
    { deleted = false }: { deleted?: boolean } = {},
  ): Promise<Array<JobRecord | undefined>> {
    const { store } = this.#options;
    const valid = ids.filter((id) => JOB_ID_PATTERN.test(id));
    const records = await getRecords(store, valid);
    const byId = new Map<string, JobRecord>();
    for (const record of records) {
      if (record === undefined) continue;
      if (deleted ? ownedBy(record, owner) : visibleTo(record, owner)) byId.set(record.id, record);
    }
    return ids.map((id) => byId.get(id));
  }

  /** One page in creation order. With `status`, filtering is on the state at this moment. */
  async list(input: ListJobsInput): Promise<JobPage> {
    const { records, at, nextCursor } = await this.listRecords(input);
    return { data: records.map((record) => toJobView(record, at)), nextCursor };
  }

  /** `list`, as records and the moment they were read. */
  async listRecords({ limit, cursor, status, owner }: ListJobsInput): Promise<RecordPage> {
    let after = cursor === undefined ? undefined : await this.#resolveCursor(cursor, owner);
    // One reading of the clock, so a page is a consistent snapshot.
    const at = this.#options.now();
    const records: JobRecord[] = [];
    // One record beyond the page tells whether another page exists.
    const batchSize = limit + 1;
    for (;;) {
      const batch = await this.#options.store.list({
        ...(after !== undefined && { after }),
        limit: batchSize,
      });
      for (const record of batch) {
        if (!visibleTo(record, owner)) continue;
        if (status !== undefined && deriveState(record, at).status !== status) continue;
        if (records.length === limit) {
          return { records, at, nextCursor: encodeCursor(records.at(-1)!.id) };
        }
        records.push(record);
      }
      if (batch.length < batchSize) return { records, at, nextCursor: null };
      after = batch.at(-1)!.id;
    }
  }

  /**
   * Changes a job's record with `edit` (which must keep its id, owner and timing): a title, a
   * batch's item list. 404 `job_not_found` as `get`.
   */
  async revise(
    id: string,
    owner: string | undefined,
    edit: (record: JobRecord) => JobRecord,
  ): Promise<JobSnapshot> {
    const record = edit(await this.#find(id, owner));
    await this.#options.store.update(record);
    return { record, at: this.#options.now() };
  }

  /**
   * Deletes a job: a pending one is cancelled first (so whoever waits on it hears), then no API
   * finds it again. The record itself goes with retention, like every ended job's.
   */
  async delete(id: string, owner?: string): Promise<JobSnapshot> {
    const { record } = await this.get(id, owner);
    if (deriveState(record, this.#options.now()).status === "pending") {
      try {
        await this.cancel(id, owner);
      } catch (error) {
        // It ended meanwhile: nothing left to stop.
        if (!(error instanceof JobFinishedError)) throw error;
      }
    }
    return this.revise(id, owner, (current) => ({ ...current, deletedAt: this.#options.now() }));
  }

  /** Cancels a pending job; JobFinishedError once it has ended, JobNotFoundError as `get`. */
  async cancel(id: string, owner?: string): Promise<JobSnapshot> {
    const record = await this.#find(id, owner);
    const now = this.#options.now();
    const { status } = deriveState(record, now);
    if (status !== "pending") {
      throw new JobFinishedError(id, status);
    }
    const cancelled: JobRecord = { ...record, cancelledAt: now };
    await this.#options.store.update(cancelled);
    this.#options.onCancel?.(cancelled);
    return { record: cancelled, at: now };
  }

  // Another key's job is "not found", never "forbidden": its existence must not leak.
  async #find(id: string, owner: string | undefined): Promise<JobRecord> {
    const record = await this.find(id, owner);
    if (record === undefined) throw notFound(id);
    return record;
  }

  async #resolveCursor(cursor: string, owner: string | undefined): Promise<string> {
    const id = decodeCursor(cursor);
    if (id === undefined || (await this.find(id, owner)) === undefined) {
      throw new InvalidInputError("cursor", "is not a cursor this server issued");
    }
    return id;
  }
}

/**
 * With auth off (`owner` undefined) every job is visible; with it, only the owner's. A deleted
 * job is visible to nobody.
 */
function visibleTo(record: JobRecord, owner: string | undefined): boolean {
  return record.deletedAt === undefined && ownedBy(record, owner);
}

function ownedBy(record: JobRecord, owner: string | undefined): boolean {
  return owner === undefined || record.owner === owner;
}

function notFound(id: string): JobNotFoundError {
  return new JobNotFoundError(id);
}
