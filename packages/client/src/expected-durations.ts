import type { StatusSnapshot } from "./types.js";

/** Expected durations kept from creation answers; past it, the oldest are forgotten. */
const MAX_REMEMBERED = 10_000;

/**
 * What creation answers said of their jobs' durations (ElevenLabs' `expected_duration_sec`),
 * kept for the waits on those jobs. Bounded: the oldest entry goes first.
 */
export class ExpectedDurations {
  readonly #byJob = new Map<string, number>();

  /** Keeps a creation's expected duration, if it gives one. */
  remember({ jobId, expectedDurationMs }: StatusSnapshot): void {
    if (jobId === undefined || expectedDurationMs === undefined) return;
    this.#byJob.delete(jobId);
    this.#byJob.set(jobId, expectedDurationMs);
    if (this.#byJob.size > MAX_REMEMBERED) {
      const [oldest] = this.#byJob.keys();
      if (oldest !== undefined) this.#byJob.delete(oldest);
    }
  }

  /** The expected duration of `jobId`'s creation, in ms, if it said one. */
  of(jobId: string | undefined): number | undefined {
    return jobId === undefined ? undefined : this.#byJob.get(jobId);
  }
}
