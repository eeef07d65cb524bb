import { drawEtaBias } from "../../packages/server/src/jobs/estimate.js";
import { pickFailure } from "../../packages/server/src/jobs/failures.js";
import { mulberry32, toSeed, type Random } from "../../packages/server/src/jobs/random.js";
import type { JobFailure, JobOutcome } from "../../packages/server/src/jobs/record.js";

/** A family of jobs: how long they take. */
export interface JobMix {
  id: string;
  title: string;
  /** A length in ms from a draw source. */
  drawLengthMs(random: Random): number;
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
}

const SECOND = 1_000;
const MINUTE = 60_000;

/** Uniform in log space: as many 1–3 s jobs as 10–30 s ones. */
function logUniform(random: Random, minMs: number, maxMs: number): number {
  return Math.round(Math.exp(Math.log(minMs) + random() * (Math.log(maxMs) - Math.log(minMs))));
}

function around(ms: number, id: string, title: string): JobMix {
  return {
    id,
    title,
    drawLengthMs: (random) => Math.round(ms * (0.9 + 0.2 * random())),
  };
}

export const MIXES: readonly JobMix[] = [
  {
    id: "short",
    title: "short: 1–30 s, log-uniform",
    drawLengthMs: (random) => logUniform(random, 1 * SECOND, 30 * SECOND),
  },
  // The jobs of the learned run over real HTTP, replayed in virtual time as a cross-check.
  around(2 * SECOND, "2s", "2 s ±10% (uniform), as the learned run over real HTTP"),
  {
    id: "heygen",
    title: "HeyGen-like: 5–30 min, log-uniform",
    drawLengthMs: (random) => logUniform(random, 5 * MINUTE, 30 * MINUTE),
  },
  around(5 * MINUTE, "5min", "5 min ±10% (uniform)"),
  around(15 * MINUTE, "15min", "15 min ±10% (uniform)"),
  around(30 * MINUTE, "30min", "30 min ±10% (uniform)"),
];

/** Same share of failures as the simulator's default; failing does not change the timing. */
const ERROR_PROBABILITY = 0.1;

/** `count` jobs of `mix`, the same for a given seed. */
export function drawJobs(mix: JobMix, count: number, seed: string): JobSpec[] {
  const random = mulberry32(toSeed(`${seed}:${mix.id}`));
  const jobs: JobSpec[] = [];
  for (let i = 0; i < count; i++) {
    const durationMs = mix.drawLengthMs(random);
    const failed = random() < ERROR_PROBABILITY;
    const failure = pickFailure(random());
    jobs.push({
      durationMs,
      outcome: failed ? "error" : "completed",
      ...(failed && { failure }),
      etaBias: drawEtaBias(random()),
      gapMs: Math.round(random() * 10 * SECOND),
    });
  }
  return jobs;
}
