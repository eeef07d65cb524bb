import { describe, expect, it } from "vitest";
import type { JobView } from "../src/index.js";
import { drawEtaBias, estimatedTotalMs, estimateTimes } from "../src/jobs/estimate.js";
import type { JobRecord } from "../src/jobs/record.js";
import { START, createJob, expectError, iso, setup } from "./helpers.js";

const record = (overrides: Partial<JobRecord> = {}): JobRecord => ({
  id: "job_a",
  createdAt: START,
  pendingDurationMs: 10_000,
  outcome: "completed",
  etaError: 0.2,
  etaBias: 1,
  metadata: {},
  ...overrides,
});

/** Estimated and true time left at `now`. */
function remaining(job: JobRecord, now: number) {
  const estimated = estimateTimes(job, now).estimatedCompletionAt - now;
  return { estimated, truth: job.createdAt + job.pendingDurationMs - now };
}

describe("drawEtaBias", () => {
  it("maps a draw in [0, 1) onto [-1, 1], clamping a custom random's 1", () => {
    expect(drawEtaBias(0)).toBe(-1);
    expect(drawEtaBias(0.25)).toBe(-0.5);
    expect(drawEtaBias(0.5)).toBe(0);
    expect(drawEtaBias(0.75)).toBe(0.5);
    expect(drawEtaBias(1)).toBe(1);
    expect(drawEtaBias(7)).toBe(1);
  });
});

describe("estimatedTotalMs", () => {
  it("is D * (1 + E * u * (1 - p)^2)", () => {
    expect(estimatedTotalMs(10_000, 0, 0.2, 1)).toBeCloseTo(12_000, 9);
    expect(estimatedTotalMs(10_000, 0, 0.2, -1)).toBeCloseTo(8_000, 9);
    expect(estimatedTotalMs(10_000, 0.5, 0.2, 0.5)).toBeCloseTo(10_250, 9);
    expect(estimatedTotalMs(10_000, 1, 0.2, 1)).toBe(10_000);
    expect(estimatedTotalMs(10_000, 0.3, 0, -1)).toBe(10_000);
  });
});

describe("estimateTimes", () => {
  const biases = [-1, -0.6, -0.1, 0, 0.3, 0.75, 1];
  const errors = [0, 0.05, 0.2, 0.5, 0.99];

  it("keeps the estimated time left within 1 ± E·(1 − p) of the truth, skewed by 1 + E·u·(1 − p)", () => {
    for (const etaError of errors) {
      for (const etaBias of biases) {
        const job = record({ etaError, etaBias });
        for (let elapsed = 0; elapsed < 10_000; elapsed += 137) {
          const { estimated, truth } = remaining(job, START + elapsed);
          const error = etaError * (1 - elapsed / 10_000);
          // Whole milliseconds: the estimate is rounded once.
          const skewed = truth * (1 + error * etaBias);
          expect(Math.abs(estimated - skewed)).toBeLessThanOrEqual(0.5 + 1e-6);
          expect(estimated).toBeGreaterThanOrEqual(truth * (1 - error) - 0.5 - 1e-6);
          expect(estimated).toBeLessThanOrEqual(truth * (1 + error) + 0.5 + 1e-6);
        }
      }
    }
  });

  it("errs the most at the start and converges to the exact end", () => {
    const job = record({ etaError: 0.2, etaBias: -1 });
    expect(estimateTimes(job, START).estimatedCompletionAt).toBe(START + 8_000);
    expect(estimateTimes(job, START + 5_000).estimatedCompletionAt).toBe(START + 9_500);
    expect(estimateTimes(job, START + 9_000).estimatedCompletionAt).toBe(START + 9_980);
    // 0.8 ms left by the estimate, 1 ms in truth: whole milliseconds make it exact.
    expect(estimateTimes(job, START + 9_999).estimatedCompletionAt).toBe(START + 10_000);
    const errors = [0, 2_500, 5_000, 7_500, 9_000, 9_990].map((elapsed) =>
      Math.abs(remaining(job, START + elapsed).estimated - (10_000 - elapsed)),
    );
    expect(errors).toEqual([...errors].sort((a, b) => b - a));
    expect(errors.at(-1)).toBeLessThanOrEqual(2);
  });

  it("is exact when E is 0, whatever the bias", () => {
    for (const etaBias of biases) {
      for (let elapsed = 0; elapsed < 10_000; elapsed += 499) {
        const times = estimateTimes(record({ etaError: 0, etaBias }), START + elapsed);
        expect(times).toEqual({ estimatedCompletionAt: START + 10_000 });
      }
    }
  });

  it("equals completedAt once terminal: the end, or the cancel moment", () => {
    expect(estimateTimes(record(), START + 10_000)).toEqual({
      estimatedCompletionAt: START + 10_000,
      completedAt: START + 10_000,
    });
    expect(estimateTimes(record({ outcome: "error" }), START + 99_000)).toEqual({
      estimatedCompletionAt: START + 10_000,
      completedAt: START + 10_000,
    });
    expect(estimateTimes(record({ cancelledAt: START + 2_500 }), START + 99_000)).toEqual({
      estimatedCompletionAt: START + 2_500,
      completedAt: START + 2_500,
    });
    expect(estimateTimes(record({ pendingDurationMs: 0 }), START)).toEqual({
      estimatedCompletionAt: START,
      completedAt: START,
    });
  });

  it("reads a clock before creation as the creation moment", () => {
    expect(estimateTimes(record(), START - 5_000).estimatedCompletionAt).toBe(START + 12_000);
  });
});

