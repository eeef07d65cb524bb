import type { FaultOverrides } from "../faults/decide.js";
import type { FaultKind } from "../faults/kinds.js";
import { toLatencyRange } from "../faults/latency.js";
import type { IdempotencyRecord, IdempotencyStore } from "../store/idempotency-store.js";
import type { JobStore } from "../store/job-store.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { deriveState, type JobStatus } from "./derive.js";
import { drawEtaBias, estimateTimes } from "./estimate.js";
import {
  ConcurrencyLimitError,
  IdempotencyConflictError,
  IdempotencyInProgressError,
  InvalidInputError,
  JobFinishedError,
  JobNotFoundError,
  TooManyJobsError,
} from "./errors.js";
import { pickFailure } from "./failures.js";
import {
  fingerprint,
  idempotencyScope,
  JOBS_IDEMPOTENCY,
  KeyedQueue,
  type IdempotencyPolicy,
} from "./idempotency.js";
import { JOB_ID_PATTERN, newJobId } from "./ids.js";
import { metadataProblem } from "./metadata.js";
import type { Random } from "./random.js";
import type { BatchHead, BatchPlace, JobRecord, TranslationFields } from "./record.js";
import { toJobView, type JobView } from "./view.js";
import type { AddressPolicy } from "../webhooks/address-policy.js";
import { webhookUrlProblem } from "../webhooks/url.js";

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
  /**
   * Told of every new job once the store has it (not of an idempotent replay); the creation is
   * answered once what it returns has settled.
   */
  onCreate?: (record: JobRecord) => void | Promise<void>;
  /** Most jobs pending at once per owner (one owner with auth off); 0 for no limit. */
  maxConcurrentJobs?: number;
  /** Where `Idempotency-Key`s are remembered. */
  idempotencyStore?: IdempotencyStore;
  /** How long a key is remembered, in ms. */
  idempotencyTtlMs?: number;
  /** How long an ended job is kept, in ms; the store forgets it afterwards. */
  retentionMs?: number;
  /** Drops what else hangs on jobs ended before `before` (webhook attempts), with the jobs. */
  onExpire?: (before: number) => Promise<void>;
  /** Hears a failed clean-up of expired records. */
  onError?: (error: unknown) => void;
  /** Which address literals a `callbackUrl` may name; undefined allows every address. */
  webhookPolicy?: AddressPolicy | undefined;
}

/** How long a claim on an `Idempotency-Key` holds while its request creates the job, in ms. */
const CLAIM_HOLD_MS = 30_000;

/** How soon a retry may find the job a request holding its idempotency key is creating, in ms. */
const IN_PROGRESS_RETRY_MS = 1_000;

/** Most time between two clean-ups of expired records, in ms. */
const MAX_SWEEP_INTERVAL_MS = 60_000;

export interface CreateJobInput extends TranslationFields {
  pendingDurationMs?: number;
  errorProbability?: number;
  etaError?: number;
  metadata?: Record<string, unknown>;
  /** Fault settings for the requests about this job (read, events, cancel). */
  faultRate?: number;
  faultKinds?: FaultKind[];
  /** Whole ms, or `[min, max]`. */
  latencyMs?: number | number[];
  /** Where a signed webhook goes when the job ends: an http(s) URL. */
  callbackUrl?: string;
  batch?: BatchPlace;
  batchHead?: BatchHead;
}

/** Who is creating a job, and how to recognise a retry of the same creation. */
export interface CreateContext {
  /** The API key's owner id; undefined with auth off. */
  owner?: string | undefined;
  /** From the `Idempotency-Key` header, already checked. */
  idempotencyKey?: string | undefined;
  /**
   * How the key behaves: its endpoint, and what another body or a concurrent retry gets.
   * @default JOBS_IDEMPOTENCY (`POST /jobs`)
   */
  idempotency?: IdempotencyPolicy;
}

/** A job from `create`: new, or the one an earlier request with the same idempotency key made. */
export interface CreatedJob extends JobSnapshot {
  replayed: boolean;
}

