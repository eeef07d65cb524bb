import type { FaultKind } from "./kinds.js";
import type { LatencyRange } from "./latency.js";

/** How a request may be faulted: the server's settings, or a job's overrides of them. */
export interface FaultSettings {
  /** Share of requests, 0..1, answered with a fault instead of the truth. */
  rate: number;
  /** Faults to pick from, uniformly; never empty. */
  kinds: readonly FaultKind[];
  latency: LatencyRange;
}

/** What `POST /jobs` may set for the requests about that job; each field wins when present. */
export interface FaultOverrides {
  rate?: number;
  kinds?: FaultKind[];
  latency?: LatencyRange;
}

/** The server's settings with a job's overrides applied. */
export function withOverrides(
  server: FaultSettings,
  job: FaultOverrides | undefined,
): FaultSettings {
  if (job === undefined) return server;
  return {
    rate: job.rate ?? server.rate,
    kinds: job.kinds ?? server.kinds,
    latency: job.latency ?? server.latency,
  };
}

/**
 * The fault for one request, or undefined for the truth. Every request takes exactly two draws
 * in [0, 1), whatever the settings, so the n-th request's fate depends only on the seed and n.
 *
 * @example
 * decideFault({ rate: 0.5, kinds: ["500", "hang"], latency }, [0.2, 0.7]); // "hang"
 */
export function decideFault(
  { rate, kinds }: Pick<FaultSettings, "rate" | "kinds">,
  [fires, which]: readonly [number, number],
): FaultKind | undefined {
  if (!(fires < rate) || kinds.length === 0) return undefined;
  return kinds[Math.min(Math.max(Math.floor(which * kinds.length), 0), kinds.length - 1)];
}