describe("estimates in the API", () => {
  // etaRandom 0.75 draws u = 0.5 for every job.
  const options = { pendingDurationMs: 10_000, errorProbability: 0, etaRandom: () => 0.75 };

  it("shows estimatedCompletionAt while pending, then completedAt as well", async () => {
    const { app, clock } = setup(options);
    const job = await createJob(app);
    expect(job.estimatedCompletionAt).toBe(iso(START + 11_000));
    expect(job).not.toHaveProperty("completedAt");
    clock.advance(5_000);
    const half = (await app.inject({ url: `/jobs/${job.id}` })).json<JobView>();
    expect(half.estimatedCompletionAt).toBe(iso(START + 10_250));
    expect(half).not.toHaveProperty("completedAt");
    clock.advance(6_000);
    const done = (await app.inject({ url: `/jobs/${job.id}` })).json<JobView>();
    expect(done).toMatchObject({
      status: "completed",
      updatedAt: iso(START + 10_000),
      estimatedCompletionAt: iso(START + 10_000),
      completedAt: iso(START + 10_000),
    });
  });

  it("never shows the duration, the bias or the error bound", async () => {
    const { app } = setup(options);
    const job = await createJob(app);
    for (const key of ["pendingDurationMs", "etaBias", "etaError", "outcome"]) {
      expect(job).not.toHaveProperty(key);
    }
  });

  it("takes a per-job etaError, 0 to 0.99", async () => {
    const { app } = setup(options);
    expect((await createJob(app, { etaError: 0 })).estimatedCompletionAt).toBe(iso(START + 10_000));
    expect((await createJob(app, { etaError: 0.5 })).estimatedCompletionAt).toBe(
      iso(START + 12_500),
    );
    for (const etaError of [-0.1, 1, 0.995, "0.2", null]) {
      const response = await app.inject({ method: "POST", url: "/jobs", payload: { etaError } });
      expect(expectError(response, 400, "invalid_request")).toContain("body.etaError");
    }
  });

  it("applies the server's etaError to /status too", async () => {
    const { app } = setup({ ...options, etaError: 0.4 });
    const status = (await app.inject({ url: "/status" })).json<JobView>();
    expect(status.estimatedCompletionAt).toBe(iso(START + 12_000));
  });
});