/** The jobs of one request from `createAll`: new, or those of an earlier one with its key. */
export interface CreatedJobs {
  jobs: JobSnapshot[];
  replayed: boolean;
  /** A replay for a request whose body differs from the first's (policy `otherBody: "replay"`). */
  bodyDiffers: boolean;
}

/** An input checked and ready to insert. */
interface PreparedInput {
  input: CreateJobInput;
  metadata: Record<string, unknown>;
  faults: FaultOverrides | undefined;
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
  /** Only this owner's jobs; undefined for all (auth off). */
  owner?: string | undefined;
}

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

/** Creates, reads, lists and cancels jobs on any store; every state is derived from the clock. */
export class JobService {
  readonly #options: JobServiceOptions;
  /** The single job behind `GET /status`: created with the service, never stored or listed. */
  readonly #legacy: JobRecord;
  readonly #idempotency = new KeyedQueue();
  /** Per owner: the concurrency check and the insert it allows run one at a time. */
  readonly #admissions = new KeyedQueue();
  #withFaultOverrides = 0;
  #nextSweepAt = Number.NEGATIVE_INFINITY;

  constructor(options: JobServiceOptions) {
    this.#options = options;
    // Drawn first, so a given seed always gives /status the same outcome.
    this.#legacy = this.#newRecord("legacy", { metadata: {} });
  }

  /** How many of the jobs this service created carry fault overrides. */
  get jobsWithFaultOverrides(): number {
    return this.#withFaultOverrides;
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
  async createAll(
    inputs: readonly CreateJobInput[],
    context: CreateContext = {},
  ): Promise<CreatedJobs> {
    if (inputs.length === 0) throw new TypeError("Expected at least one job to create");
    const prepared = inputs.map((input) => this.#prepare(input));
    const { owner, idempotencyKey, idempotency = JOBS_IDEMPOTENCY } = context;
    const { idempotencyStore } = this.#options;
    const fresh = (jobs: JobSnapshot[]) => ({ jobs, replayed: false, bodyDiffers: false });
    if (idempotencyKey === undefined || idempotencyStore === undefined) {
      return fresh(await this.#insert(prepared, owner));
    }
    const scope = idempotencyScope(owner, idempotency.endpoint);
    // One input is fingerprinted alone, as keys stored before requests made several were.
    const print = fingerprint(inputs.length === 1 ? inputs[0] : inputs);
    const queueKey = `${scope}\n${idempotencyKey}`;
    if (idempotency.inProgress === "conflict" && this.#idempotency.busy(queueKey)) {
      throw new IdempotencyInProgressError(IN_PROGRESS_RETRY_MS);
    }
    return this.#idempotency.run(queueKey, async () => {
      const now = this.#options.now();
      const ttl = this.#options.idempotencyTtlMs ?? Number.POSITIVE_INFINITY;
      const saved = await idempotencyStore.get(scope, idempotencyKey);
      if (saved !== undefined && now - saved.createdAt < ttl) {
        const replay = await this.#replay(saved, print, now, idempotency);
        if (replay !== undefined) return replay;
      }
      const entry = { scope, key: idempotencyKey, fingerprint: print, createdAt: now };
      if (idempotencyStore.claim !== undefined) {
        // Another server may be handling a retry of this very request at this instant: the
        // store lets one of them through.
        const holder = await idempotencyStore.claim({ ...entry, jobId: "" }, CLAIM_HOLD_MS);
        if (holder !== undefined) {
          const replay = await this.#replay(holder, print, now, idempotency);
          if (replay !== undefined) return replay;
        }
      }
      let jobs: JobSnapshot[];
      try {
        jobs = await this.#insert(prepared, owner);
      } catch (error) {
        await idempotencyStore.release?.(scope, idempotencyKey);
        throw error;
      }
      const ids = jobs.map(({ record }) => record.id);
      await idempotencyStore.put({
        ...entry,
        jobId: ids[0]!,
        ...(ids.length > 1 && { jobIds: ids }),
        createdAt: jobs[0]!.at,
      });
      return fresh(jobs);
    });
  }

  /** Checks what a store would refuse before anything is drawn or stored. */
  #prepare(input: CreateJobInput): PreparedInput {
    const metadata = input.metadata ?? {};
    const problem = metadataProblem(metadata);
    if (problem !== undefined) throw new InvalidInputError("metadata", problem);
    if (input.callbackUrl !== undefined) {
      const urlProblem = webhookUrlProblem(input.callbackUrl, this.#options.webhookPolicy);
      if (urlProblem !== undefined) throw new InvalidInputError("callbackUrl", urlProblem);
    }
    return { input, metadata, faults: faultOverrides(input) };
  }

  /**
   * The jobs a saved key made, as of now; IdempotencyConflictError for another body (or, with
   * `otherBody: "replay"`, the jobs, flagged), IdempotencyInProgressError while the request
   * holding the key is still under way. Undefined when a job is gone.
   */
  async #replay(
    saved: IdempotencyRecord,
    print: string,
    now: number,
    policy: IdempotencyPolicy,
  ): Promise<CreatedJobs | undefined> {
    const bodyDiffers = saved.fingerprint !== print;
    if (bodyDiffers && policy.otherBody === "refuse") {
      throw new IdempotencyConflictError();
    }
    if (saved.jobId === "") throw new IdempotencyInProgressError(IN_PROGRESS_RETRY_MS);
    const records = await this.#getAll(saved.jobIds ?? [saved.jobId]);
    if (records.some((record) => record === undefined)) return undefined;
    const jobs = records.map((record) => ({ record: record!, at: now }));
    return { jobs, replayed: true, bodyDiffers };
  }

