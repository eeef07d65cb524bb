import type { DurationModel } from "./learned.js";
import { learnedGrid } from "./learned-distribution.js";
import { planForDelay, type LengthGrid } from "./optimal-checking.js";

/** Samples needed before the learned schedule replaces blind backoff. */
export const MIN_LEARNED_SAMPLES = 5;

/** What the learned schedule aims at, and its bounds. */
export interface LearnedTarget {
  /** Mean delay aimed at, as a share of the job's expected length. */
  delayShare: number;
  /** The mean delay aimed at is never below this, in ms. */
  minDelayMs: number;
  /** The mean delay aimed at is never above this, in ms. */
  maxDelayMs: number;
  /** Widest gap between two polls once the job has outlived the plan, in ms. */
  maxGapMs: number;
}

/** The job a delay is asked for. */
export interface LearnedJob {
  kind: string;
  /** The job's size, in the caller's unit; undefined when not known. */
  size: number | undefined;
  expectedDurationMs: number | undefined;
  /** How long the job has been running. */
  ageMs: number;
}

/** Timers can fire a hair early; within this, a poll counts as on time. */
const ON_TIME_MS = 1;

/**
 * Targets are rounded down to a ladder of 8 steps per doubling (9% apart), so that the jobs of
 * a kind share a handful of plans whatever their sizes, and a target is never missed by
 * rounding.
 */
const LEVELS_PER_DOUBLING = 8;

/** Plans per kind, at most; the cache starts over beyond it. */
const MAX_PLANS_PER_KIND = 64;

/**
 * Where the next check goes for a job that is still running, by the optimal checking
 * schedule for what was learned of its kind: the distribution of duration ÷ size when the
 * job has a size and enough jobs of its kind had one, else the distribution of durations,
 * else `expectedDurationMs` ± 15%. Undefined when none applies (then backoff decides).
 *
 * The plan aims at a mean delay of `delayShare` of the job's expected length, within
 * [`minDelayMs`, `maxDelayMs`], with as few checks as that allows. It is computed once per
 * kind and target level, and reused until the kind learns a new sample; a size only scales
 * it, since the optimal plan for lengths k·T at delay share d is k times the plan for T.
 */
export function learnedDelay(
  model: DurationModel,
  job: LearnedJob,
  target: LearnedTarget,
): number | undefined {
  const basis = basisFor(model, job);
  if (!basis) return undefined;
  const expectedMs = basis.meanLength * basis.scale;
  const goalMs = Math.min(
    Math.max(target.delayShare * expectedMs, target.minDelayMs),
    target.maxDelayMs,
  );
  const level = Math.floor(LEVELS_PER_DOUBLING * Math.log2(goalMs / expectedMs) + 1e-9);
  const key = `${basis.key}:${level}`;
  let checks = basis.plans.get(key) as number[] | undefined;
  if (checks === undefined) {
    const share = 2 ** (level / LEVELS_PER_DOUBLING);
    checks = planForDelay(basis.grid, share * basis.meanLength).checksMs;
    if (basis.plans.size >= MAX_PLANS_PER_KIND) basis.plans.clear();
    basis.plans.set(key, checks);
  }
  return delayOnPlan(job.ageMs, checks, basis.scale, target.maxGapMs);
}

/**
 * The delay to the plan's next check (`checks[i] × scale`) after `ageMs`. Past the plan's
 * last check the job has outlived what was learned: the wait backs off from there, at half
 * the overrun, at least the plan's last gap and at most `maxGapMs`. The plan's own gaps are
 * the optimum's: the mean delay it aims at is what bounds them.
 */
export function delayOnPlan(
  ageMs: number,
  checks: readonly number[],
  scale: number,
  maxGapMs: number,
): number {
  const at = (i: number) => checks[i]! * scale;
  // The first check later than now: a binary search, plans run to dozens of checks.
  let low = 0;
  let high = checks.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (at(middle) > ageMs + ON_TIME_MS) high = middle;
    else low = middle + 1;
  }
  // No cap on the plan's own gaps: capping them at maxBackoffMs measured 1.25× the optimum's
  // requests on 15 min ±10% instead of 1.14×, for the same delay.
  if (low < checks.length) return at(low) - ageMs;
  const end = at(checks.length - 1);
  const lastGap = checks.length > 1 ? end - at(checks.length - 2) : end * 0.05;
  return Math.min(Math.max(lastGap, (ageMs - end) / 2), Math.max(lastGap, maxGapMs));
}

