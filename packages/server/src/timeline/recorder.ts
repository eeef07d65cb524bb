import type { JobStatus } from "../jobs/derive.js";

/** How a request asked about a job. */
export type TimelineMode = "create" | "poll" | "long-poll" | "stream" | "cancel";

/** One request about one job. Times are ms since the epoch. */
export interface TimelineEntry {
  /** When the request arrived. */
  at: number;
  /** When it was answered; for a stream, when it ended (absent while open). */
  endedAt?: number | undefined;
  /** Method and route, e.g. `GET /jobs/:id`. */
  endpoint: string;
  mode: TimelineMode;
  statusCode: number;
  /** The job's status the answer carried (for a stream: the last one sent). */
  result?: JobStatus | undefined;
  client: string;
  /** When this request told its client the job had ended: the answer, or a stream's `done`. */
  terminalAt?: number | undefined;
}

/** The first time any client was told a job had ended. */
export interface LearnedMoment {
  at: number;
  client: string;
  mode: TimelineMode;
  endpoint: string;
}

interface ClientTally {
  /** Status requests (poll, long-poll, stream) this client made about the job. */
  requests: number;
  /** When this client was first told the job had ended. */
  learnedAt?: number;
}

/** What is kept about one job. */
export interface JobTimeline {
  jobId: string;
  owner: string | undefined;
  /** The most recent entries, oldest first. */
  entries: TimelineEntry[];
  /** Every request recorded for the job, dropped entries included. */
  requestCount: number;
  /** When the job ended, once a request has seen it ended. */
  completedAt?: number;
  learned?: LearnedMoment;
  clients: Map<string, ClientTally>;
}

/** A request to record; `at`/`endedAt` as in `TimelineEntry`. */
export interface RecordedRequest extends Omit<TimelineEntry, "terminalAt"> {
  jobId: string;
  /** The caller's owner id (undefined with auth off). */
  owner: string | undefined;
  /** When the job ended, if the answer said it had. */
  completedAt?: number | undefined;
}

/** What `summary` says about one client. */
export interface ClientSummary {
  client: string;
  /** Jobs it asked about. */
  jobs: number;
  /** Status requests (poll, long-poll, stream) it made about them. */
  requests: number;
  requestsPerJob: number;
  /** Jobs whose end it learned, with the delay known. */
  detections: number;
  /** Delay from a job's end to the moment this client was told, in ms: mean, median, max. */
  meanDelayMs: number | null;
  medianDelayMs: number | null;
  maxDelayMs: number | null;
}

export interface TimelineRecorderOptions {
  /**
   * Entries kept per job; older ones are dropped (the counts and the learned moment stay).
   * @default 100
   */
  maxEntriesPerJob?: number;
  /**
   * Jobs tracked; past it, the job tracked first is forgotten.
   * @default 1_000
   */
  maxJobs?: number;
  /**
   * Distinct clients tallied per job; requests from more are still listed, not tallied.
   * @default 32
   */
  maxClientsPerJob?: number;
}

const TERMINAL: ReadonlySet<JobStatus | undefined> = new Set(["completed", "error", "cancelled"]);

/** Whether a status is an end state. */
export function isTerminal(status: JobStatus | undefined): boolean {
  return TERMINAL.has(status);
}

/**
 * Remembers, per job, the requests that asked about it and when a client was first told it had
 * ended, in bounded memory. Pure bookkeeping: the caller says what happened and when.
 */
export class TimelineRecorder {
  readonly maxEntriesPerJob: number;
  readonly maxJobs: number;
  readonly maxClientsPerJob: number;
  // Insertion order is tracking order: the first key is the one to evict.
  readonly #jobs = new Map<string, JobTimeline>();

  constructor(options: TimelineRecorderOptions = {}) {
    this.maxEntriesPerJob = options.maxEntriesPerJob ?? 100;
    this.maxJobs = options.maxJobs ?? 1_000;
    this.maxClientsPerJob = options.maxClientsPerJob ?? 32;
    for (const name of ["maxEntriesPerJob", "maxJobs", "maxClientsPerJob"] as const) {
      if (!(Number.isSafeInteger(this[name]) && this[name] > 0)) {
        throw new TypeError(`Expected \`${name}\` to be a positive integer, got ${this[name]}`);
      }
    }
  }

  /** Jobs tracked right now. */
  get size(): number {
    return this.#jobs.size;
  }

