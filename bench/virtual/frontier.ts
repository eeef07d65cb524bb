import {
  checksAtDelay,
  gridFromCdf,
  optimalFrontier,
  type FrontierPoint,
} from "../../packages/client/src/internal/index.js";
import type { Summary } from "../stats.js";
import type { JobMix } from "./jobs.js";

/** Grid cells for the frontier: 2 s apart on 5–30 min, 0.2 ms on 2 s ±10%. */
const CELLS = 1_000;

/**
 * The optimal frontier of a mix, from the law its jobs are drawn from: the fewest checks a
 * schedule that knows that law can make at each mean delay (in ms; for a sized mix, as a share
 * of the length). Checks counted from the first after the job starts, as the dynamic
 * programme counts them.
 */
export function mixFrontier(mix: JobMix): FrontierPoint[] {
  const { law } = mix;
  const grid = gridFromCdf(
    law.cdf,
    law.start,
    law.end,
    CELLS,
    law.perSize ? (x) => 1 / x : undefined,
  );
  return optimalFrontier(grid, 64);
}

/**
 * The optimum's requests per job at a strategy's own mean delay: the frontier's checks, plus
 * one for the first request every waiter makes at the start, to learn what the server offers.
 */
export function optimumAt(mix: JobMix, frontier: readonly FrontierPoint[], s: Summary): number {
  const delay = mix.law.perSize ? s.meanDelayPct / 100 : s.meanDelayMs;
  return checksAtDelay(frontier, delay) + 1;
}
