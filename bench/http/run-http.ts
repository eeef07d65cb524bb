import { monitorEventLoopDelay } from "node:perf_hooks";
import {
  TranslationStatusClient,
  type FetchLike,
  type WaitMode,
} from "../../packages/client/src/index.js";
import { mulberry32, toSeed, type Random } from "../../packages/server/src/jobs/random.js";
import { startServer, type RunningServer } from "../../packages/server/src/index.js";
import { summarize, type Summary, type WaitSample } from "../stats.js";
import { AUTO, COLD, HINTED_POLL, LEARNED, LONG_POLL, STREAM } from "../virtual/strategies.js";
import { stripHints } from "./strip-hints.js";

/** One row of the real-HTTP table: a strategy on jobs of one length. */
export interface HttpCell {
  strategy: string;
  /** `poll`, `long-poll`, `stream` or `auto`: how the client was asked to wait. */
  mode: WaitMode;
  hints: boolean;
  lengthLabel: string;
  samples: WaitSample[];
  summary: Summary;
}

export interface HttpResults {
  cells: HttpCell[];
  /** Measured jobs, warm-ups of the learned client included. */
  jobs: number;
  elapsedMs: number;
  /** How late the shared event loop ran timers while the jobs ran: the noise on every delay. */
  eventLoopDelayMs: { p99: number; max: number };
}

export interface HttpOptions {
  jobsPerCell: number;
  seed: string;
  /** Jobs waited on by the learning client before the measured ones. @default 20 */
  warmUpJobs?: number;
}

export const HTTP_LENGTHS_MS = [300, 1_000, 3_000, 10_000] as const;
export const LEARNED_RANGE_MS = [1_800, 2_200] as const;
const LEARNED_LABEL = "1.8–2.2 s";
const HINTED_MODES: readonly WaitMode[] = ["poll", "long-poll", "stream", "auto"];
/** The rows' names, as in Part 1. */
const HINTED_NAMES: Record<WaitMode, string> = {
  poll: HINTED_POLL,
  "long-poll": LONG_POLL,
  stream: STREAM,
  auto: AUTO,
};
/** Jobs of a cell start spread over this long, not all in the same millisecond. */
const SPREAD_MS = 2_000;
/** The throwaway jobs that warm the process up before any measurement. */
const WARM_UP_JOB_MS = 200;
/** Warm-up jobs waited on together, wave after wave. */
const WAVE = 5;

interface Job {
  durationMs: number;
  client: TranslationStatusClient;
  mode: WaitMode;
  kind?: string;
}

/**
 * The real server on a loopback port and the real client over real HTTP: every mode on jobs of
 * 0.3 to 10 s with hints, plus cold and learned clients facing a server stripped of its hints.
 * Cells run concurrently, so the whole part takes about as long as its longest job.
 */
