import type { IdempotencyRecord, IdempotencyStore } from "../store/idempotency-store.js";
import { getRecords, type JobStore } from "../store/job-store.js";
import type { AddressPolicy } from "../webhooks/address-policy.js";
import { prepareInput, type CreateJobInput, type PreparedInput } from "./create-input.js";
import {
  ConcurrencyLimitError,
  IdempotencyConflictError,
  IdempotencyInProgressError,
  TooManyJobsError,
} from "./errors.js";
import { estimateTimes } from "./estimate.js";
import {
  fingerprint,
  idempotencyScope,
  JOBS_IDEMPOTENCY,
  KeyedQueue,
  type IdempotencyPolicy,
} from "./idempotency.js";
import { newJobId } from "./ids.js";
import { drawRecord, type RecordDraws } from "./new-record.js";
import type { JobRecord, JobSnapshot } from "./record.js";
import { RetentionSweep, type RetentionOptions } from "./retention.js";

/** What admitting new jobs needs: the store, the draws, the limits, and who hears of a new job. */
export interface AdmissionOptions extends RecordDraws, RetentionOptions {
  store: JobStore;
  /**
   * Told of every new job once the store has it (not of an idempotent replay); the creation is
   * answered once what it returns has settled.
   */
  onCreate?: (record: JobRecord) => void | Promise<void>;
  /** Most jobs pending at once per owner (one owner with auth off); 0 for no limit. */
  maxConcurrentJobs?: number;
  /** Where `Idempotency-Key`s are remembered; without it, keys are ignored. */
  idempotencyStore?: IdempotencyStore;
  /** How long a key is remembered, in ms; without it, as long as the store keeps it. */
  idempotencyTtlMs?: number;
  /** Which address literals a `callbackUrl` may name; undefined allows every address. */
  webhookPolicy?: AddressPolicy | undefined;
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

/** The jobs of one request: new, or those of an earlier one with its key. */
export interface CreatedJobs {
  jobs: JobSnapshot[];
  replayed: boolean;
  /** A replay for a request whose body differs from the first's (policy `otherBody: "replay"`). */
  bodyDiffers: boolean;
}

/** How long a claim on an `Idempotency-Key` holds while its request creates the job, in ms. */
const CLAIM_HOLD_MS = 30_000;

/** How soon a retry may find the job a request holding its idempotency key is creating, in ms. */
const IN_PROGRESS_RETRY_MS = 1_000;

/**
 * Admits new jobs: checks their input, answers a retry with an idempotency key with the jobs its
 * first request made, holds each owner to the concurrency limit, then draws and stores records.
 */
export class JobAdmission {
  readonly #options: AdmissionOptions;
  readonly #idempotency = new KeyedQueue();
  /** Per owner: the concurrency check and the insert it allows run one at a time. */
  readonly #admissions = new KeyedQueue();
  readonly #retention: RetentionSweep;
  #withFaultOverrides = 0;

  constructor(options: AdmissionOptions) {
    this.#options = options;
    this.#retention = new RetentionSweep(options);
  }

  /** How many of the jobs admitted here carry fault overrides. */
  get jobsWithFaultOverrides(): number {
    return this.#withFaultOverrides;
  }

  /**
   * The jobs of one request, all or none: the concurrency limit is checked for them together.
   * With an idempotency key, a retry of an earlier request (same owner, key and body, within the
   * TTL) gets that request's jobs, as of now, instead.
   */
  async createAll(
    inputs: readonly CreateJobInput[],
    context: CreateContext = {},
  ): Promise<CreatedJobs> {
    if (inputs.length === 0) throw new TypeError("Expected at least one job to create");
    const prepared = inputs.map((input) => prepareInput(input, this.#options.webhookPolicy));
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
    const records = await getRecords(this.#options.store, saved.jobIds ?? [saved.jobId]);
    if (records.some((record) => record === undefined)) return undefined;
    const jobs = records.map((record) => ({ record: record!, at: now }));
    return { jobs, replayed: true, bodyDiffers };
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
      const record = drawRecord(
        newJobId(),
        {
          ...input,
          api: input.api ?? "jobs",
          metadata,
          ...(owner !== undefined && { owner }),
          ...(faults !== undefined && { faults }),
        },
        this.#options,
      );
      if (limit > 0 && store.insertWithin !== undefined) {
        // The store counts and inserts in one step: the last word across servers (which may,
        // in a race with another server, stop a request of several jobs part way).
        if (!(await store.insertWithin(record, limit))) await this.#refuse(scope, limit, true);
      } else {
        await store.insert(record);
      }
      if (faults !== undefined) this.#withFaultOverrides++;
      await this.#options.onCreate?.(record);
      this.#retention.run(record.createdAt);
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
}