  /**
   * Records a request. With `track`, a job not yet tracked starts being tracked (the request
   * found it); without, the request is recorded only on a job already tracked for the same owner
   * (an error answer that named a job, say), so made-up ids cost nothing.
   * Returns the entry, which a stream updates as it goes on.
   */
  record(request: RecordedRequest, track: boolean): TimelineEntry | undefined {
    const { jobId, owner, completedAt } = request;
    let timeline = this.#jobs.get(jobId);
    if (timeline === undefined) {
      if (!track) return undefined;
      timeline = this.#track(jobId, owner);
    } else if (timeline.owner !== owner) {
      return undefined;
    }
    // Built field by field: cheaper than copying the request, and no stray keys.
    const entry: TimelineEntry = {
      at: request.at,
      endedAt: request.endedAt,
      endpoint: request.endpoint,
      mode: request.mode,
      statusCode: request.statusCode,
      result: request.result,
      client: request.client,
      terminalAt: undefined,
    };
    const { entries } = timeline;
    entries.push(entry);
    if (entries.length > this.maxEntriesPerJob) entries.shift();
    timeline.requestCount += 1;
    const mode = entry.mode;
    if (mode === "poll" || mode === "long-poll" || mode === "stream") {
      const tally = this.#tally(timeline, entry.client);
      if (tally !== undefined) tally.requests += 1;
    }
    if (isTerminal(entry.result) && entry.endedAt !== undefined) {
      this.terminal(jobId, entry, entry.result!, entry.endedAt, completedAt);
    }
    return entry;
  }

  /**
   * Says that `entry` told its client the job had ended, at `at` (a stream's `done`, or the
   * answer of a poll). Keeps the earliest such moment per job and per client.
   */
  terminal(
    jobId: string,
    entry: TimelineEntry,
    result: JobStatus,
    at: number,
    completedAt: number | undefined,
  ): void {
    entry.result = result;
    entry.terminalAt ??= at;
    const timeline = this.#jobs.get(jobId);
    if (timeline === undefined) return;
    if (completedAt !== undefined) timeline.completedAt = completedAt;
    if (timeline.learned === undefined || at < timeline.learned.at) {
      timeline.learned = { at, client: entry.client, mode: entry.mode, endpoint: entry.endpoint };
    }
    const tally = this.#tally(timeline, entry.client);
    if (tally !== undefined && (tally.learnedAt === undefined || at < tally.learnedAt)) {
      tally.learnedAt = at;
    }
  }

  /** The timeline of a job, if tracked. */
  get(jobId: string): JobTimeline | undefined {
    return this.#jobs.get(jobId);
  }

  /**
   * Per client, over the tracked jobs of `owner`: how many requests per job, and how long after
   * each job's end it learned of it. Sorted by client name.
   */
  summary(owner: string | undefined): ClientSummary[] {
    const byClient = new Map<string, { jobs: number; requests: number; delays: number[] }>();
    for (const timeline of this.#jobs.values()) {
      if (timeline.owner !== owner) continue;
      for (const [client, tally] of timeline.clients) {
        if (tally.requests === 0) continue;
        let sums = byClient.get(client);
        if (sums === undefined) byClient.set(client, (sums = { jobs: 0, requests: 0, delays: [] }));
        sums.jobs += 1;
        sums.requests += tally.requests;
        if (tally.learnedAt !== undefined && timeline.completedAt !== undefined) {
          sums.delays.push(Math.max(0, tally.learnedAt - timeline.completedAt));
        }
      }
    }
    return [...byClient]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([client, { jobs, requests, delays }]) => {
        delays.sort((a, b) => a - b);
        const mean = delays.length > 0 ? delays.reduce((s, d) => s + d, 0) / delays.length : null;
        return {
          client,
          jobs,
          requests,
          requestsPerJob: round(requests / jobs),
          detections: delays.length,
          meanDelayMs: mean === null ? null : round(mean),
          medianDelayMs: delays.length > 0 ? median(delays) : null,
          maxDelayMs: delays.length > 0 ? delays[delays.length - 1]! : null,
        };
      });
  }

  #track(jobId: string, owner: string | undefined): JobTimeline {
    if (this.#jobs.size >= this.maxJobs) {
      const oldest = this.#jobs.keys().next().value;
      if (oldest !== undefined) this.#jobs.delete(oldest);
    }
    const timeline: JobTimeline = {
      jobId,
      owner,
      entries: [],
      requestCount: 0,
      clients: new Map(),
    };
    this.#jobs.set(jobId, timeline);
    return timeline;
  }

  #tally(timeline: JobTimeline, client: string): ClientTally | undefined {
    let tally = timeline.clients.get(client);
    if (tally === undefined && timeline.clients.size < this.maxClientsPerJob) {
      timeline.clients.set(client, (tally = { requests: 0 }));
    }
    return tally;
  }
}

function median(sorted: number[]): number {
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? sorted[middle]!
    : round((sorted[middle - 1]! + sorted[middle]!) / 2);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