  async #getAll(ids: readonly string[]): Promise<Array<JobRecord | undefined>> {
    const { store } = this.#options;
    if (ids.length === 1 || store.getMany === undefined) {
      return Promise.all(ids.map((id) => store.get(id)));
    }
    return store.getMany(ids);
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
    const records =
      store.getMany === undefined
        ? await Promise.all(valid.map((id) => store.get(id)))
        : await store.getMany(valid);
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

  /** Checks the concurrency limit for them all, then draws and stores a record for each. */
  async #insert(
    items: readonly PreparedInput[],
    owner: string | undefined,
  ): Promise<JobSnapshot[]> {
    const limit = this.#options.maxConcurrentJobs ?? 0;
    const { store } = this.#options;
    const scope = owner ?? "";
    const insertOne = async ({ input, metadata, faults }: PreparedInput) => {
      const record = this.#newRecord(newJobId(), {
        ...input,
        api: input.api ?? "jobs",
        metadata,
        ...(owner !== undefined && { owner }),
        ...(faults !== undefined && { faults }),
      });
      if (limit > 0 && store.insertWithin !== undefined) {
        // The store counts and inserts in one step: the last word across servers (which may,
        // in a race with another server, stop a request of several jobs part way).
        if (!(await store.insertWithin(record, limit))) await this.#refuse(scope, limit, true);
      } else {
        await store.insert(record);
      }
      if (faults !== undefined) this.#withFaultOverrides++;
      await this.#options.onCreate?.(record);
      this.#sweep(record.createdAt);
      return { record, at: record.createdAt };
    };
    const insertAll = async () => {
      const jobs: JobSnapshot[] = [];
      for (const item of items) jobs.push(await insertOne(item));
      return jobs;
    };
    if (limit === 0) return insertAll();
    if (items.length > limit) {
      throw new TooManyJobsError(items.length, limit);
    }
    // The count comes from the store, so the limit holds after a restart and across servers
    // sharing it; one owner's check and insert run one at a time, so concurrent requests to
    // this server cannot all slip under the limit. Checked before any draw, so a refused
    // request leaves the sequence of outcomes alone (unless another server fills the last
    // place between this check and the store's own).
    return this.#admissions.run(scope, async () => {
      await this.#refuse(scope, limit, false, items.length);
      return insertAll();
    });
  }

  /**
   * ConcurrencyLimitError, retry after the earliest estimated end, when full (or
   * always, with `full`: the store said so, and a job may have ended since).
   */
  async #refuse(scope: string, limit: number, full: boolean, adding = 1): Promise<void> {
    const now = this.#options.now();
    const pending = await this.#options.store.pendingOf(scope, now);
    if (pending.length + adding <= limit && !full) return;
    const earliest =
      pending.length === 0
        ? now
        : Math.min(...pending.map((record) => estimateTimes(record, now).estimatedCompletionAt));
    throw new ConcurrencyLimitError(limit, earliest - now);
  }

  /**
   * Drops the jobs and idempotency keys past their retention, at most once per tenth of the
   * retention period (and at least once a minute while jobs are created): memory follows the
   * jobs of the last retention period, whatever the run's length. Detached from the request.
   */
  #sweep(now: number): void {
    const { retentionMs, store, idempotencyStore, idempotencyTtlMs, onExpire, onError } =
      this.#options;
    if (retentionMs === undefined || now < this.#nextSweepAt) return;
    this.#nextSweepAt = now + Math.min(Math.max(1, retentionMs / 10), MAX_SWEEP_INTERVAL_MS);
    const ttl = Math.min(idempotencyTtlMs ?? retentionMs, retentionMs);
    Promise.all([
      store.expire?.(now - retentionMs),
      idempotencyStore?.expire?.(now - ttl),
      onExpire?.(now - retentionMs),
    ]).catch((error: unknown) => onError?.(error));
  }

  // Every record takes exactly two draws from `random`, outcome then failure, and one from
  // `etaRandom`, so the n-th job's fate and bias depend only on the seed and n, never on earlier
  // outcomes or per-job overrides. The bias has a stream of its own: a third draw from `random`
  // would have shifted every later job's outcome for a given seed.
  #newRecord(
    id: string,
    input: CreateJobInput & {
      metadata: Record<string, unknown>;
      owner?: string;
      faults?: FaultOverrides;
    },
  ): JobRecord {
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
      ...translationFields(input),
      ...(input.owner !== undefined && { owner: input.owner }),
      ...(input.faults !== undefined && { faults: input.faults }),
      ...(input.callbackUrl !== undefined && { callbackUrl: input.callbackUrl }),
      ...(input.batch !== undefined && { batch: input.batch }),
      ...(input.batchHead !== undefined && { batchHead: input.batchHead }),
    };
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

