import { monitorEventLoopDelay } from "node:perf_hooks";
import { TranslationStatusClient, type WaitResult } from "../../packages/client/src/index.js";
import { mulberry32, toSeed, type Random } from "../../packages/server/src/jobs/random.js";
import { startServer, type RunningServer } from "../../packages/server/src/index.js";
import { summarize, type Summary, type WaitSample } from "../stats.js";

/** The APIs of the vendor table: two vendors' routes, and the simulator's own as the reference. */
export type VendorApi = "heygen-v3" | "elevenlabs" | "jobs";

/** One row of the vendor table: an API, with or without the simulator's hints, on one length. */
export interface VendorCell {
  api: VendorApi;
  /** Whether the server ran with `vendorHints` (the jobs API has its hints either way). */
  hints: boolean;
  lengthLabel: string;
  samples: WaitSample[];
  /** How the waits ended up asking (`poll`, `long-poll`, `stream`), each counted once. */
  modes: string[];
  summary: Summary;
}

export interface VendorResults {
  cells: VendorCell[];
  jobs: number;
  elapsedMs: number;
  /** How late the shared event loop ran timers while the jobs ran: the noise on every delay. */
  eventLoopDelayMs: { p99: number; max: number };
}

export interface VendorOptions {
  jobsPerCell: number;
  seed: string;
  /** The jobs' lengths, a server pair each. @default VENDOR_LENGTHS_MS */
  lengthsMs?: readonly number[];
}

/** Long enough for a backoff to grow; the longest sets the part's duration. */
export const VENDOR_LENGTHS_MS = [10_000, 30_000] as const;
/** Jobs of a cell start spread over this long, not all in the same millisecond. */
const SPREAD_MS = 2_000;
/** The throwaway jobs that warm the process up before any measurement. */
const WARM_UP_JOB_MS = 200;
const SOURCE = "https://example.com/talk.mp4";

/**
 * The real client, default options, on the vendors' routes of the real simulator over real HTTP:
 * HeyGen v3 and ElevenLabs with the simulator's hints off (as the real APIs, and the default) and
 * on (`vendorHints`), beside the jobs API. Each length has a server per setting, since
 * ElevenLabs' creation cannot ask for a length; every cell runs at once.
 */
export async function runVendor(options: VendorOptions): Promise<VendorResults> {
  const started = performance.now();
  const random = mulberry32(toSeed(`${options.seed}:vendor`));
  const servers: RunningServer[] = [];
  const serve = async (pendingDurationMs: number, vendorHints: boolean) => {
    const server = await startServer({
      port: 0,
      seed: options.seed,
      pendingDurationMs,
      vendorHints,
    });
    servers.push(server);
    return server;
  };
  const cells: VendorCell[] = [];
  const tasks: Promise<void>[] = [];
  let eventLoopDelayMs = { p99: Number.NaN, max: Number.NaN };

  try {
    // The first requests of a process compile each route's code and undici's parser, blocking
    // the event loop for hundreds of ms: pay that on throwaway jobs before anything is measured.
    const warm = await Promise.all([serve(WARM_UP_JOB_MS, false), serve(WARM_UP_JOB_MS, true)]);
    await Promise.all(warm.flatMap((server) => APIS.map((api) => waitOne(server, api))));
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    for (const lengthMs of options.lengthsMs ?? VENDOR_LENGTHS_MS) {
      const [bare, hinted] = await Promise.all([serve(lengthMs, false), serve(lengthMs, true)]);
      const rows: [VendorApi, RunningServer][] = [
        ["jobs", hinted],
        ["heygen-v3", bare],
        ["heygen-v3", hinted],
        ["elevenlabs", bare],
        ["elevenlabs", hinted],
      ];
      for (const [api, server] of rows) {
        const cell: VendorCell = {
          api,
          hints: server === hinted,
          lengthLabel: `${lengthMs / 1_000} s`,
          samples: [],
          modes: [],
          summary: summarize([]),
        };
        cells.push(cell);
        for (let i = 0; i < options.jobsPerCell; i++) {
          tasks.push(spread(random).then(() => measure(server, api, cell)));
        }
      }
    }
    await Promise.all(tasks);
    loopDelay.disable();
    eventLoopDelayMs = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
  } finally {
    await Promise.all(servers.map((server) => server.close()));
  }
  for (const cell of cells) cell.summary = summarize(cell.samples);
  return { cells, jobs: tasks.length, elapsedMs: performance.now() - started, eventLoopDelayMs };
}

const APIS: readonly VendorApi[] = ["jobs", "heygen-v3", "elevenlabs"];

async function measure(server: RunningServer, api: VendorApi, cell: VendorCell): Promise<void> {
  const { result, knownAt } = await waitOne(server, api);
  // The vendors' answers carry no completion time: read it from the same job under /jobs.
  const job = await new TranslationStatusClient({ baseUrl: server.url }).getStatus(result.jobId);
  const { createdAt, completedAt } = job;
  if (createdAt === undefined || completedAt === undefined) {
    throw new Error(`${server.url}: job ${result.jobId} has no createdAt or completedAt`);
  }
  const endMs = Date.parse(completedAt);
  cell.samples.push({
    lengthMs: endMs - Date.parse(createdAt),
    requests: result.requests,
    delayMs: knownAt - endMs,
  });
  if (!cell.modes.includes(result.mode)) cell.modes.push(result.mode);
}

/**
 * Creates a job through the API and waits on it with the same client, as an integration does
 * (ElevenLabs' `expected_duration_sec` reaches the wait that way). Options are the defaults: the
 * table is about what an integration gets without tuning.
 */
async function waitOne(
  server: RunningServer,
  api: VendorApi,
): Promise<{ result: WaitResult & { jobId: string }; knownAt: number }> {
  let jobId: string | undefined;
  let wait: (id: string) => Promise<WaitResult>;
  if (api === "heygen-v3") {
    const client = new TranslationStatusClient({ baseUrl: server.url, api });
    ({ jobId } = await client.createJob({
      video: { type: "url", url: SOURCE },
      output_languages: ["Spanish"],
    }));
    wait = (id) => client.waitForCompletion({ jobId: id });
  } else if (api === "elevenlabs") {
    const client = new TranslationStatusClient({ baseUrl: server.url, api });
    ({ jobId } = await client.createJob({ source_url: SOURCE, target_lang: "es" }));
    wait = (id) => client.waitForCompletion({ jobId: id });
  } else {
    const client = new TranslationStatusClient({ baseUrl: server.url });
    ({ jobId } = await client.createJob({}));
    wait = (id) => client.waitForCompletion({ jobId: id });
  }
  if (jobId === undefined) throw new Error(`${server.url}: ${api} creation gave no job id`);
  const result = await wait(jobId);
  return { result: { ...result, jobId }, knownAt: Date.now() };
}

function spread(random: Random): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, random() * SPREAD_MS));
}
