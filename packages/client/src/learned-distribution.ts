import type { LengthGrid } from "./optimal-checking.js";

/**
 * Cells of a learned distribution's grid: fine enough that checks land within a fraction of a
 * percent of the span, few enough that a plan (24 dynamic programmes of 160²/2 steps) costs
 * about a millisecond.
 */
export const LEARNED_CELLS = 160;

/**
 * The distribution of a kind's lengths from samples each known to lie in
 * `center ± halfWidth`, on a grid: a kernel density estimate with a uniform kernel. A precise
 * sample is spread evenly over a kernel's width around it (a few dozen samples do not tell
 * the next job's length to the millisecond). A coarse one, known only within a wider span
 * (a job that ended before the first planned poll: somewhere in [0, that poll]), is spread
 * over its span where the precise samples put lengths (one step of the self-consistency
 * algorithm of Turnbull, 1976), and up to a kernel width beyond them, so it neither widens
 * much what they pinned down nor drags checks into its span's empty ends. A kernel of 0.8 × the rule-of-thumb bandwidth measured closer to
 * the target delay on fresh jobs than sharper ones, which fit the samples and miss the next job.
 */
export function learnedGrid(
  centers: readonly number[],
  halfWidths: readonly number[],
  cells = LEARNED_CELLS,
): LengthGrid | undefined {
  const n = centers.length;
  if (n === 0) return undefined;
  const bandwidth = kernelHalfWidth(centers);
  const spans = centers.map((center, i) => {
    const half = Math.max(halfWidths[i] ?? 0, bandwidth);
    return { low: Math.max(0, center - half), high: center + half, coarse: half > bandwidth };
  });
  const precise = spans.filter((span) => !span.coarse);
  // The grid covers the precise samples, and a coarse one only where none of them lies.
  const base = precise.length > 0 ? precise : spans;
  const reach = precise.length > 0 && precise.length < n ? bandwidth : 0;
  let start = Math.max(0, Math.min(...base.map((span) => span.low)) - reach);
  let end = Math.max(...base.map((span) => span.high)) + reach;
  for (const span of spans) {
    if (span.high < start || span.low > end) {
      start = Math.min(start, span.low);
      end = Math.max(end, span.high);
    }
  }
  if (!(end > start)) return undefined;
  const stepMs = (end - start) / cells;
  const cover = (span: { low: number; high: number }) => {
    const low = Math.max(span.low, start);
    const high = Math.min(span.high, end);
    const first = Math.min(cells - 1, Math.max(0, Math.floor((low - start) / stepMs)));
    const last = Math.min(cells - 1, Math.max(first, Math.ceil((high - start) / stepMs) - 1));
    const shares = new Float64Array(last - first + 1);
    for (let j = first; j <= last; j++) {
      const cellStart = start + j * stepMs;
      shares[j - first] = Math.max(
        0,
        Math.min(high, cellStart + stepMs) - Math.max(low, cellStart),
      );
    }
    return { first, shares };
  };
  const prior = new Float64Array(cells);
  for (const span of precise) {
    const { first, shares } = cover(span);
    spread(prior, first, shares, undefined, 1);
  }
  if (precise.length > 0 && precise.length < n) {
    // Beyond the precise samples, by a kernel width, at their average density: a job that
    // ended before the first poll may have ended earlier than any seen, and only checks placed
    // there can tell.
    const low = Math.min(...precise.map((span) => span.low));
    const high = Math.max(...precise.map((span) => span.high));
    const inside = cover({ low, high });
    const average = precise.length / inside.shares.length;
    for (const zone of [
      { low: low - reach, high: low },
      { low: high, high: high + reach },
    ]) {
      const { first, shares } = cover(zone);
      shares.forEach((share, k) => {
        if (share > 0 && prior[first + k] === 0) prior[first + k] = (average * share) / stepMs;
      });
    }
  }
  const mass = new Float64Array(cells);
  for (const span of spans) {
    const { first, shares } = cover(span);
    spread(mass, first, shares, span.coarse ? prior : undefined, 1 / n);
  }
  return { startMs: start, stepMs, mass };
}

/** Adds `total` to `into` over one sample's cells, in proportion to `cover × prior`. */
function spread(
  into: Float64Array,
  first: number,
  cover: Float64Array,
  prior: Float64Array | undefined,
  total: number,
): void {
  let sum = 0;
  for (let k = 0; k < cover.length; k++) sum += cover[k]! * (prior ? prior[first + k]! : 1);
  if (sum <= 0) {
    // No precise sample lies in this span: keep it as it is.
    prior = undefined;
    sum = 0;
    for (let k = 0; k < cover.length; k++) sum += cover[k]!;
    if (sum <= 0) return;
  }
  for (let k = 0; k < cover.length; k++) {
    into[first + k] =
      into[first + k]! + (total * cover[k]! * (prior ? prior[first + k]! : 1)) / sum;
  }
}

/**
 * Half-width of the span each sample gets at least: 0.8 × a rule-of-thumb bandwidth
 * (spread × n^−1/5, the spread robust to outliers), and at least 0.5% of the median.
 */
function kernelHalfWidth(centers: readonly number[]): number {
  const sorted = [...centers].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const median = at(0.5);
  const spread = (at(0.75) - at(0.25)) / 1.35;
  return Math.max(0.8 * spread * sorted.length ** -0.2, 0.005 * median);
}