const TRANSLATION_FIELDS = [
  "api",
  "title",
  "videoUrl",
  "outputLanguage",
  "callbackId",
  "callbackUrl",
  "videoSeconds",
] as const satisfies readonly (keyof TranslationFields)[];

/** The translation fields the input sets, and no others (no `undefined` keys in a record). */
function translationFields(input: TranslationFields): TranslationFields {
  const fields: TranslationFields = {};
  for (const name of TRANSLATION_FIELDS) {
    const value = input[name];
    if (value !== undefined) Object.assign(fields, { [name]: value });
  }
  return fields;
}

/** The body's fault fields as overrides, or undefined when it sets none. */
function faultOverrides(input: CreateJobInput): FaultOverrides | undefined {
  const { faultRate, faultKinds, latencyMs } = input;
  if (faultRate === undefined && faultKinds === undefined && latencyMs === undefined) {
    return undefined;
  }
  const latency = latencyMs === undefined ? undefined : toLatencyRange(latencyMs);
  if (latencyMs !== undefined && latency === undefined) {
    throw new InvalidInputError("latencyMs", "must be [min, max] with min <= max");
  }
  return {
    ...(faultRate !== undefined && { rate: faultRate }),
    ...(faultKinds !== undefined && { kinds: [...new Set(faultKinds)] }),
    ...(latency !== undefined && { latency }),
  };
}

function notFound(id: string): JobNotFoundError {
  return new JobNotFoundError(id);
}
