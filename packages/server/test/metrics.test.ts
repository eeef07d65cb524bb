import { describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { RequestStats } from "../src/metrics/request-stats.js";
import { createJob, openStream, settle, setup } from "./helpers.js";
import { advance, register, webhookApp } from "./webhook-helpers.js";
import type { FastifyInstance } from "fastify";

async function scrape(app: FastifyInstance): Promise<string> {
  const response = await app.inject({ url: "/metrics" });
  expect(response.statusCode).toBe(200);
  expect(response.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.body;
}

/** The value of the sample `name{labels}` (labels in the order prom-client writes them). */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((each) => each.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const requests = (method: string, route: string, status: number) =>
  `http_requests_total{method="${method}",route="${route}",status_code="${status}"}`;

describe("GET /metrics", () => {
  it("counts requests by route pattern and status, with a latency histogram", async () => {
    const { app } = setup({ pendingDurationMs: 1_000 });
    const job = await createJob(app);
    await app.inject({ url: `/jobs/${job.id}` });
    await app.inject({ url: `/jobs/${job.id}` });
    await app.inject({ url: "/jobs/job_nothing" });
    await app.inject({ url: "/no/such/path?secret=1" });
    const text = await scrape(app);
    expect(sample(text, requests("POST", "/jobs", 201))).toBe(1);
    expect(sample(text, requests("GET", "/jobs/:id", 200))).toBe(2);
    expect(sample(text, requests("GET", "/jobs/:id", 404))).toBe(1);
    expect(sample(text, requests("GET", "unmatched", 404))).toBe(1);
    // Patterns only: no id, no raw path, ever.
    expect(text).not.toContain(job.id);
    expect(text).not.toContain("job_nothing");
    expect(text).not.toContain("/no/such/path");
    const durations = `http_request_duration_seconds_count{method="GET",route="/jobs/:id",status_code="200"}`;
    expect(sample(text, durations)).toBe(2);
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/jobs\/:id",status_code="200"\} 2/,
    );
    // The scrape itself is counted once it has been answered.
    expect(sample(await scrape(app), requests("GET", "/metrics", 200))).toBe(1);
  });

  it("counts jobs by their status at scrape time", async () => {
    const { app, clock } = setup({ errorProbability: 0 });
    await createJob(app, { pendingDurationMs: 1_000 });
    await createJob(app, { pendingDurationMs: 1_000, errorProbability: 1 });
    const cancelled = await createJob(app, { pendingDurationMs: 60_000 });
    await createJob(app, { pendingDurationMs: 60_000 });
    await app.inject({ method: "DELETE", url: `/jobs/${cancelled.id}` });
    let text = await scrape(app);
    expect(sample(text, `translation_jobs{status="pending"}`)).toBe(3);
    expect(sample(text, `translation_jobs{status="cancelled"}`)).toBe(1);
    expect(sample(text, `translation_jobs{status="completed"}`)).toBe(0);
    clock.advance(1_000);
    text = await scrape(app);
    expect(sample(text, `translation_jobs{status="pending"}`)).toBe(1);
    expect(sample(text, `translation_jobs{status="completed"}`)).toBe(1);
    expect(sample(text, `translation_jobs{status="error"}`)).toBe(1);
  });

  it("shows the long-polls held and the streams open right now", async () => {
    const { app, clock } = setup({ pendingDurationMs: 10_000 });
    const job = await createJob(app);
    const held = app.inject({ url: `/jobs/${job.id}`, headers: { prefer: "wait=5" } });
    const single = await openStream(app, `/jobs/${job.id}/events`);
    const many = await openStream(app, `/events?ids=${job.id}`);
    await settle();
    let text = await scrape(app);
    expect(sample(text, "long_polls_held")).toBe(1);
    expect(sample(text, `event_streams_open{kind="job"}`)).toBe(1);
    expect(sample(text, `event_streams_open{kind="multiplexed"}`)).toBe(1);
    clock.advance(10_000);
    await held;
    await single.untilEnded();
    await many.untilEnded();
    text = await scrape(app);
    expect(sample(text, "long_polls_held")).toBe(0);
    expect(sample(text, `event_streams_open{kind="job"}`)).toBe(0);
    expect(sample(text, `event_streams_open{kind="multiplexed"}`)).toBe(0);
  });

  it("counts injected faults by kind, and is itself never faulted, limited or locked", async () => {
    const { app } = setup({ faultRate: 1, faultKinds: ["503"], apiKeys: ["k"], rateLimit: 1 });
    for (let i = 0; i < 3; i++) {
      const response = await app.inject({ url: "/jobs", headers: { "x-api-key": "k" } });
      expect(response.statusCode).toBe(i === 0 ? 503 : 429);
    }
    const text = await scrape(app);
    expect(sample(text, `faults_injected_total{kind="503"}`)).toBe(1);
    expect(sample(text, `faults_injected_total{kind="500"}`)).toBe(0);
  });

  it("counts webhook deliveries by outcome, and shows those under way", async () => {
    // The receiver takes the first two and refuses the third, which then waits for its retry.
    const { app, clock } = webhookApp({}, (n) => (n <= 2 ? 204 : 500));
    await register(app, { url: "https://receiver.test/hook" });
    for (let i = 0; i < 3; i++) await createJob(app);
    await advance(clock, 10_000);
    const text = await scrape(app);
    expect(sample(text, `webhook_deliveries_total{outcome="delivered"}`)).toBe(2);
    expect(sample(text, `webhook_deliveries_total{outcome="retrying"}`)).toBe(1);
    expect(sample(text, "webhook_deliveries_pending")).toBe(1);
  });

  it("keeps each app's metrics apart in one process", async () => {
    const { app: first } = setup();
    const { app: second } = setup();
    await createJob(first);
    expect(sample(await scrape(first), requests("POST", "/jobs", 201))).toBe(1);
    expect(sample(await scrape(second), requests("POST", "/jobs", 201))).toBeUndefined();
  });
});

describe("RequestStats", () => {
  it("buckets durations cumulatively, bounds inclusive, with their sum and count", async () => {
    const registry = new Registry();
    const stats = new RequestStats([0.1, 1]);
    registry.registerMetric(stats.histogram("took_seconds", "Took"));
    registry.registerMetric(stats.counter("done_total", "Done"));
    for (const seconds of [0.05, 0.1, 0.5, 2]) stats.record("GET", "/x/:id", 200, seconds);
    stats.record("GET", "/x/:id", 404, 0.01);
    const text = await registry.metrics();
    const labels = 'method="GET",route="/x/:id",status_code="200"';
    expect(sample(text, `took_seconds_bucket{le="0.1",${labels}}`)).toBe(2);
    expect(sample(text, `took_seconds_bucket{le="1",${labels}}`)).toBe(3);
    expect(sample(text, `took_seconds_bucket{le="+Inf",${labels}}`)).toBe(4);
    expect(sample(text, `took_seconds_sum{${labels}}`)).toBeCloseTo(2.65);
    expect(sample(text, `took_seconds_count{${labels}}`)).toBe(4);
    expect(sample(text, `done_total{${labels}}`)).toBe(4);
    expect(sample(text, `done_total{method="GET",route="/x/:id",status_code="404"}`)).toBe(1);
    expect(text).toContain("# TYPE took_seconds histogram");
    expect(text).toContain("# TYPE done_total counter");
  });
});
