import { describe, expect, it } from "vitest";
import type { JobView } from "../src/index.js";
import { START, createJob, expectError, iso, setup } from "./helpers.js";

describe("DELETE /jobs/:id", () => {
  it("cancels a pending job, freezing its progress at the cancel moment", async () => {
    const { app, clock } = setup({ pendingDurationMs: 10_000, errorProbability: 1 });
    const job = await createJob(app);
    clock.advance(3_000);
    const response = await app.inject({ method: "DELETE", url: `/jobs/${job.id}` });
    expect(response.statusCode).toBe(200);
    const expected = {
      ...job,
      status: "cancelled",
      result: "cancelled",
      progress: 0.3,
      updatedAt: iso(START + 3_000),
      estimatedCompletionAt: iso(START + 3_000),
      completedAt: iso(START + 3_000),
    };
    expect(response.json()).toEqual(expected);

    // Past the original finish time it stays cancelled, and the drawn error never shows.
    clock.advance(60_000);
    const later = (await app.inject({ url: `/jobs/${job.id}` })).json<JobView>();
    expect(later).toEqual(expected);
    expect(later).not.toHaveProperty("error");
  });

  it("answers 409 job_not_pending once the job has finished or was cancelled", async () => {
    const { app, clock } = setup({ pendingDurationMs: 1_000 });
    const completed = await createJob(app, { errorProbability: 0 });
    const failed = await createJob(app, { errorProbability: 1 });
    const cancelled = await createJob(app);
    await app.inject({ method: "DELETE", url: `/jobs/${cancelled.id}` });
    clock.advance(1_000);
    for (const [job, status] of [
      [completed, "completed"],
      [failed, "error"],
      [cancelled, "cancelled"],
    ] as const) {
      const response = await app.inject({ method: "DELETE", url: `/jobs/${job.id}` });
      expect(expectError(response, 409, "job_not_pending")).toContain(status);
      expect((await app.inject({ url: `/jobs/${job.id}` })).json().status).toBe(status);
    }
  });

  it("answers 409 for a job with no pending time at all", async () => {
    const { app } = setup();
    const job = await createJob(app, { pendingDurationMs: 0 });
    const response = await app.inject({ method: "DELETE", url: `/jobs/${job.id}` });
    expectError(response, 409, "job_not_pending");
  });

  it("answers 404 for an unknown job", async () => {
    const { app } = setup();
    const response = await app.inject({ method: "DELETE", url: "/jobs/job_missing" });
    expectError(response, 404, "job_not_found");
  });
});
