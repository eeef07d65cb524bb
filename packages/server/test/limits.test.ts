import { describe, expect, it } from "vitest";
import type { JobView } from "../src/index.js";
import { createJob, expectError, setup } from "./helpers.js";

const key = (value: string) => ({ "x-api-key": value });

describe("RATE_LIMIT", () => {
  it("answers 429 rate_limited with Retry-After past the limit, until the second is over", async () => {
    const { app, clock } = setup({ rateLimit: 2 });
    const first = await app.inject({ url: "/status" });
    expect(first.statusCode).toBe(200);
    expect(first.headers["x-ratelimit-limit"]).toBe("2");
    expect(first.headers["x-ratelimit-remaining"]).toBe("1");
    expect((await app.inject({ url: "/jobs" })).statusCode).toBe(200);
    const limited = await app.inject({ method: "POST", url: "/jobs" });
    expect(expectError(limited, 429, "rate_limited")).toContain("2 requests per second");
    expect(limited.headers["retry-after"]).toBe("1");
    expect(limited.headers["x-ratelimit-remaining"]).toBe("0");
    clock.advance(999);
    expectError(await app.inject({ url: "/status" }), 429, "rate_limited");
    clock.advance(1);
    expect((await app.inject({ url: "/status" })).statusCode).toBe(200);
  });

  it("counts per API key with auth on, and per client IP with it off", async () => {
    const withKeys = setup({ rateLimit: 1, apiKeys: ["alpha", "beta"] }).app;
    expect((await withKeys.inject({ url: "/status", headers: key("alpha") })).statusCode).toBe(200);
    expectError(
      await withKeys.inject({ url: "/status", headers: { authorization: "Bearer alpha" } }),
      429,
      "rate_limited",
    );
    expect((await withKeys.inject({ url: "/status", headers: key("beta") })).statusCode).toBe(200);

    const open = setup({ rateLimit: 1 }).app;
    const from = (remoteAddress: string) => open.inject({ url: "/status", remoteAddress });
    expect((await from("10.0.0.1")).statusCode).toBe(200);
    expect((await from("10.0.0.1")).statusCode).toBe(429);
    expect((await from("10.0.0.2")).statusCode).toBe(200);
  });

  it("limits bad keys and unknown routes too (by IP), never health checks", async () => {
    const { app } = setup({ rateLimit: 1, apiKeys: ["alpha"] });
    expectError(await app.inject({ url: "/status", headers: key("guess-1") }), 401, "unauthorized");
    expectError(await app.inject({ url: "/status", headers: key("guess-2") }), 429, "rate_limited");
    // A valid key has its own budget.
    expect((await app.inject({ url: "/status", headers: key("alpha") })).statusCode).toBe(200);
    expectError(await app.inject({ url: "/nope", headers: key("alpha") }), 429, "rate_limited");
    for (let i = 0; i < 5; i++) {
      expect((await app.inject({ url: "/healthz" })).statusCode).toBe(200);
    }
  });
});

describe("MAX_CONCURRENT_JOBS", () => {
  const options = { maxConcurrentJobs: 2, errorProbability: 0, etaError: 0 };

  it("refuses a job past the limit: 429 concurrency_limit, Retry-After at the earliest end", async () => {
    const { app, clock } = setup(options);
    await createJob(app, { pendingDurationMs: 8_000 });
    await createJob(app, { pendingDurationMs: 5_000 });
    const refused = await app.inject({ method: "POST", url: "/jobs" });
    expectError(refused, 429, "concurrency_limit");
    expect(refused.headers["retry-after"]).toBe("5");
    clock.advance(2_500);
    expect((await app.inject({ method: "POST", url: "/jobs" })).headers["retry-after"]).toBe("3");
    clock.advance(2_500);
    await createJob(app);
  });

  it("computes Retry-After from the estimate, which may be off, not from the truth", async () => {
    // etaRandom 1 draws u = 1: with E = 0.2 every estimate of the time left is 20% long.
    const { app } = setup({ ...options, maxConcurrentJobs: 1, etaError: 0.2, etaRandom: () => 1 });
    await createJob(app, { pendingDurationMs: 10_000 });
    const refused = await app.inject({ method: "POST", url: "/jobs" });
    expect(refused.headers["retry-after"]).toBe("12");
  });

  it("frees a slot when a job is cancelled", async () => {
    const { app } = setup({ ...options, maxConcurrentJobs: 1 });
    const job = await createJob(app);
    expectError(await app.inject({ method: "POST", url: "/jobs" }), 429, "concurrency_limit");
    await app.inject({ method: "DELETE", url: `/jobs/${job.id}` });
    await createJob(app);
  });

  it("counts per API key with auth on, for everyone together with it off", async () => {
    const withKeys = setup({ ...options, maxConcurrentJobs: 1, apiKeys: ["alpha", "beta"] }).app;
    const post = (apiKey: string) =>
      withKeys.inject({ method: "POST", url: "/jobs", headers: key(apiKey) });
    expect((await post("alpha")).statusCode).toBe(201);
    expect((await post("alpha")).statusCode).toBe(429);
    expect((await post("beta")).statusCode).toBe(201);

    const open = setup({ ...options, maxConcurrentJobs: 1 }).app;
    const from = (remoteAddress: string) =>
      open.inject({ method: "POST", url: "/jobs", remoteAddress });
    expect((await from("10.0.0.1")).statusCode).toBe(201);
    expect((await from("10.0.0.2")).statusCode).toBe(429);
  });

  it("holds under concurrent requests", async () => {
    const { app } = setup({ ...options, maxConcurrentJobs: 3 });
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => app.inject({ method: "POST", url: "/jobs" })),
    );
    expect(statuses.filter((r) => r.statusCode === 201)).toHaveLength(3);
    expect(statuses.filter((r) => r.statusCode === 429)).toHaveLength(7);
  });

  it("takes no draw for a refused job, so later outcomes stay as seeded", async () => {
    let draws = 0;
    const random = () => (draws++, 0.5);
    const { app } = setup({ ...options, maxConcurrentJobs: 1, random });
    await createJob(app);
    const before = draws;
    await app.inject({ method: "POST", url: "/jobs" });
    expect(draws).toBe(before);
  });

  it("lets a replay with an Idempotency-Key through at the limit", async () => {
    const { app } = setup({ ...options, maxConcurrentJobs: 1 });
    const headers = { "idempotency-key": "first" };
    const created = await app.inject({ method: "POST", url: "/jobs", headers });
    const replayed = await app.inject({ method: "POST", url: "/jobs", headers });
    expect(replayed.statusCode).toBe(200);
    expect(replayed.json<JobView>().id).toBe(created.json<JobView>().id);
  });
});
