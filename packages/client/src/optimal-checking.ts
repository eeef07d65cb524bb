/**
 * The optimal checking schedule (Barlow, Hunter & Proschan, "Optimum checking procedures",
 * 1963): given how long jobs take, the check times that minimise
 * E[checks] + λ·E[delay], solved as a dynamic programme on a time grid.
 */

/**
 * Job lengths on a grid: `mass[i]` is the chance a job ends in cell
 * `[startMs + i·stepMs, startMs + (i + 1)·stepMs)`, spread evenly inside it. No job ends
 * before `startMs`. `weight[i]`, if given, scales the cost of a second of delay for a job
 * ending in that cell (`1 / length` prices delay as a share of the job's length).
 */
export interface LengthGrid {
  startMs: number;
  stepMs: number;
  mass: Float64Array;
  weight?: Float64Array | undefined;
}

/** One schedule of checks and what it costs on average. */
export interface CheckingPlan {
  /** Check times, in ms since the job started, rising; the last one ends the grid. */
  checksMs: number[];
  /** Mean checks made, from the first after `startMs` to the one that sees the job ended. */
  expectedChecks: number;
  /** Mean delay between the job's end and the check that sees it, in ms. */
  expectedDelayMs: number;
  /** Mean delay weighted as the grid says (equal to `expectedDelayMs` without weights). */
  expectedWeightedDelay: number;
}

/**
 * The schedule that minimises E[checks] + `lambdaPerMs`·E[weighted delay] for a job still
 * running at `grid.startMs`, checks on grid points. With S(t) the chance the job is still
 * running at t, the cost still to come from a check at t, times S(t), is
 *
 *   W(t) = min over s > t of [ S(t) + λ·E[(s − T)·1{t < T ≤ s}] + W(s) ],  W(end) = 0,
 *
 * the V(t) = W(t) / S(t) without the divisions. O(cells²) time, O(cells) memory.
 */
export function optimalPlan(grid: LengthGrid, lambdaPerMs: number): CheckingPlan {
  const { mass, weight, startMs, stepMs } = grid;
  const n = mass.length;
  // Prefix sums over cells: mass, weighted mass, weighted mass × cell middle.
  const ended = new Float64Array(n + 1);
  const pw = new Float64Array(n + 1);
  const pwm = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const w = weight ? weight[i]! : 1;
    const middle = startMs + (i + 0.5) * stepMs;
    ended[i + 1] = ended[i]! + mass[i]!;
    pw[i + 1] = pw[i]! + mass[i]! * w;
    pwm[i + 1] = pwm[i]! + mass[i]! * w * middle;
  }
  const total = ended[n]!;
  const cost = new Float64Array(n + 1);
  const next = new Int32Array(n + 1);
  for (let a = n - 1; a >= 0; a--) {
    const survival = total - ended[a]!;
    let best = Infinity;
    let bestB = n;
    for (let b = a + 1; b <= n; b++) {
      const at = startMs + b * stepMs;
      const delay = at * (pw[b]! - pw[a]!) - (pwm[b]! - pwm[a]!);
      const c = survival + lambdaPerMs * delay + cost[b]!;
      if (c < best) {
        best = c;
        bestB = b;
      }
    }
    cost[a] = best;
    next[a] = bestB;
  }
  const checksMs: number[] = [];
  let expectedChecks = 0;
  let weighted = 0;
  let plain = 0;
  for (let a = 0; a < n;) {
    const b = next[a]!;
    const at = startMs + b * stepMs;
    expectedChecks += total - ended[a]!;
    weighted += at * (pw[b]! - pw[a]!) - (pwm[b]! - pwm[a]!);
    for (let i = a; i < b; i++) plain += mass[i]! * (at - (startMs + (i + 0.5) * stepMs));
    checksMs.push(at);
    a = b;
  }
  const norm = total > 0 ? total : 1;
  return {
    checksMs,
    expectedChecks: expectedChecks / norm,
    expectedDelayMs: plain / norm,
    expectedWeightedDelay: weighted / norm,
  };
}

