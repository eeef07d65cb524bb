import { TranslationStatusClient, type DelaySource } from "../../packages/client/src/index.js";
import { mulberry32, toSeed } from "../../packages/server/src/jobs/random.js";
import { VirtualClock } from "../../test/support/virtual-clock.js";
import { summarize, type Summary, type WaitSample } from "../stats.js";
import { MIXES, drawJobs, type JobMix, type JobSpec } from "./jobs.js";
import { PEERS, simulatePeer, type PeerSchedule } from "./peers.js";
import { SIM_BASE_URL, SimulatedBackend, type TraceEntry } from "./simulated-backend.js";
import { CLIENT_STRATEGIES, type ClientStrategy } from "./strategies.js";
import { mixFrontier } from "./frontier.js";
import type { FrontierPoint } from "../../packages/client/src/internal/index.js";

/** Virtual time starts at a realistic epoch, so dates in responses look like real ones. */
export const VIRTUAL_START = Date.UTC(2026, 0, 1);

export interface StrategyResult {
  strategy: string;
  peer: boolean;
  samples: WaitSample[];
  summary: Summary;
  /** The requests made for the mix's sample job (the one closest to the median length). */
  timeline: string;
}

export interface MixResult {
  mix: JobMix;
  rows: StrategyResult[];
  sampleLengthMs: number;
  /** The optimal frontier of the mix's law (checks after the first request, mean delay). */
  frontier: FrontierPoint[];
}

export interface VirtualResults {
  mixes: MixResult[];
  /** Waits simulated, warm-ups included. */
  waits: number;
  elapsedMs: number;
}

export interface VirtualOptions {
  jobsPerMix: number;
  seed: string;
  /** Called after each strategy of each mix, for a progress line. */
  onStep?: (mix: JobMix, strategy: string) => void;
}

/** Every strategy, peers and ours, on the same jobs of every mix, in virtual time. */
export async function runVirtual(options: VirtualOptions): Promise<VirtualResults> {
  const started = performance.now();
  const mixes: MixResult[] = [];
  let waits = 0;
  for (const mix of MIXES) {
    const jobs = drawJobs(mix, options.jobsPerMix, options.seed);
    const warmUp = drawJobs(mix, 20, `${options.seed}:warm-up`);
    const sampleIndex = indexNearestMedian(jobs.map((j) => j.durationMs));
    const rows: StrategyResult[] = [];
    for (const peer of PEERS) {
      rows.push(runPeer(peer, mix, jobs, sampleIndex, options.seed));
      options.onStep?.(mix, peer.name);
    }
    for (const strategy of CLIENT_STRATEGIES) {
      const warm = warmUp.slice(0, strategy.warmUpJobs);
      rows.push(await runClient(strategy, mix, warm, jobs, sampleIndex, options.seed));
      waits += warm.length + jobs.length;
      options.onStep?.(mix, strategy.name);
    }
    mixes.push({
      mix,
      rows,
      sampleLengthMs: jobs[sampleIndex]!.durationMs,
      frontier: mixFrontier(mix),
    });
  }
  return { mixes, waits, elapsedMs: performance.now() - started };
}

function runPeer(
  peer: PeerSchedule,
  mix: JobMix,
  jobs: readonly JobSpec[],
  sampleIndex: number,
  seed: string,
): StrategyResult {
  const random = mulberry32(toSeed(`${seed}:${mix.id}:${peer.name}`));
  const samples: WaitSample[] = [];
  let timeline = "";
  jobs.forEach((job, i) => {
    const wait = simulatePeer(peer, job.durationMs, random);
    samples.push({ lengthMs: job.durationMs, requests: wait.requests, delayMs: wait.delayMs });
    if (i === sampleIndex) {
      timeline = `${wait.times.map(seconds).join(" ")}; ${late(wait.delayMs)}`;
    }
  });
  return { strategy: peer.name, peer: true, samples, summary: summarize(samples), timeline };
}

/** Runs the real client on each job in turn, on one virtual clock, against the simulated backend. */
async function runClient(
  strategy: ClientStrategy,
  mix: JobMix,
  warmUp: readonly JobSpec[],
  jobs: readonly JobSpec[],
  sampleIndex: number,
  seed: string,
): Promise<StrategyResult> {
  const clock = new VirtualClock(VIRTUAL_START);
  const backend = new SimulatedBackend({ clock, ...strategy.backend });
  const random = mulberry32(toSeed(`${seed}:${mix.id}:${strategy.name}`));
  const newClient = () =>
    new TranslationStatusClient({ baseUrl: SIM_BASE_URL, fetch: backend.fetch, clock, random });
  let client = newClient();
  const samples: WaitSample[] = [];
  let timeline = "";

  const all = [...warmUp, ...jobs];
  for (const [i, job] of all.entries()) {
    // Whole milliseconds, as a real server's Date.now() would stamp the job.
    const gap = Math.ceil(clock.now() + job.gapMs) - clock.now();
    await clock.run(clock.sleep(gap));
    if (strategy.freshClient) client = newClient();
    const record = backend.createJob(job);
    const sources = new Map<DelaySource, number>();
    const result = await clock.run(
      client.waitForCompletion({
        jobId: record.id,
        mode: strategy.mode,
        ...(strategy.withKind && { kind: mix.id }),
        ...(strategy.withKind && job.size !== undefined && { size: job.size }),
        onPoll: ({ delaySource }) => {
          if (delaySource) sources.set(delaySource, (sources.get(delaySource) ?? 0) + 1);
        },
      }),
    );
    const delayMs = clock.now() - (record.createdAt + job.durationMs);
    const requests = backend.requestsOf(record.id);
    if (requests !== result.requests || delayMs < 0) {
      throw new Error(
        `${strategy.name} on ${mix.id}: the backend saw ${requests} requests, the client counted ${result.requests}; delay ${delayMs} ms`,
      );
    }
    const measured = i - warmUp.length;
    if (measured >= 0) samples.push({ lengthMs: job.durationMs, requests, delayMs });
    if (measured === sampleIndex) {
      timeline = `${describeTrace(backend.traceOf(record.id))}; ${late(delayMs)}${describeSources(sources)}`;
    }
    backend.forget(record.id);
  }
  return { strategy: strategy.name, peer: false, samples, summary: summarize(samples), timeline };
}

function indexNearestMedian(values: readonly number[]): number {
  const median = [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  let best = 0;
  values.forEach((value, i) => {
    if (Math.abs(value - median) < Math.abs(values[best]! - median)) best = i;
  });
  return best;
}

function seconds(ms: number): string {
  return (ms / 1_000).toFixed(1);
}

function late(delayMs: number): string {
  return `known ${seconds(delayMs)} s after completion`;
}

/** `12.3` a poll at 12.3 s; `60.0~120.0` a request held from 60 s to 120 s; `[0.0~900.0]` a stream. */
function describeTrace(trace: readonly TraceEntry[]): string {
  return trace
    .map((e) => {
      if (e.kind === "poll") return seconds(e.sentAt);
      const span = `${seconds(e.sentAt)}~${seconds(e.endedAt)}`;
      return e.kind === "stream" ? `[${span}]` : span;
    })
    .join(" ");
}

function describeSources(sources: Map<DelaySource, number>): string {
  if (sources.size === 0) return "";
  return ` (delays: ${[...sources].map(([source, n]) => `${source} ×${n}`).join(", ")})`;
}
