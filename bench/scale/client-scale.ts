import { mulberry32, toSeed, type Random } from "../../packages/server/src/jobs/random.js";
import { mean, percentile } from "../stats.js";
import { Child } from "./child.js";
import type { ClientHandlers, ClientRun, Strategy } from "./client-process.js";
import type { RequestCounts, ServerHandlers, ServerInfo } from "./server-process.js";
import {
  batchMissing as findBatchMissing,
  batchPath,
  machineBusyMs,
  SERVER_PROCESS,
} from "./throughput.js";

/**
 * Every size: waitForAll (its default mode) and a wait per job. The largest also gets
 * waitForAll in batch polls only, to tell the batches' share from the multiplexed stream's.
 */
export function strategiesFor(size: number, sizes: readonly number[]): Strategy[] {
  return size === Math.max(...sizes)
    ? ["waitForAll", "waitForAll, mode poll", "waitForCompletion each"]
    : ["waitForAll", "waitForCompletion each"];
}

/** One client process waiting on `jobs` jobs one way, against a fresh simulator. */
export interface ClientScaleRow {
  jobs: number;
  strategy: Strategy;
  /** Everything the client process measured, but its list of delays. */
  client: Omit<ClientRun, "delaysMs">;
  /** Counted by the server, at its HTTP layer, from the first wait on. */
  requests: RequestCounts;
  requestsPerJob: number;
  /** The busiest whole second at the server. */
  peakRequestsPerSecond: number;
  p50DelayMs: number;
  p95DelayMs: number;
  maxDelayMs: number;
  meanDelayMs: number;
  /** How long the jobs took to create, in the server's process, before the waits began. */
  createMs: number;
  /** CPU the server used during the waits, in ms. */
  serverCpuMs: number;
  /** CPU the rest of the machine used meanwhile, in cores (see LoadRun.otherCores). */
  otherCores: number;
}

export interface ClientScaleResults {
  rows: ClientScaleRow[];
  lengthRangeMs: readonly [number, number];
  maxRequestsPerSecond: number;
  /** Why waitForAll could not batch, when the server has no batch endpoint. */
  batchMissing: string | undefined;
  elapsedMs: number;
}

export interface ClientScaleOptions {
  sizes: readonly number[];
  /** Job lengths are drawn log-uniform in this range. */
  lengthRangeMs: readonly [number, number];
  /** The client's request budget, the same for every run. */
  maxRequestsPerSecond: number;
  seed: string;
  /** Told of each run as it ends. */
  onRun?: (row: ClientScaleRow) => void;
}

const CLIENT_PROCESS = new URL("./client-process.ts", import.meta.url);
/** Each wait's deadline: far past the longest job, so only a stuck client times out. */
const WAIT_MARGIN_MS = 60_000;

/**
 * For each size, the same jobs (lengths drawn once per size, log-uniform, created longest first
 * so that the shortest are the freshest when the waits begin) waited on by one client process
 * with `waitForAll`, then with one `waitForCompletion` per job, each against a fresh simulator
 * (logging on, as in production) that counts the requests it receives.
 */
export async function runClientScale(options: ClientScaleOptions): Promise<ClientScaleResults> {
  const started = performance.now();
  const rows: ClientScaleRow[] = [];
  let batchMissing: string | undefined;
  for (const [index, size] of options.sizes.entries()) {
    const random = mulberry32(toSeed(`${options.seed}:scale:${size}`));
    const lengths = Array.from({ length: size }, () => logUniform(random, options.lengthRangeMs));
    const order = shuffled(size, random);
    for (const [k, strategy] of strategiesFor(size, options.sizes).entries()) {
      const row = await runOne(size, strategy, lengths, order, options, async (url, ids) => {
        if (index === 0 && k === 0) {
          batchMissing = await findBatchMissing(url + batchPath(ids), ids.length);
        }
      });
      rows.push(row);
      options.onRun?.(row);
    }
  }
  return {
    rows,
    lengthRangeMs: options.lengthRangeMs,
    maxRequestsPerSecond: options.maxRequestsPerSecond,
    batchMissing,
    elapsedMs: performance.now() - started,
  };
}

async function runOne(
  size: number,
  strategy: Strategy,
  lengths: readonly number[],
  order: readonly number[],
  options: ClientScaleOptions,
  beforeWaits: (url: string, ids: string[]) => Promise<void>,
): Promise<ClientScaleRow> {
  const server = await Child.spawn<ServerHandlers, ServerInfo>(SERVER_PROCESS, {
    config: { kind: "simulator", logging: true, countRequests: true, seed: options.seed },
  });
  try {
    // Started before the jobs exist, so that no job ages while a process boots.
    const client = await Child.spawn<ClientHandlers>(CLIENT_PROCESS, {
      config: { baseUrl: server.info.url },
    });
    try {
      // Longest first: the shortest jobs are created last, just before the waits begin.
      const byLength = [...lengths.keys()].sort((a, b) => lengths[b]! - lengths[a]!);
      const createStarted = performance.now();
      const created = await server.call("create", { lengthsMs: byLength.map((i) => lengths[i]!) });
      const createMs = performance.now() - createStarted;
      const jobs: Array<{ id: string; completesAt: number }> = [];
      created.forEach((job, k) => {
        jobs[byLength[k]!] = { id: job.id, completesAt: job.createdAt + lengths[byLength[k]!]! };
      });
      await beforeWaits(
        server.info.url,
        jobs.slice(0, 2).map((job) => job.id),
      );
      const maxWaitMs = Math.max(...lengths) + WAIT_MARGIN_MS;
      await server.call("resetCounts", undefined);
      const serverBefore = await server.call("cpu", undefined);
      const machineBefore = machineBusyMs();
      const run = await client.call(
        "wait",
        {
          strategy,
          jobs: order.map((i) => jobs[i]!),
          maxRequestsPerSecond: options.maxRequestsPerSecond,
          maxWaitMs,
        },
        maxWaitMs + WAIT_MARGIN_MS,
      );
      const machineMs = machineBusyMs() - machineBefore;
      const serverAfter = await server.call("cpu", undefined);
      const requests = await server.call("counts", undefined);
      const serverCpuMs = serverAfter.cpuMs - serverBefore.cpuMs;
      const { delaysMs, ...measured } = run;
      return {
        jobs: size,
        strategy,
        client: measured,
        requests,
        requestsPerJob: requests.total / size,
        peakRequestsPerSecond: Math.max(...requests.perSecond),
        p50DelayMs: percentile(delaysMs, 50),
        p95DelayMs: percentile(delaysMs, 95),
        maxDelayMs: Math.max(...delaysMs),
        meanDelayMs: mean(delaysMs),
        createMs,
        serverCpuMs,
        otherCores: (machineMs - serverCpuMs - run.cpuMs) / (serverAfter.at - serverBefore.at),
      };
    } finally {
      await client.stop();
    }
  } finally {
    await server.stop();
  }
}

function logUniform(random: Random, [min, max]: readonly [number, number]): number {
  return Math.round(min * (max / min) ** random());
}

/** 0..n-1 in a seeded random order (Fisher–Yates). */
function shuffled(n: number, random: Random): number[] {
  const order = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
