import { describe, expect, it } from "vitest";
import { nextDelay, type ScheduleInput, type ScheduleOptions } from "@translation-status/client";

const options: ScheduleOptions = {
  initialIntervalMs: 1_000,
  backoffFactor: 2,
  maxBackoffMs: 30_000,
  maxIntervalMs: 600_000,
  minIntervalMs: 100,
  jitter: 0.5,
  pollIntervalMs: undefined,
};
const half = () => 0.5;
const input = (extra: Partial<ScheduleInput>): ScheduleInput => ({
  backoffAttempt: 1,
  remainingMs: 3_600_000,
  failed: false,
  ...extra,
});

describe("nextDelay: order of authority", () => {
  const everything = {
    pollAfterMs: 4_000,
    retryAfterMs: 5_000,
    estimatedRemainingMs: 6_000,
    learnedDelayMs: 7_000,
  };

  it("takes the caller's fixed interval over every server hint", () => {
    const explicit = { ...options, pollIntervalMs: 2_500 };
    expect(nextDelay(input(everything), explicit, half)).toEqual({
      delayMs: 2_500,
      source: "explicit",
    });
  });

  it("then Poll-After-Ms, Retry-After, the estimate, the learned schedule, and backoff", () => {
    const cases: Array<[Partial<ScheduleInput>, number, string]> = [
      [everything, 4_000, "poll-after"],
      [{ ...everything, pollAfterMs: undefined }, 5_000, "retry-after"],
      [{ estimatedRemainingMs: 6_000, learnedDelayMs: 7_000 }, 6_030, "estimate"],
      [{ learnedDelayMs: 7_000 }, 7_000, "learned"],
      [{}, 750, "backoff"],
    ];
    for (const [extra, delayMs, source] of cases) {
      expect(nextDelay(input(extra), options, half)).toEqual({ delayMs, source });
    }
  });

  it("adds no jitter to a hint, whatever the random source says", () => {
    for (const random of [() => 0, () => 0.99]) {
      expect(nextDelay(input({ pollAfterMs: 4_000 }), options, random).delayMs).toBe(4_000);
    }
  });

  it("after a failure, heeds only Retry-After or backoff, never the old hints", () => {
    const failed = input({ ...everything, failed: true });
    expect(nextDelay(failed, options, half)).toEqual({ delayMs: 5_000, source: "retry-after" });
    const noRetryAfter = input({ ...everything, failed: true, retryAfterMs: undefined });
    expect(nextDelay(noRetryAfter, { ...options, pollIntervalMs: 10 }, half).source).toBe(
      "backoff",
    );
  });

  it("polls just after the estimated completion, and falls back once it has passed", () => {
    expect(nextDelay(input({ estimatedRemainingMs: 100_000 }), options, half)).toEqual({
      delayMs: 100_500,
      source: "estimate",
    });
    expect(nextDelay(input({ estimatedRemainingMs: -5 }), options, half).source).toBe("backoff");
  });
});

describe("nextDelay: bounds", () => {
  it("caps every hint at maxIntervalMs", () => {
    const huge = input({ retryAfterMs: 86_400_000 });
    expect(nextDelay(huge, options, half)).toEqual({ delayMs: 600_000, source: "retry-after" });
  });

  it("raises every delay to minIntervalMs, so a zero hint cannot make a tight loop", () => {
    expect(nextDelay(input({ pollAfterMs: 0 }), options, half).delayMs).toBe(100);
  });

  it("caps computed backoff at maxBackoffMs", () => {
    const late = input({ backoffAttempt: 30 });
    const delay = nextDelay(late, options, () => 0);
    expect(delay).toEqual({ delayMs: 30_000, source: "backoff" });
  });

  it("clamps to the time left, so the last poll lands on the deadline", () => {
    expect(nextDelay(input({ pollAfterMs: 9_000, remainingMs: 2_000 }), options, half)).toEqual({
      delayMs: 2_000,
      source: "deadline",
    });
  });
});