interface Basis {
  /** Which distribution: of ratios to size, of lengths, or the caller's expectation. */
  key: string;
  grid: LengthGrid;
  /** The distribution's mean, in its own unit. */
  meanLength: number;
  /** ms per unit of the distribution: the size, or 1 for lengths. */
  scale: number;
  plans: Map<string, unknown>;
}

/** Plans made from `expectedDurationMs` alone: one distribution, scaled, for every kind. */
const expectedPlans = new Map<string, unknown>();

function basisFor(model: DurationModel, job: LearnedJob): Basis | undefined {
  const plans = model.plans(job.kind);
  const durations = model.samples(job.kind);
  if (plans && durations.length >= MIN_LEARNED_SAMPLES) {
    const spreads = model.uncertainties(job.kind);
    if (job.size !== undefined && job.size > 0) {
      const sized = cachedGrid(plans, "size", () => {
        const sizes = model.sizes(job.kind);
        const ratios: number[] = [];
        const halves: number[] = [];
        sizes.forEach((size, i) => {
          if (size <= 0) return;
          ratios.push(durations[i]! / size);
          halves.push((spreads[i] ?? 0) / size);
        });
        return ratios.length >= MIN_LEARNED_SAMPLES ? learnedGrid(ratios, halves) : undefined;
      });
      if (sized) return { key: "size", ...sized, scale: job.size, plans };
    }
    const lengths = cachedGrid(plans, "length", () => learnedGrid(durations, spreads));
    if (lengths) return { key: "length", ...lengths, scale: 1, plans };
  }
  if (job.expectedDurationMs !== undefined && job.expectedDurationMs > 0) {
    const expected = cachedGrid(expectedPlans, "expected", () => learnedGrid([1], [0.15], 32));
    if (expected) {
      return { key: "expected", ...expected, scale: job.expectedDurationMs, plans: expectedPlans };
    }
  }
  return undefined;
}

/** A grid and its mean, computed once per kind (and cleared with its plans). */
function cachedGrid(
  plans: Map<string, unknown>,
  key: string,
  make: () => LengthGrid | undefined,
): { grid: LengthGrid; meanLength: number } | undefined {
  const cacheKey = `grid:${key}`;
  if (plans.has(cacheKey)) {
    return plans.get(cacheKey) as { grid: LengthGrid; meanLength: number } | undefined;
  }
  const grid = make();
  const entry = grid && { grid, meanLength: meanOf(grid) };
  plans.set(cacheKey, entry);
  return entry;
}

function meanOf(grid: LengthGrid): number {
  let sum = 0;
  let mass = 0;
  grid.mass.forEach((p, i) => {
    sum += p * (grid.startMs + (i + 0.5) * grid.stepMs);
    mass += p;
  });
  return sum / mass;
}

/**
 * Below this mean delay, timers and the network's own jitter (tens of ms) swamp what more
 * requests buy: over real HTTP, 2 s jobs aimed at 50 ms took 4.7–5.2 requests for 44–48 ms.
 */
const MIN_TARGET_DELAY_MS = 100;

/**
 * The aim and bounds from a wait's options: `targetDelayShare` of the expected length, at
 * least 100 ms (or `minIntervalMs` if larger), at most the mean delay of backoff at its ceiling (its mean gap,
 * `maxBackoffMs × (1 − jitter/2)`, halved); past the plan, gaps up to `maxBackoffMs`.
 */
export function learnedTarget(options: {
  targetDelayShare: number;
  minIntervalMs: number;
  maxBackoffMs: number;
  jitter: number;
}): LearnedTarget {
  const ceilingGap = options.maxBackoffMs * (1 - options.jitter / 2);
  return {
    delayShare: options.targetDelayShare,
    minDelayMs: Math.max(options.minIntervalMs, MIN_TARGET_DELAY_MS),
    maxDelayMs: Math.max(options.minIntervalMs, MIN_TARGET_DELAY_MS, ceilingGap / 2),
    maxGapMs: options.maxBackoffMs,
  };
}
