import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { describe, expect, it, onTestFinished } from "vitest";
import { START, createJob, expectError, iso, setup } from "./helpers.js";
import { untilHeld } from "./observe.js";

interface Timeline {
  jobId: string;
  status: string;
  completedAt?: string;
  learned?: { at: string; delayMs: number; client: string; mode: string; endpoint: string };
  requestCount: number;
  droppedCount: number;
  entries: Array<{
    at: string;
    endedAt?: string;
    endpoint: string;
    mode: string;
    statusCode: number;
    result?: string;
    client: string;
    terminalAt?: string;
  }>;
}

const options = { pendingDurationMs: 10_000, errorProbability: 0, dashboardDir: false as const };

async function timelineOf(app: FastifyInstance, id: string, headers = {}): Promise<Timeline> {
  const response = await app.inject({ url: `/jobs/${id}/timeline`, headers });
  expect(response.statusCode).toBe(200);
  return response.json<Timeline>();
}

describe("GET /jobs/:id/timeline", () => {
  it("lists create, polls and a long-poll with their modes, and when the client learned", async () => {
    const { app, clock } = setup(options);
    const job = await createJob(app);
    const named = { "x-client-name": "poller" };
    clock.advance(4_000);
    await app.inject({ url: `/jobs/${job.id}`, headers: named });
    const held = app.inject({
      url: `/jobs/${job.id}`,
      headers: { prefer: "wait=30", "x-client-name": "waiter" },
    });
    await untilHeld(app, (now) => now.longPolls === 1, "the held request");
    clock.advance(6_000);
    expect((await held).json()).toMatchObject({ status: "completed" });
    clock.advance(500);
    await app.inject({ url: `/jobs/${job.id}`, headers: named });

    const timeline = await timelineOf(app, job.id);
    expect(timeline).toMatchObject({
      jobId: job.id,
      status: "completed",
      completedAt: iso(START + 10_000),
      learned: { at: iso(START + 10_000), delayMs: 0, client: "waiter", mode: "long-poll" },
      requestCount: 4,
      droppedCount: 0,
    });
    expect(timeline.entries.map((e) => [e.mode, e.client, e.result, e.at])).toEqual([
      ["create", "lightMyRequest", "pending", iso(START)],
      ["poll", "poller", "pending", iso(START + 4_000)],
      ["long-poll", "waiter", "completed", iso(START + 4_000)],
      ["poll", "poller", "completed", iso(START + 10_500)],
    ]);
    expect(timeline.entries[2]).toMatchObject({
      endpoint: "GET /jobs/:id",
      endedAt: iso(START + 10_000),
      terminalAt: iso(START + 10_000),
    });
    const summary = await app.inject({ url: "/timelines/summary" });
    expect(summary.json()).toEqual({
      clients: [
        {
          client: "poller",
          jobs: 1,
          requests: 2,
          requestsPerJob: 2,
          detections: 1,
          meanDelayMs: 500,
          medianDelayMs: 500,
          maxDelayMs: 500,
        },
        {
          client: "waiter",
          jobs: 1,
          requests: 1,
          requestsPerJob: 1,
          detections: 1,
          meanDelayMs: 0,
          medianDelayMs: 0,
          maxDelayMs: 0,
        },
      ],
    });
  });

  it("records a batch read once per job, a cancel, and an error answer about a tracked job", async () => {
    const { app, clock } = setup(options);
    const a = await createJob(app);
    const b = await createJob(app);
    clock.advance(1_000);
    await app.inject({ url: `/jobs?ids=${a.id},${b.id},nope` });
    await app.inject({ method: "DELETE", url: `/jobs/${a.id}` });
    expectError(
      await app.inject({ method: "DELETE", url: `/jobs/${a.id}` }),
      409,
      "job_not_pending",
    );

    const first = await timelineOf(app, a.id);
    expect(first.entries.map((e) => [e.endpoint, e.mode, e.statusCode, e.result])).toEqual([
      ["POST /jobs", "create", 201, "pending"],
      ["GET /jobs", "poll", 200, "pending"],
      ["DELETE /jobs/:id", "cancel", 200, "cancelled"],
      ["DELETE /jobs/:id", "cancel", 409, undefined],
    ]);
    expect(first.learned).toMatchObject({ mode: "cancel", delayMs: 0 });
    expect((await timelineOf(app, b.id)).entries.map((e) => e.endpoint)).toEqual([
      "POST /jobs",
      "GET /jobs",
    ]);
    expectError(await app.inject({ url: "/jobs/nope/timeline" }), 404, "job_not_found");
  });

  it("records a stream from its opening to its done event", async () => {
    const { app, clock } = setup({ ...options, pendingDurationMs: 2_000 });
    const job = await createJob(app);
    const stream = app.inject({ url: `/jobs/${job.id}/events` });
    await untilHeld(app, (now) => now.jobStreams === 1, "the open stream");
    const open = await timelineOf(app, job.id);
    expect(open.entries[1]).toMatchObject({ mode: "stream", result: "pending" });
    expect(open.entries[1]!.endedAt).toBeUndefined();
    clock.advance(2_000);
    expect((await stream).body).toContain("event: done");
    const done = await timelineOf(app, job.id);
    expect(done.entries[1]).toMatchObject({
      endpoint: "GET /jobs/:id/events",
      result: "completed",
      terminalAt: iso(START + 2_000),
      endedAt: iso(START + 2_000),
    });
    expect(done.learned).toMatchObject({ mode: "stream", at: iso(START + 2_000) });
  });

  it("records the multiplexed stream's done event per job", async () => {
    const { app, clock } = setup(options);
    const quick = await createJob(app, { pendingDurationMs: 1_000 });
    const slow = await createJob(app, { pendingDurationMs: 3_000 });
    const stream = app.inject({ url: `/events?ids=${quick.id},${slow.id}` });
    await untilHeld(app, (now) => now.multiplexedStreams === 1, "the open stream");
    clock.advance(3_000);
    expect((await stream).body).toContain("event: end");
    const first = await timelineOf(app, quick.id);
    expect(first.learned).toMatchObject({ at: iso(START + 1_000), endpoint: "GET /events" });
    // The stream went on for the slow job, but was done with this one at its end.
    expect(first.entries[1]).toMatchObject({ mode: "stream", endedAt: iso(START + 1_000) });
    expect((await timelineOf(app, slow.id)).learned?.at).toBe(iso(START + 3_000));
  });

  it("shows a job's timeline to its owner alone, and sums up only the caller's jobs", async () => {
    const { app } = setup({ ...options, apiKeys: ["alice-key", "bob-key"] });
    const alice = { "x-api-key": "alice-key" };
    const bob = { "x-api-key": "bob-key" };
    const created = await app.inject({ method: "POST", url: "/jobs", headers: alice });
    const job = created.json<{ id: string }>();
    await app.inject({ url: `/jobs/${job.id}`, headers: alice });
    // Bob's guess at Alice's job is a 404 for him, and no entry on her timeline.
    await app.inject({ url: `/jobs/${job.id}`, headers: bob });
    expect((await timelineOf(app, job.id, alice)).requestCount).toBe(2);
    expectError(
      await app.inject({ url: `/jobs/${job.id}/timeline`, headers: bob }),
      404,
      "job_not_found",
    );
    expectError(await app.inject({ url: `/jobs/${job.id}/timeline` }), 401, "unauthorized");
    const summaryOf = async (headers: Record<string, string>) =>
      (await app.inject({ url: "/timelines/summary", headers })).json<{ clients: unknown[] }>();
    expect((await summaryOf(alice)).clients).toHaveLength(1);
    expect((await summaryOf(bob)).clients).toEqual([]);
  });

  it("records an answer refused before the route ran (rate limit) on the job it named", async () => {
    const { app, clock } = setup({ ...options, rateLimit: 2 });
    const job = await createJob(app);
    await app.inject({ url: `/jobs/${job.id}`, headers: { prefer: "wait=0" } });
    expectError(await app.inject({ url: `/jobs/${job.id}` }), 429, "rate_limited");
    clock.advance(1_000);
    const timeline = await timelineOf(app, job.id);
    expect(timeline.entries.map((e) => [e.mode, e.statusCode, e.result])).toEqual([
      ["create", 201, "pending"],
      ["poll", 200, "pending"],
      ["poll", 429, undefined],
    ]);
  });

  it("keeps the most recent entries of a job within the configured bound", async () => {
    const { app } = setup({ ...options, timeline: { maxEntriesPerJob: 3 } });
    const job = await createJob(app);
    for (let i = 0; i < 5; i++) await app.inject({ url: `/jobs/${job.id}` });
    const timeline = await timelineOf(app, job.id);
    expect(timeline).toMatchObject({ requestCount: 6, droppedCount: 3 });
    expect(timeline.entries).toHaveLength(3);
  });

  it("has the /status job's timeline at /status/timeline", async () => {
    const { app, clock } = setup(options);
    await app.inject({ url: "/status" });
    clock.advance(10_000);
    await app.inject({ url: "/status", headers: { "user-agent": "curl/8.5.0" } });
    const response = await app.inject({ url: "/status/timeline" });
    expect(response.json()).toMatchObject({
      status: "completed",
      learned: { client: "curl/8.5.0", mode: "poll", delayMs: 0 },
      requestCount: 2,
    });
  });
});

