import { describe, expect, it } from "vitest";
import { deriveState } from "../src/jobs/derive.js";
import type { JobRecord } from "../src/jobs/record.js";

const base: JobRecord = {
  id: "job_a",
  createdAt: 1_000,
  pendingDurationMs: 4_000,
  outcome: "error",
  failure: { code: "translation_failed", message: "m" },
  etaError: 0.2,
  etaBias: 0.5,
  metadata: {},
};

describe("deriveState", () => {
  it("is pending with linear progress until createdAt + duration", () => {
    expect(deriveState(base, 1_000)).toEqual({ status: "pending", progress: 0, updatedAt: 1_000 });
    expect(deriveState(base, 2_000)).toEqual({
      status: "pending",
      progress: 0.25,
      updatedAt: 1_000,
    });
    expect(deriveState(base, 4_999).progress).toBe(0.9997);
  });

  it("reaches the drawn outcome exactly at the finish moment", () => {
    expect(deriveState(base, 5_000)).toEqual({ status: "error", progress: 1, updatedAt: 5_000 });
    expect(deriveState({ ...base, outcome: "completed" }, 9_999)).toEqual({
      status: "completed",
      progress: 1,
      updatedAt: 5_000,
    });
  });

  it("freezes a cancelled job at the cancel moment", () => {
    const cancelled = { ...base, cancelledAt: 3_000 };
    expect(deriveState(cancelled, 3_000)).toEqual({
      status: "cancelled",
      progress: 0.5,
      updatedAt: 3_000,
    });
    expect(deriveState(cancelled, 100_000)).toEqual(deriveState(cancelled, 3_000));
  });

  it("is terminal at once for a zero duration and reads 0 for a clock before creation", () => {
    expect(deriveState({ ...base, pendingDurationMs: 0 }, 1_000).status).toBe("error");
    expect(deriveState(base, 0)).toEqual({ status: "pending", progress: 0, updatedAt: 1_000 });
  });
});
