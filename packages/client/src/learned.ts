/** What `exportModel()` returns and `importModel()` takes: plain JSON, safe to store anywhere. */
export interface DurationModelSnapshot {
  version: 1;
  /** Recent job durations in ms, per kind, oldest first. */
  kinds: Record<string, number[]>;
  /**
   * How far each duration may be off, in ms, per kind, in the same order: half the span between
   * the last pending answer and the terminal one when the server gave no timestamps. Absent or 0
   * for exact durations.
   */
  uncertaintyMs?: Record<string, number[]>;
}

export interface DurationModelOptions {
  /**
   * Durations remembered per kind; the oldest is forgotten first.
   * @default 50
   */
  maxSamplesPerKind?: number;
  /**
   * Kinds remembered; the least recently used is forgotten first.
   * @default 100
   */
  maxKinds?: number;
}

/**
 * How long the jobs this client waited on took, per kind, in bounded memory: at most
 * `maxKinds × maxSamplesPerKind` numbers.
 */
export class DurationModel {
  readonly #kinds = new Map<string, Samples>();
  readonly #maxSamples: number;
  readonly #maxKinds: number;

  constructor(options: DurationModelOptions = {}) {
    this.#maxSamples = options.maxSamplesPerKind ?? 50;
    this.#maxKinds = options.maxKinds ?? 100;
  }

  /**
   * Remembers that a job of `kind` took `durationMs`, give or take `uncertaintyMs` (0 when the
   * server said exactly). Invalid numbers are ignored.
   */
  record(kind: string, durationMs: number, uncertaintyMs = 0): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) return;
    if (!Number.isFinite(uncertaintyMs) || uncertaintyMs < 0) return;
    const samples = this.#kinds.get(kind) ?? { durations: [], uncertainties: [] };
    samples.durations.push(durationMs);
    samples.uncertainties.push(uncertaintyMs);
    const excess = samples.durations.length - this.#maxSamples;
    if (excess > 0) {
      samples.durations.splice(0, excess);
      samples.uncertainties.splice(0, excess);
    }
    this.#touch(kind, samples);
  }

  /** The durations remembered for `kind`, oldest first. */
  samples(kind: string): readonly number[] {
    return this.#kinds.get(kind)?.durations ?? [];
  }

  /** How far each of `samples(kind)` may be off, in ms, in the same order. */
  uncertainties(kind: string): readonly number[] {
    return this.#kinds.get(kind)?.uncertainties ?? [];
  }

  export(): DurationModelSnapshot {
    const entries = [...this.#kinds];
    return {
      version: 1,
      kinds: Object.fromEntries(entries.map(([k, v]) => [k, [...v.durations]])),
      uncertaintyMs: Object.fromEntries(entries.map(([k, v]) => [k, [...v.uncertainties]])),
    };
  }

  /** Merges a snapshot in (its samples after the ones already known). Throws TypeError if malformed. */
  import(snapshot: DurationModelSnapshot): void {
    if (
      typeof snapshot !== "object" ||
      snapshot === null ||
      snapshot.version !== 1 ||
      typeof snapshot.kinds !== "object" ||
      snapshot.kinds === null
    ) {
      throw new TypeError("importModel() expects { version: 1, kinds: { [kind]: number[] } }");
    }
    const uncertainty = snapshot.uncertaintyMs === undefined ? {} : snapshot.uncertaintyMs;
    if (typeof uncertainty !== "object" || uncertainty === null) {
      throw new TypeError("importModel(): uncertaintyMs must be { [kind]: number[] }");
    }
    const checked: [string, number[], number[]][] = [];
    for (const [kind, samples] of Object.entries(snapshot.kinds)) {
      const spreads = uncertainty[kind] ?? samples.map(() => 0);
      if (!isNonNegativeNumbers(samples) || !isNonNegativeNumbers(spreads)) {
        throw new TypeError(
          `importModel(): kind ${JSON.stringify(kind)} must hold non-negative numbers`,
        );
      }
      if (spreads.length !== samples.length) {
        throw new TypeError(
          `importModel(): kind ${JSON.stringify(kind)} needs one uncertainty per duration`,
        );
      }
      checked.push([kind, samples, spreads]);
    }
    // Checked whole before any is recorded, so a bad snapshot changes nothing.
    for (const [kind, samples, spreads] of checked) {
      samples.forEach((sample, i) => this.record(kind, sample, spreads[i]));
    }
  }

  #touch(kind: string, samples: Samples): void {
    this.#kinds.delete(kind);
    this.#kinds.set(kind, samples);
    if (this.#kinds.size > this.#maxKinds) {
      const oldest = this.#kinds.keys().next().value;
      if (oldest !== undefined) this.#kinds.delete(oldest);
    }
  }
}

/** One kind's durations and their uncertainties, in parallel arrays: no object per sample. */
interface Samples {
  durations: number[];
  uncertainties: number[];
}

