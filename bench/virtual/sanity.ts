import { AWS_WAITER, HEYGEN_CLI, ORIGINAL } from "./peers.js";
import type { MixResult } from "./run-virtual.js";

/** The peers on a 15-minute job, as measured from their own source code (see the README). */
export const SOURCE_FIGURES_15_MIN = [
  { peer: ORIGINAL, requests: 15, delayMs: 263_000 },
  { peer: AWS_WAITER, requests: 14.5, delayMs: 61_000 },
  { peer: HEYGEN_CLI, requests: 34.5, delayMs: 15_500 },
  { peer: "fixed 5 s", requests: 181, delayMs: 2_500 },
] as const;

export interface SanityRow {
  peer: string;
  sourceRequests: number;
  requests: number;
  sourceDelayMs: number;
  delayMs: number;
  agrees: boolean;
}

/** Our simulated peers on the 15 min ±10% mix against the figures from their source. */
export function checkPeers(mix15: MixResult): SanityRow[] {
  return SOURCE_FIGURES_15_MIN.map((source) => {
    const row = mix15.rows.find((r) => r.strategy === source.peer);
    if (!row) throw new Error(`No ${source.peer} row`);
    const { meanRequests, meanDelayMs } = row.summary;
    const agrees =
      Math.abs(meanRequests - source.requests) <= 0.05 * source.requests &&
      Math.abs(meanDelayMs - source.delayMs) <= Math.max(0.1 * source.delayMs, 1_000);
    return {
      peer: source.peer,
      sourceRequests: source.requests,
      requests: meanRequests,
      sourceDelayMs: source.delayMs,
      delayMs: meanDelayMs,
      agrees,
    };
  });
}
