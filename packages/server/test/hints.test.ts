import { describe, expect, it } from "vitest";
import { MIN_POLL_HINT_MS, pollHintMs, retryAfterSeconds } from "../src/index.js";
import { deriveState } from "../src/jobs/derive.js";
import { estimateTimes } from "../src/jobs/estimate.js";
import { mulberry32 } from "../src/jobs/random.js";
import type { JobRecord } from "../src/jobs/record.js";

const hint = (remaining: number, etaError: number, elapsed = 0, progress = 0) =>
  pollHintMs({
    now: 1_000_000 + elapsed,
    createdAt: 1_000_000,
    estimatedCompletionAt: 1_000_000 + elapsed + remaining,
    etaError,
    progress,
  });

describe("pollHintMs", () => {
  it("comes back at the start of a wide window: R / (1 + E)", () => {
    expect(hint(12_000, 0.2)).toBe(10_000);
    expect(hint(6_000, 0.5, 4_000)).toBe(4_000);
    expect(hint(1_000, 0.2, 1_000)).toBe(833);
  });

  it("trusts the estimate more as the job advances: the bound is E·(1 − progress)", () => {
    // Half done: e = 0.1, window [10 909, 13 333], still wide.
    expect(hint(12_000, 0.2, 12_000, 0.5)).toBe(10_909);
    // 99% done: e = 0.002, window of 1.6 ms on 400: narrow, come just after it.
    expect(hint(400, 0.2, 39_600, 0.99)).toBe(411);
  });

  it("comes just after the end of a narrow window: R / (1 - E) + 10", () => {
    // Exact estimate: a window of width 0.
    expect(hint(5_000, 0)).toBe(5_010);
    // Width 0.4167·R = 41.7 <= max(50, 1% of 100 100 ms).
    expect(hint(100, 0.2, 100_000)).toBe(135);
    // Width 41.7 <= 50, the floor of the tolerance.
    expect(hint(100, 0.2)).toBe(135);
  });

  it("switches where the window reaches the tolerance, max(50, 1% of the total)", () => {
    // E = 0.2: width = R · (1/0.8 - 1/1.2) = R · 5/12, so the switch is at R = 120 for 50 ms...
    expect(hint(120, 0.2)).toBe(160);
    expect(hint(121, 0.2)).toBe(101);
    // ...and at R = 1 200 when the total is 50 000 ms (tolerance 500).
    expect(hint(1_200, 0.2, 48_800)).toBe(1_510);
    expect(hint(1_210, 0.2, 48_790)).toBe(1_008);
  });

  it("is never below 50 ms, and always a whole number", () => {
    expect(hint(0, 0.2)).toBe(MIN_POLL_HINT_MS);
    expect(hint(0, 0)).toBe(50);
    expect(hint(20, 0)).toBe(50);
    expect(hint(-5_000, 0.3)).toBe(50);
    const random = mulberry32(9);
    for (let i = 0; i < 1_000; i++) {
      const value = hint(random() * 100_000, random() * 0.99, random() * 100_000);
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(50);
    }
  });

  it("guides a client to the end in a few polls, never early while the window is wide", () => {
    const random = mulberry32(17);
    for (let run = 0; run < 300; run++) {
      const job: JobRecord = {
        id: "job_x",
        createdAt: 0,
        pendingDurationMs: 200 + Math.floor(random() * 600_000),
        outcome: "completed",
        etaError: random() * 0.5,
        etaBias: random() * 2 - 1,
        metadata: {},
      };
      const end = job.pendingDurationMs;
      let now = 0;
      let polls = 0;
      while (deriveState(job, now).status === "pending") {
        const { estimatedCompletionAt } = estimateTimes(job, now);
        const { progress } = deriveState(job, now);
        const next = pollHintMs({
          now,
          createdAt: 0,
          estimatedCompletionAt,
          etaError: job.etaError,
          progress,
        });
        const error = job.etaError * (1 - progress);
        const lower = Math.max(0, estimatedCompletionAt - now) / (1 + error);
        // The lower bound of the window never passes the true end (give or take rounding).
        if (next <= Math.round(lower) && next > 50) expect(now + next).toBeLessThanOrEqual(end + 1);
        now += next;
        polls++;
      }
      const tolerance = Math.max(50, 0.01 * end);
      expect(now - end).toBeLessThanOrEqual(tolerance + 12);
      expect(polls).toBeLessThanOrEqual(20);
    }
  });
});

describe("retryAfterSeconds", () => {
  it("rounds up to whole seconds, at least 1", () => {
    expect(retryAfterSeconds(50)).toBe(1);
    expect(retryAfterSeconds(1_000)).toBe(1);
    expect(retryAfterSeconds(1_001)).toBe(2);
    expect(retryAfterSeconds(9_167)).toBe(10);
    expect(retryAfterSeconds(0)).toBe(1);
  });
});