/**
 * The cheapest optimal plan whose mean weighted delay is at most `targetDelay`: λ found by
 * bisection on its logarithm, since the delay only falls as λ grows.
 */
export function planForDelay(grid: LengthGrid, targetDelay: number, iterations = 14): CheckingPlan {
  // λ in "checks per step of delay": 1e-4 spaces checks far beyond any grid, 1e4 checks every cell.
  let low = Math.log(1e-4 / grid.stepMs);
  let high = Math.log(1e4 / grid.stepMs);
  let best = optimalPlan(grid, Math.exp(high));
  if (best.expectedWeightedDelay > targetDelay) return best;
  for (let i = 0; i < iterations; i++) {
    const middle = (low + high) / 2;
    const plan = optimalPlan(grid, Math.exp(middle));
    if (plan.expectedWeightedDelay <= targetDelay) {
      best = plan;
      high = middle;
    } else {
      low = middle;
    }
  }
  return best;
}

/** A point of the frontier: the fewest checks possible at this mean delay. */
export interface FrontierPoint {
  checks: number;
  delay: number;
}

/**
 * The optimal frontier, E[checks] against E[weighted delay], from a sweep of λ; its lower
 * convex hull, since alternating two schedules reaches any point between them.
 */
export function optimalFrontier(grid: LengthGrid, points = 48): FrontierPoint[] {
  const raw: FrontierPoint[] = [];
  const low = Math.log(1e-5 / grid.stepMs);
  const high = Math.log(1e3 / grid.stepMs);
  for (let i = 0; i < points; i++) {
    const plan = optimalPlan(grid, Math.exp(low + ((high - low) * i) / (points - 1)));
    raw.push({ checks: plan.expectedChecks, delay: plan.expectedWeightedDelay });
  }
  raw.sort((a, b) => a.delay - b.delay || a.checks - b.checks);
  const hull: FrontierPoint[] = [];
  for (const p of raw) {
    if (hull.length > 0 && p.checks >= hull[hull.length - 1]!.checks) continue;
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!;
      const b = hull[hull.length - 1]!;
      // Drop b if it lies on or above the segment a–p.
      const cross =
        (b.delay - a.delay) * (p.checks - a.checks) - (b.checks - a.checks) * (p.delay - a.delay);
      if (cross <= 0) hull.pop();
      else break;
    }
    hull.push(p);
  }
  return hull;
}

/** The frontier's fewest checks at mean delay `delay` (linear between its points). */
export function checksAtDelay(frontier: readonly FrontierPoint[], delay: number): number {
  if (frontier.length === 0) return Number.NaN;
  if (delay <= frontier[0]!.delay) return frontier[0]!.checks;
  for (let i = 1; i < frontier.length; i++) {
    const b = frontier[i]!;
    if (delay <= b.delay) {
      const a = frontier[i - 1]!;
      return a.checks + ((b.checks - a.checks) * (delay - a.delay)) / (b.delay - a.delay);
    }
  }
  return frontier[frontier.length - 1]!.checks;
}

/**
 * A grid of `cells` cells over [`startMs`, `endMs`] from a cumulative distribution function,
 * optionally pricing delay as a share of the length (`weight(t) = 1 / t`).
 */
export function gridFromCdf(
  cdf: (ms: number) => number,
  startMs: number,
  endMs: number,
  cells: number,
  weight?: (ms: number) => number,
): LengthGrid {
  const stepMs = (endMs - startMs) / cells;
  const mass = new Float64Array(cells);
  for (let i = 0; i < cells; i++) {
    mass[i] = cdf(startMs + (i + 1) * stepMs) - cdf(startMs + i * stepMs);
  }
  const grid: LengthGrid = { startMs, stepMs, mass };
  if (weight) {
    grid.weight = new Float64Array(cells);
    for (let i = 0; i < cells; i++) grid.weight[i] = weight(startMs + (i + 0.5) * stepMs);
  }
  return grid;
}
