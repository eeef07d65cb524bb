import { WAIT_DEFAULTS } from "../../packages/client/src/index.js";
import {
  DurationModel,
  learnedDelay,
  learnedTarget,
} from "../../packages/client/src/internal/index.js";
import { drawJobs, type JobMix } from "./jobs.js";

/** What the learned schedule cost in CPU on one mix. */
export interface ScheduleCpu {
  mixId: string;
  polls: number;
  /** Plans computed (per kind and target level, again after each new sample). */
  plans: number;
  msPerPlan: number;
  /** All of it, plans included, over the polls scheduled. */
  usPerPoll: number;
}

/**
 * The learned schedule on the jobs of `mix`, outside the client: each job polled where the
 * schedule says until it has ended, then learned as the client learns it (the middle of the
 * last gap, give or take half of it). Only the schedule's own calls are timed.
 */
export function measureScheduleCpu(mix: JobMix, count: number, seed: string): ScheduleCpu {
  const model = new DurationModel();
  const target = learnedTarget(WAIT_DEFAULTS);
  const jobs = [...drawJobs(mix, 20, `${seed}:warm-up`), ...drawJobs(mix, count, seed)];
  let polls = 0;
  let plans = 0;
  let planMs = 0;
  let otherMs = 0;
  for (const job of jobs) {
    let age = 0;
    let previous = 0;
    let attempt = 0;
    while (age < job.durationMs) {
      const before = model.plans(mix.id)?.size ?? 0;
      const started = performance.now();
      const delay =
        learnedDelay(
          model,
          { kind: mix.id, size: job.size, expectedDurationMs: undefined, ageMs: age },
          target,
        ) ?? Math.min(1_000 * 1.5 ** attempt, WAIT_DEFAULTS.maxBackoffMs);
      const spent = performance.now() - started;
      if ((model.plans(mix.id)?.size ?? 0) > before) {
        plans += 1;
        planMs += spent;
      } else {
        otherMs += spent;
      }
      polls += 1;
      attempt += 1;
      previous = age;
      age += Math.max(delay, WAIT_DEFAULTS.minIntervalMs);
    }
    const half = (age - previous) / 2;
    model.record(mix.id, previous + half, half, job.size);
  }
  return {
    mixId: mix.id,
    polls,
    plans,
    msPerPlan: plans > 0 ? planMs / plans : 0,
    usPerPoll: ((planMs + otherMs) * 1_000) / polls,
  };
}
