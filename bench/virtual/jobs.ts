import { drawEtaBias } from "../../packages/server/src/jobs/estimate.js";
import { pickFailure } from "../../packages/server/src/jobs/failures.js";
import { mulberry32, toSeed, type Random } from "../../packages/server/src/jobs/random.js";
import type { JobFailure, JobOutcome } from "../../packages/server/src/jobs/record.js";

/** A family of jobs: how long they take. */
export interface JobMix {
  id: string;
  title: string;
  /** A job's length in ms from a draw source, and its size when the mix has one. */
  draw(random: Random): { lengthMs: number; size?: number };
  /**
   * The law the lengths are drawn from, for the optimal frontier: its distribution function
   * on [start, end], in ms; for a sized mix, of length ÷ (size in ms), with delay priced as a
   * share of the length, since the optimum knows each job's size.
   */
  law: { cdf(x: number): number; start: number; end: number; perSize?: boolean };
}

/** One simulated job, drawn once and replayed identically for every strategy. */
export interface JobSpec {
  durationMs: number;
  outcome: JobOutcome;
  failure?: JobFailure;
  /** In [-1, 1]: the server's estimates of the time left are the truth times 1 + E·bias. */
  etaBias: number;
  /** Idle time before the job is created, after the previous wait ended. */
  gapMs: number;
  /** The job's size (its input's length, in seconds), for a sized mix. */
  size?: number;
}

const SECOND = 1_000;
const MINUTE = 60_000;

/** Uniform in log space: as many 1–3 s jobs as 10–30 s ones. */
function logUniform(random: Random, minMs: number, maxMs: number): number {
  return Math.round(Math.exp(Math.log(minMs) + random() * (Math.log(maxMs) - Math.log(minMs))));
}

const clamp01 = (p: number) => Math.min(1, Math.max(0, p));

function uniformLaw(start: number, end: number): JobMix["law"] {
  return { cdf: (x) => clamp01((x - start) / (end - start)), start, end };
}

function logUniformMix(id: string, title: string, minMs: number, maxMs: number): JobMix {
  return {
    id,
    title,
    draw: (random) => ({ lengthMs: logUniform(random, minMs, maxMs) }),
    law: {
      cdf: (x) => clamp01(Math.log(x / minMs) / Math.log(maxMs / minMs)),
      start: minMs,
      end: maxMs,
    },
  };
}

function around(ms: number, id: string, title: string): JobMix {
  return {
    id,
    title,
    draw: (random) => ({ lengthMs: Math.round(ms * (0.9 + 0.2 * random())) }),
    law: uniformLaw(0.9 * ms, 1.1 * ms),
  };
}

export const MIXES: readonly JobMix[] = [
  logUniformMix("short", "short: 1–30 s, log-uniform", 1 * SECOND, 30 * SECOND),
  // The jobs of the learned run over real HTTP, replayed in virtual time as a cross-check.
  around(2 * SECOND, "2s", "2 s ±10% (uniform), as the learned run over real HTTP"),
  logUniformMix("heygen", "wide, HeyGen-like: 5–30 min, log-uniform", 5 * MINUTE, 30 * MINUTE),
  around(5 * MINUTE, "5min", "5 min ±10% (uniform)"),
  around(15 * MINUTE, "15min", "narrow: 15 min ±10% (uniform)"),
  around(30 * MINUTE, "30min", "30 min ±10% (uniform)"),
  // Translation time scales with the video: the caller knows the input's length (`size`).
  {
    id: "sized",
    title: "sized: the input's length ±10%, inputs 1–30 min, log-uniform",
    draw: (random) => {
      const size = logUniform(random, 1 * MINUTE, 30 * MINUTE) / SECOND;
      return { lengthMs: Math.round(size * SECOND * (0.9 + 0.2 * random())), size };
    },
    law: { ...uniformLaw(0.9, 1.1), perSize: true },
  },
];

/** Same share of failures as the simulator's default; failing does not change the timing. */
const ERROR_PROBABILITY = 0.1;

/** `count` jobs of `mix`, the same for a given seed. */
export function drawJobs(mix: JobMix, count: number, seed: string): JobSpec[] {
  const random = mulberry32(toSeed(`${seed}:${mix.id}`));
  const jobs: JobSpec[] = [];
  for (let i = 0; i < count; i++) {
    const { lengthMs: durationMs, size } = mix.draw(random);
    const failed = random() < ERROR_PROBABILITY;
    const failure = pickFailure(random());
    jobs.push({
      durationMs,
      outcome: failed ? "error" : "completed",
      ...(failed && { failure }),
      etaBias: drawEtaBias(random()),
      gapMs: Math.round(random() * 10 * SECOND),
      ...(size !== undefined && { size }),
    });
  }
  return jobs;
}
