// The client waiting on many jobs, alone in its process so that its memory and event loop are
// its own: `waitForAll` (its outcomes timed as `waitForEach` yields them: waitForAll is that
// iterator, collected) or one `waitForCompletion` per job under Promise.all.
import { monitorEventLoopDelay } from "node:perf_hooks";
import {
  TranslationStatusClient,
  type FetchLike,
  type StatusSnapshot,
} from "../../packages/client/src/index.js";
import { childConfig, serve } from "./serve.js";

/** `waitForAll` in its default mode, `waitForAll` in batch polls only, or a wait per job. */
export type Strategy = "waitForAll" | "waitForAll, mode poll" | "waitForCompletion each";

export interface ClientConfig {
  baseUrl: string;
}

export interface WaitRequest {
  strategy: Strategy;
  /** In the order the waits are started. */
  jobs: Array<{ id: string; completesAt: number }>;
  maxRequestsPerSecond: number;
  maxWaitMs: number;
}

export interface ClientRun {
  strategy: Strategy;
  jobs: number;
  /** Jobs whose wait ended with a terminal status. */
  finished: number;
  /** Jobs whose wait failed (timed out, an error), and the first reason. */
  failed: number;
  firstFailure?: string;
  /** Per finished job: the moment the wait knew − the job's completedAt, in ms. */
  delaysMs: number[];
  /** Requests the client's fetch started (the server counts its own). */
  fetches: number;
  /** From the first wait started to the last outcome, in ms. */
  elapsedMs: number;
  /** CPU time this process used meanwhile, in ms. */
  cpuMs: number;
  rssAtStartBytes: number;
  peakRssBytes: number;
  peakHeapUsedBytes: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

const { baseUrl } = childConfig<ClientConfig>();
/** How often memory is sampled for its peak. */
const MEMORY_SAMPLE_MS = 50;

const handlers = {
  async wait({ strategy, jobs, maxRequestsPerSecond, maxWaitMs }: WaitRequest): Promise<ClientRun> {
    const rssAtStartBytes = process.memoryUsage().rss;
    let peakRssBytes = rssAtStartBytes;
    let peakHeapUsedBytes = 0;
    const sample = () => {
      const { rss, heapUsed } = process.memoryUsage();
      peakRssBytes = Math.max(peakRssBytes, rss);
      peakHeapUsedBytes = Math.max(peakHeapUsedBytes, heapUsed);
    };
    const sampler = setInterval(sample, MEMORY_SAMPLE_MS);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();

    let fetches = 0;
    const fetch: FetchLike = (input, init) => {
      fetches += 1;
      return globalThis.fetch(input, init);
    };
    const client = new TranslationStatusClient({ baseUrl, fetch, maxRequestsPerSecond });
    const completesAt = new Map(jobs.map((job) => [job.id, job.completesAt]));
    const delaysMs: number[] = [];
    let failed = 0;
    let firstFailure: string | undefined;
    const finish = (jobId: string, snapshot: StatusSnapshot) => {
      const knownAt = Date.now();
      const completedAt = Date.parse(snapshot.completedAt ?? "") || completesAt.get(jobId)!;
      delaysMs.push(knownAt - completedAt);
    };
    const fail = (error: unknown) => {
      failed += 1;
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      // Messages name URLs with up to 100 ids: keep the start, which says what went wrong.
      firstFailure ??= reason.length > 300 ? `${reason.slice(0, 300)}…` : reason;
    };

    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const ids = jobs.map((job) => job.id);
    if (strategy !== "waitForCompletion each") {
      const mode = strategy === "waitForAll" ? "auto" : "poll";
      let outcomes = 0;
      try {
        for await (const outcome of client.waitForEach(ids, { maxWaitMs, mode })) {
          outcomes += 1;
          if (outcome.ok) finish(outcome.jobId, outcome.result.snapshot);
          else fail(outcome.error);
        }
      } catch (error) {
        // The whole wait failed: every job without an outcome failed with it.
        for (let i = outcomes; i < ids.length; i++) fail(error);
      }
    } else {
      await Promise.all(
        ids.map((jobId) =>
          client.waitForCompletion({ jobId, maxWaitMs }).then(
            (result) => finish(jobId, result.snapshot),
            (error: unknown) => fail(error),
          ),
        ),
      );
    }
    const elapsedMs = performance.now() - started;
    const { user, system } = process.cpuUsage(cpuBefore);
    sample();
    clearInterval(sampler);
    loop.disable();
    return {
      strategy,
      jobs: jobs.length,
      finished: delaysMs.length,
      failed,
      ...(firstFailure !== undefined && { firstFailure }),
      delaysMs,
      fetches,
      elapsedMs,
      cpuMs: (user + system) / 1_000,
      rssAtStartBytes,
      peakRssBytes,
      peakHeapUsedBytes,
      loopDelayP99Ms: loop.percentile(99) / 1e6,
      loopDelayMaxMs: loop.max / 1e6,
    };
  },
};

export type ClientHandlers = typeof handlers;

serve(handlers, { pid: process.pid });