export async function runHttp(options: HttpOptions): Promise<HttpResults> {
  const started = performance.now();
  const random = mulberry32(toSeed(`${options.seed}:http`));
  const server = await startServer({ port: 0, errorProbability: 0.1, seed: options.seed });
  const plainFetch: FetchLike = (input, init) => globalThis.fetch(input, init);
  const bareFetch = stripHints(plainFetch);
  // No request budget: this part measures each wait's own requests and delay, not the shared
  // budget (the scale part does), and all 350 jobs are created through one client.
  const newClient = (fetch: FetchLike) =>
    new TranslationStatusClient({
      baseUrl: server.url,
      fetch,
      random,
      maxRequestsPerSecond: Infinity,
      maxConcurrentRequests: Infinity,
    });
  const creator = newClient(plainFetch);
  const cells: HttpCell[] = [];
  const tasks: Promise<void>[] = [];
  let jobs = 0;
  let eventLoopDelayMs = { p99: Number.NaN, max: Number.NaN };

  const cell = (strategy: string, mode: WaitMode, hints: boolean, lengthLabel: string) => {
    const created: HttpCell = {
      strategy,
      mode,
      hints,
      lengthLabel,
      samples: [],
      summary: summarize([]),
    };
    cells.push(created);
    return created;
  };
  const launch = (target: HttpCell, job: () => Job) => {
    jobs += 1;
    const offset = random() * SPREAD_MS;
    tasks.push(
      sleep(offset)
        .then(() => waitOne(server, creator, job()))
        .then((sample) => void target.samples.push(sample)),
    );
  };

  try {
    // The first requests of a process compile Fastify's routes, undici's parser and much else,
    // blocking the event loop for hundreds of ms: pay that before anything is measured.
    await Promise.all(
      [
        ...HINTED_MODES.map((mode) => ({ mode, fetch: plainFetch })),
        { mode: "poll" as const, fetch: bareFetch },
      ].map(({ mode, fetch }) =>
        waitOne(server, creator, { durationMs: WARM_UP_JOB_MS, client: newClient(fetch), mode }),
      ),
    );
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    for (const mode of HINTED_MODES) {
      for (const lengthMs of HTTP_LENGTHS_MS) {
        const target = cell(HINTED_NAMES[mode], mode, true, label(lengthMs));
        for (let i = 0; i < options.jobsPerCell; i++) {
          launch(target, () => ({ durationMs: lengthMs, client: newClient(plainFetch), mode }));
        }
      }
    }
    for (const lengthMs of [...HTTP_LENGTHS_MS, undefined]) {
      const target = cell(COLD, "poll", false, lengthMs ? label(lengthMs) : LEARNED_LABEL);
      for (let i = 0; i < options.jobsPerCell; i++) {
        launch(target, () => ({
          durationMs: lengthMs ?? learnedLength(random),
          client: newClient(bareFetch),
          mode: "poll",
        }));
      }
    }
    const learned = cell(LEARNED, "poll", false, LEARNED_LABEL);
    tasks.push(
      runLearned(server, creator, newClient(bareFetch), random, options, learned).then((n) => {
        jobs += n;
      }),
    );
    await Promise.all(tasks);
    loopDelay.disable();
    eventLoopDelayMs = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
  } finally {
    await server.close();
  }
  for (const c of cells) c.summary = summarize(c.samples);
  return { cells, jobs, elapsedMs: performance.now() - started, eventLoopDelayMs };
}

/** One learning client: warm-up waves of the kind, then the measured jobs together. */
async function runLearned(
  server: RunningServer,
  creator: TranslationStatusClient,
  client: TranslationStatusClient,
  random: Random,
  options: HttpOptions,
  target: HttpCell,
): Promise<number> {
  const kind = "dub-2s";
  const warmUp = options.warmUpJobs ?? 20;
  for (let done = 0; done < warmUp; done += WAVE) {
    const wave = Array.from({ length: Math.min(WAVE, warmUp - done) }, () =>
      waitOne(server, creator, { durationMs: learnedLength(random), client, mode: "poll", kind }),
    );
    await Promise.all(wave);
  }
  const measured = Array.from({ length: options.jobsPerCell }, () => {
    const offset = random() * SPREAD_MS;
    const durationMs = learnedLength(random);
    return sleep(offset)
      .then(() => waitOne(server, creator, { durationMs, client, mode: "poll", kind }))
      .then((sample) => void target.samples.push(sample));
  });
  await Promise.all(measured);
  return warmUp + options.jobsPerCell;
}

/** Creates a job, waits on it, and measures how late the wait knew it had ended. */
async function waitOne(
  server: RunningServer,
  creator: TranslationStatusClient,
  job: Job,
): Promise<WaitSample> {
  const created = await creator.createJob({ pendingDurationMs: job.durationMs });
  const result = await job.client.waitForCompletion({
    jobId: created.jobId!,
    mode: job.mode,
    maxWaitMs: 120_000,
    ...(job.kind !== undefined && { kind: job.kind }),
  });
  const knownAt = Date.now();
  // What the server's completedAt says; computed, since the stripped runs never see it.
  const completedAt = Date.parse(created.createdAt!) + job.durationMs;
  const reported = result.snapshot.completedAt;
  if (reported !== undefined && Date.parse(reported) !== completedAt) {
    throw new Error(
      `${server.url}: job ${created.jobId} completedAt ${reported}, expected ${completedAt}`,
    );
  }
  return { lengthMs: job.durationMs, requests: result.requests, delayMs: knownAt - completedAt };
}

function learnedLength(random: Random): number {
  const [min, max] = LEARNED_RANGE_MS;
  return Math.round(min + random() * (max - min));
}

function label(ms: number): string {
  return `${ms / 1_000} s`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
