import { describe, expect, it } from "vitest";
import {
  checksAtDelay,
  gridFromCdf,
  optimalFrontier,
  optimalPlan,
  planForDelay,
} from "../src/optimal-checking.js";

/** Lengths uniform on [0, L]: the case the optimal checking schedule solves by hand. */
const L = 100_000;
const uniform = (cells: number) => gridFromCdf((t) => Math.min(1, Math.max(0, t / L)), 0, L, cells);

describe("optimalPlan", () => {
  it("matches the closed form for uniform lengths", () => {
    // T uniform on [0, L], checks x_1 < … < x_n = L, gaps δ_k = x_k − x_{k−1} (x_0 = 0), one
    // unit per check, λ per ms of delay. Check k happens when T > x_{k−1}, so
    //   E[checks] = Σ_k (L − x_{k−1}) / L,   E[delay] = Σ_k δ_k² / (2L).
    // Setting the derivative in x_j to zero: −1/L + λ(δ_j − δ_{j+1})/L = 0, so every gap is
    // 1/λ shorter than the one before. With Σ δ_k = L, δ_1 = L/n + (n − 1)/(2λ), and the last
    // gap stays positive while n(n − 1) < 2λL. For L = 100 s and λ = 0.1 per s, 2λL = 20:
    // n = 4 gives gaps 40, 30, 20, 10 s (n = 5 adds a gap of 0), so checks at 40, 70, 90 and
    // 100 s; E[checks] = (100 + 60 + 30 + 10) / 100 = 2 and E[delay] = (40² + 30² + 20² +
    // 10²) / 200 = 15 s, a cost of 3.5. n = 3 costs 1.8 + 1.77 = 3.57.
    const plan = optimalPlan(uniform(200), 0.1 / 1_000);
    expect(plan.checksMs).toEqual([40_000, 70_000, 90_000, 100_000]);
    expect(plan.expectedChecks).toBeCloseTo(2, 9);
    expect(plan.expectedDelayMs).toBeCloseTo(15_000, 6);
  });

  it("checks once, at the end, when delay is nearly free", () => {
    const plan = optimalPlan(uniform(100), 1e-9);
    expect(plan.checksMs).toEqual([L]);
    expect(plan.expectedDelayMs).toBeCloseTo(L / 2, 6);
  });
});

describe("planForDelay", () => {
  it("finds the cheapest plan that meets a delay target", () => {
    const plan = planForDelay(uniform(200), 15_000);
    expect(plan.expectedDelayMs).toBeLessThanOrEqual(15_000);
    expect(plan.expectedChecks).toBeCloseTo(2, 1);
  });
});

describe("optimalFrontier", () => {
  it("falls as delay grows, and every plan lies on or above it", () => {
    const grid = uniform(200);
    const frontier = optimalFrontier(grid);
    for (let i = 1; i < frontier.length; i++) {
      expect(frontier[i]!.delay).toBeGreaterThan(frontier[i - 1]!.delay);
      expect(frontier[i]!.checks).toBeLessThan(frontier[i - 1]!.checks);
    }
    // Evenly spaced checks every 10 s: 5.5 checks, 5 s late on average; the optimum does better.
    expect(checksAtDelay(frontier, 5_000)).toBeLessThan(5.5);
    expect(checksAtDelay(frontier, 15_000)).toBeCloseTo(2, 1);
  });
});