function isNonNegativeNumbers(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((s) => typeof s === "number" && s >= 0);
}

/** The span of durations a job of a kind is expected to finish in. */
export interface DurationWindow {
  earliestMs: number;
  latestMs: number;
}

/** Samples needed before the learned schedule replaces blind backoff. */
export const MIN_LEARNED_SAMPLES = 5;

/**
 * The window to place polls in: the learned durations widened by a margin, or, failing enough
 * samples, the caller's `expectedDurationMs` ± 15%.
 *
 * A sample known only to lie in `duration ± uncertainty` counts by what it proves: the kind's
 * durations reach at least down to the lowest upper bound and up to the highest lower bound. So
 * coarse samples (from sparse polls before anything was learned) cannot widen a window that
 * precise ones have pinned down, and exact samples give their plain minimum and maximum. When
 * the bounds cross, every sample fits one duration between them, and that span is the window.
 */
export function durationWindow(
  samples: readonly number[],
  expectedDurationMs: number | undefined,
  uncertainties: readonly number[] = [],
): DurationWindow | undefined {
  if (samples.length >= MIN_LEARNED_SAMPLES) {
    let lowestHigh = Number.POSITIVE_INFINITY;
    let highestLow = Number.NEGATIVE_INFINITY;
    samples.forEach((sample, i) => {
      const spread = uncertainties[i] ?? 0;
      lowestHigh = Math.min(lowestHigh, sample + spread);
      highestLow = Math.max(highestLow, Math.max(0, sample - spread));
    });
    const earliest = Math.min(lowestHigh, highestLow);
    const latest = Math.max(lowestHigh, highestLow);
    // The next job may fall a little outside what was seen; widen by 5% of the spread's ends.
    return { earliestMs: earliest * 0.95, latestMs: latest * 1.05 };
  }
  if (expectedDurationMs !== undefined) {
    return { earliestMs: expectedDurationMs * 0.85, latestMs: expectedDurationMs * 1.15 };
  }
  return undefined;
}

/** How the learned schedule spaces its polls. */
export interface LearnedSpacing {
  /**
   * Widest gap between two polls inside the window. The wait passes the interval its cold
   * backoff settles at on average, so learning never makes polls denser than not learning.
   */
  maxStepMs: number;
  /** Widest gap once the job has outlived the window. */
  maxOverrunStepMs: number;
  /**
   * Widest gap as a share of the job's age: the growth of cold backoff (`backoffFactor − 1`),
   * so a window too wide to say much is never polled more sparsely than backoff would.
   */
  maxStepShareOfAge: number;
}

/** Timers can fire a hair early; within this, a poll counts as on time. */
const ON_TIME_MS = 1;

/**
 * Where to poll next for a job `ageMs` old, given its window: one jump to the window's start,
 * then evenly spaced polls across it (a fifth of the window apart, at most `maxStepMs` and at
 * most `maxStepShareOfAge` of the job's age), since a job is as likely to end anywhere in it. A
 * job that outlives the window is polled at half its overrun (at least a step, at most
 * `maxOverrunStepMs`): backoff that starts from what was learned rather than from scratch.
 */
export function learnedDelay(
  ageMs: number,
  window: DurationWindow,
  spacing: LearnedSpacing,
): number {
  if (ageMs < window.earliestMs - ON_TIME_MS) return window.earliestMs - ageMs;
  let step = Math.min((window.latestMs - window.earliestMs) / 5, spacing.maxStepMs);
  if (spacing.maxStepShareOfAge > 0) step = Math.min(step, ageMs * spacing.maxStepShareOfAge);
  if (ageMs < window.latestMs - ON_TIME_MS) return Math.min(step, window.latestMs - ageMs);
  const overrun = Math.max(step, (ageMs - window.latestMs) / 2);
  return Math.min(overrun, Math.max(step, spacing.maxOverrunStepMs));
}

/** What a wait knows when a job ends, to learn its duration from. */
export interface Ending {
  /** `createdAt` and `completedAt` of the terminal status, in epoch ms, if the server gave them. */
  createdAt: number | undefined;
  completedAt: number | undefined;
  /** When the wait last saw the job pending, and when it took the job to have started. */
  lastPendingAt: number | undefined;
  jobStart: number | undefined;
  now: number;
}

/**
 * Records how long a finished job took: exactly, from the server's own createdAt and
 * completedAt; otherwise as the middle of the last pending answer and this one, the only span
 * it is known to have ended in, give or take half that span.
 */
export function learnDuration(model: DurationModel, kind: string, ending: Ending): void {
  if (ending.createdAt !== undefined && ending.completedAt !== undefined) {
    model.record(kind, ending.completedAt - ending.createdAt);
  } else if (ending.lastPendingAt !== undefined && ending.jobStart !== undefined) {
    const half = (ending.now - ending.lastPendingAt) / 2;
    model.record(kind, ending.lastPendingAt + half - ending.jobStart, half);
  }
}
