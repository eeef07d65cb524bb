import { describe, expect, it } from "vitest";
import { createJob, expectError, setup } from "./helpers.js";

// The job service refuses in its own words; the one error handler gives each refusal its status,
// code, message and Retry-After, and a profile's envelope reshapes the same answer.
describe("job service refusals over HTTP", () => {
  it("a missing job: 404 job_not_found", async () => {
    const { app } = setup();
    const message = expectError(await app.inject("/jobs/job_nope"), 404, "job_not_found");
    expect(message).toBe('No job with id "job_nope"');
  });

  it("a finished job cannot be cancelled: 409 job_not_pending", async () => {
    const { app, clock } = setup({ pendingDurationMs: 1_000, errorProbability: 0 });
    const job = await createJob(app);
    clock.advance(1_000);
    const response = await app.inject({ method: "DELETE", url: `/jobs/${job.id}` });
    const message = expectError(response, 409, "job_not_pending");
    expect(message).toBe(`Job ${job.id} is already completed; only pending jobs can be cancelled`);
  });

  it("the concurrency limit: 429 with Retry-After at the earliest expected end", async () => {
    // A limit of one job (the default has none) and exact estimates, for an exact Retry-After.
    const { app, clock } = setup({ maxConcurrentJobs: 1, pendingDurationMs: 10_000, etaError: 0 });
    await createJob(app);
    clock.advance(2_500);
    const refused = await app.inject({ method: "POST", url: "/jobs", payload: {} });
    const message = expectError(refused, 429, "concurrency_limit");
    expect(message).toBe(
      "At most 1 jobs may be pending at once; one is expected to end in about 8 s",
    );
    expect(refused.headers["retry-after"]).toBe("8");
  });

  it("an idempotency key reused with another body: 422 idempotency_key_reused", async () => {
    const { app } = setup();
    const send = (note: string) =>
      app.inject({
        method: "POST",
        url: "/jobs",
        headers: { "idempotency-key": "k1" },
        payload: { metadata: { note } },
      });
    expect((await send("a")).statusCode).toBe(201);
    const message = expectError(await send("b"), 422, "idempotency_key_reused");
    expect(message).toBe("This Idempotency-Key was already used with a different request body");
  });

  it("bad input names its field where it was sent: the body of a write, the query of a read", async () => {
    const { app } = setup();
    const created = await app.inject({
      method: "POST",
      url: "/jobs",
      payload: { latencyMs: [50, 10] },
    });
    expect(expectError(created, 400, "invalid_request")).toBe(
      "body.latencyMs must be [min, max] with min <= max",
    );
    const hook = await app.inject({
      method: "POST",
      url: "/jobs",
      payload: { callbackUrl: "ftp://example.com/hook" },
    });
    expect(expectError(hook, 400, "invalid_request")).toBe(
      "body.callbackUrl must be an absolute http or https URL",
    );
    const page = await app.inject("/jobs?cursor=bm9wZQ");
    expect(expectError(page, 400, "invalid_request")).toBe(
      "query.cursor is not a cursor this server issued",
    );
  });

  it("a profile reshapes the same refusal in its own envelope", async () => {
    const { app } = setup();
    const v2 = await app.inject("/v2/video_translate/job_nope");
    expect(v2.statusCode).toBe(404);
    expect(v2.body).toBe(
      '{"error":{"code":"not_found","message":"No job with id \\"job_nope\\""},"data":null}',
    );
  });
});