describe("GET / (the dashboard)", () => {
  it("says the dashboard is not built with a JSON 404 when there are no files", async () => {
    const { app } = setup(options);
    const message = expectError(await app.inject({ url: "/" }), 404, "route_not_found");
    expect(message).toMatch(/dashboard is not built/);
  });

  it("serves the page and its assets without an API key, and our 404 for unknown files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dashboard-"));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, "assets"));
    await writeFile(join(dir, "index.html"), "<!doctype html><title>Dashboard</title>");
    await writeFile(join(dir, "assets", "app.js"), "console.log(1);");
    const { app } = setup({ ...options, dashboardDir: dir, apiKeys: ["k"] });

    const page = await app.inject({ url: "/" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).toContain("<title>Dashboard</title>");
    const script = await app.inject({ url: "/dashboard/assets/app.js" });
    expect(script.statusCode).toBe(200);
    expect(script.headers["content-type"]).toMatch(/javascript/);
    expectError(await app.inject({ url: "/dashboard/assets/nope.js" }), 404, "route_not_found");
    expectError(
      await app.inject({ url: "/dashboard/..%2F..%2Fpackage.json" }),
      404,
      "route_not_found",
    );
    // The API itself still wants the key.
    expectError(await app.inject({ url: "/jobs" }), 401, "unauthorized");
  });
});
