/** What `exportModel()` returns and `importModel()` takes: plain JSON, safe to store anywhere. */
export interface DurationModelSnapshot {
  version: 1;
  /** Recent job durations in ms, per kind, oldest first. */
  kinds: Record<string, number[]>;
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
  readonly #kinds = new Map<string, number[]>();
  readonly #maxSamples: number;
  readonly #maxKinds: number;

  constructor(options: DurationModelOptions = {}) {
    this.#maxSamples = options.maxSamplesPerKind ?? 50;
    this.#maxKinds = options.maxKinds ?? 100;
  }

  record(kind: string, durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) return;
    const samples = this.#kinds.get(kind) ?? [];
    samples.push(durationMs);
    if (samples.length > this.#maxSamples) samples.splice(0, samples.length - this.#maxSamples);
    this.#touch(kind, samples);
  }

  /** The durations remembered for `kind`, oldest first. */
  samples(kind: string): readonly number[] {
    return this.#kinds.get(kind) ?? [];
  }

  export(): DurationModelSnapshot {
    return { version: 1, kinds: Object.fromEntries([...this.#kinds].map(([k, v]) => [k, [...v]])) };
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
    for (const [kind, samples] of Object.entries(snapshot.kinds)) {
      if (!Array.isArray(samples) || !samples.every((s) => typeof s === "number" && s >= 0)) {
        throw new TypeError(
          `importModel(): kind ${JSON.stringify(kind)} must hold non-negative numbers`,
        );
      }
      for (const sample of samples) this.record(kind, sample);
    }
  }

  #touch(kind: string, samples: number[]): void {
    this.#kinds.delete(kind);
    this.#kinds.set(kind, samples);
    if (this.#kinds.size > this.#maxKinds) {
      const oldest = this.#kinds.keys().next().value;
      if (oldest !== undefined) this.#kinds.delete(oldest);
    }
  }
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
 */
export function durationWindow(
  samples: readonly number[],
  expectedDurationMs: number | undefined,
): DurationWindow | undefined {
  if (samples.length >= MIN_LEARNED_SAMPLES) {
    const earliest = Math.min(...samples);
    const latest = Math.max(...samples);
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
 * it is known to have ended in.
 */
export function learnDuration(model: DurationModel, kind: string, ending: Ending): void {
  if (ending.createdAt !== undefined && ending.completedAt !== undefined) {
    model.record(kind, ending.completedAt - ending.createdAt);
  } else if (ending.lastPendingAt !== undefined && ending.jobStart !== undefined) {
    model.record(kind, (ending.lastPendingAt + ending.now) / 2 - ending.jobStart);
  }
}
