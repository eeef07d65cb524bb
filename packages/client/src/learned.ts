/** What `exportModel()` returns and `importModel()` takes: plain JSON, safe to store anywhere. */
export interface DurationModelSnapshot {
  /** 2 since sizes are kept; a version 1 snapshot (no sizes) still imports. */
  version: 1 | 2;
  /** Recent job durations in ms, per kind, oldest first. */
  kinds: Record<string, number[]>;
  /**
   * How far each duration may be off, in ms, per kind, in the same order: half the span between
   * the last pending answer and the terminal one when the server gave no timestamps. Absent or 0
   * for exact durations.
   */
  uncertaintyMs?: Record<string, number[]>;
  /**
   * Each job's size (the `size` option of its wait), per kind, in the same order; 0 where the
   * wait gave none. Absent in version 1.
   */
  sizes?: Record<string, number[]>;
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
   * server said exactly), and had `size` (0 or absent: unknown). Invalid numbers are ignored.
   */
  record(kind: string, durationMs: number, uncertaintyMs = 0, size = 0): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) return;
    if (!Number.isFinite(uncertaintyMs) || uncertaintyMs < 0) return;
    if (!Number.isFinite(size) || size < 0) return;
    const samples: Samples = this.#kinds.get(kind) ?? {
      durations: [],
      uncertainties: [],
      sizes: [],
      plans: new Map(),
    };
    samples.durations.push(durationMs);
    samples.uncertainties.push(uncertaintyMs);
    samples.sizes.push(size);
    const excess = samples.durations.length - this.#maxSamples;
    if (excess > 0) {
      samples.durations.splice(0, excess);
      samples.uncertainties.splice(0, excess);
      samples.sizes.splice(0, excess);
    }
    samples.plans.clear();
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

  /** The size of each of `samples(kind)`, in the same order; 0 where it was not given. */
  sizes(kind: string): readonly number[] {
    return this.#kinds.get(kind)?.sizes ?? [];
  }

  /**
   * Plans computed from this kind's samples, kept until it learns a new one: the schedule's
   * cache, so a plan is computed once per kind and reused by every poll and every wait.
   */
  plans(kind: string): Map<string, unknown> | undefined {
    return this.#kinds.get(kind)?.plans;
  }

  export(): DurationModelSnapshot {
    const entries = [...this.#kinds];
    return {
      version: 2,
      kinds: Object.fromEntries(entries.map(([k, v]) => [k, [...v.durations]])),
      uncertaintyMs: Object.fromEntries(entries.map(([k, v]) => [k, [...v.uncertainties]])),
      sizes: Object.fromEntries(entries.map(([k, v]) => [k, [...v.sizes]])),
    };
  }

  /** Merges a snapshot in (its samples after the ones already known). Throws TypeError if malformed. */
  import(snapshot: DurationModelSnapshot): void {
    if (
      typeof snapshot !== "object" ||
      snapshot === null ||
      (snapshot.version !== 1 && snapshot.version !== 2) ||
      typeof snapshot.kinds !== "object" ||
      snapshot.kinds === null
    ) {
      throw new TypeError(
        "importModel() expects { version: 1 or 2, kinds: { [kind]: number[] }, ... }",
      );
    }
    const uncertainty = optionalRecord(snapshot.uncertaintyMs, "uncertaintyMs");
    const sizes = optionalRecord(snapshot.version === 1 ? undefined : snapshot.sizes, "sizes");
    const checked: [string, number[], number[], number[]][] = [];
    for (const [kind, samples] of Object.entries(snapshot.kinds)) {
      const spreads = uncertainty[kind] ?? samples.map(() => 0);
      const sized = sizes[kind] ?? samples.map(() => 0);
      if (![samples, spreads, sized].every(isNonNegativeNumbers)) {
        throw new TypeError(
          `importModel(): kind ${JSON.stringify(kind)} must hold non-negative numbers`,
        );
      }
      if (spreads.length !== samples.length || sized.length !== samples.length) {
        throw new TypeError(
          `importModel(): kind ${JSON.stringify(kind)} needs one uncertainty and one size per duration`,
        );
      }
      checked.push([kind, samples, spreads as number[], sized as number[]]);
    }
    // Checked whole before any is recorded, so a bad snapshot changes nothing.
    for (const [kind, samples, spreads, sized] of checked) {
      samples.forEach((sample, i) => this.record(kind, sample, spreads[i], sized[i]));
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

/** One kind's durations, uncertainties and sizes, in parallel arrays: no object per sample. */
interface Samples {
  durations: number[];
  uncertainties: number[];
  sizes: number[];
  /** What the schedule computed from these samples; cleared by every new one. */
  plans: Map<string, unknown>;
}

function isNonNegativeNumbers(value: unknown): value is number[] {
  return (
    Array.isArray(value) &&
    value.every((s) => typeof s === "number" && Number.isFinite(s) && s >= 0)
  );
}

function optionalRecord(value: unknown, name: string): Record<string, unknown[] | undefined> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null) {
    throw new TypeError(`importModel(): ${name} must be { [kind]: number[] }`);
  }
  return value as Record<string, unknown[] | undefined>;
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
  /** The job's size, if the wait was given one. */
  size?: number | undefined;
}

/**
 * Records how long a finished job took: exactly, from the server's own createdAt and
 * completedAt; otherwise as the middle of the last pending answer and this one, the only span
 * it is known to have ended in, give or take half that span.
 */
export function learnDuration(model: DurationModel, kind: string, ending: Ending): void {
  if (ending.createdAt !== undefined && ending.completedAt !== undefined) {
    model.record(kind, ending.completedAt - ending.createdAt, 0, ending.size);
  } else if (ending.lastPendingAt !== undefined && ending.jobStart !== undefined) {
    const half = (ending.now - ending.lastPendingAt) / 2;
    model.record(kind, ending.lastPendingAt + half - ending.jobStart, half, ending.size);
  }
}
