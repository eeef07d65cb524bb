import { describe, expect, it } from "vitest";
import {
  HttpError,
  NotFoundError,
  TranslationStatusClient,
  WaitTimeoutError,
} from "@translation-status/client";
import { simulator } from "../support/servers.js";

const fast = { initialIntervalMs: 50, backoffFactor: 1.5, maxIntervalMs: 200, maxWaitMs: 10_000 };

describe("many jobs over real HTTP", () => {
  it("waits on 40 jobs at once and gets each one's own outcome", async () => {
    const server = await simulator();
    // Each on its own wait: the request budget is tested elsewhere.
    const client = new TranslationStatusClient({
      baseUrl: server.url,
      maxRequestsPerSecond: Infinity,
      maxConcurrentRequests: Infinity,
    });
    const plans = Array.from({ length: 40 }, (_, i) => ({
      pendingDurationMs: 100 + (i % 8) * 50,
      errorProbability: i % 3 === 0 ? 1 : 0,
    }));
    const jobs = await Promise.all(plans.map((plan) => client.createJob(plan)));
    expect(new Set(jobs.map((j) => j.jobId)).size).toBe(40);

    const results = await Promise.all(
      jobs.map((job) => client.waitForCompletion({ ...fast, jobId: job.jobId! })),
    );
    results.forEach((result, i) => {
      expect(result.snapshot.jobId).toBe(jobs[i]!.jobId);
      expect(result.status).toBe(plans[i]!.errorProbability === 1 ? "error" : "completed");
      if (result.status === "error") expect(result.snapshot.error?.code).toMatch(/^[a-z_]+$/);
    });
  });

  it("sees a cancelled job as a terminal outcome", async () => {
    const server = await simulator();
    const client = new TranslationStatusClient({ baseUrl: server.url });
    const job = await client.createJob({ pendingDurationMs: 60_000 });
    const cancelled = await client.cancelJob(job.jobId!);
    expect(cancelled.status).toBe("cancelled");
    const result = await client.waitForCompletion({ ...fast, jobId: job.jobId! });
    expect(result).toMatchObject({ status: "cancelled", requests: 1 });
    // A second cancel is a conflict, not a silent success.
    const again = await client.cancelJob(job.jobId!).catch((e) => e);
    expect(again).toBeInstanceOf(HttpError);
    expect(again).toMatchObject({ status: 409, code: "job_not_pending" });
  });

  it("fails fast on an unknown job with NotFoundError", async () => {
    const server = await simulator();
    const client = new TranslationStatusClient({ baseUrl: server.url });
    const error = await client
      .waitForCompletion({ ...fast, jobId: "job_doesnotexist" })
      .catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, code: "job_not_found", attempts: 1 });
    expect(error.requestId).toBeTruthy();
  });

  it("turns a 400 from the server into an HttpError with its code", async () => {
    const server = await simulator();
    const client = new TranslationStatusClient({ baseUrl: server.url });
    const error = await client.createJob({ errorProbability: 2 }).catch((e) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 400, code: "invalid_request" });
    expect(error.bodyExcerpt).toContain("errorProbability");
  });

  it("gives up at the deadline with the last status when the job takes too long", async () => {
    const server = await simulator();
    const client = new TranslationStatusClient({ baseUrl: server.url });
    const job = await client.createJob({ pendingDurationMs: 60_000 });
    const started = Date.now();
    const error = await client
      .waitForCompletion({ ...fast, jobId: job.jobId!, maxWaitMs: 300 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error.lastStatus.status).toBe("pending");
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
