import type { FastifyPluginAsync } from "fastify";
import { describe, expect, it, onTestFinished } from "vitest";
import { ownerOf } from "../src/auth/caller.js";
import { buildApp } from "../src/index.js";
import { deriveState } from "../src/jobs/derive.js";
import { START, expectError, fakeClock, iso } from "./helpers.js";

/**
 * A made-up vendor's API over the simulator's jobs, as an API profile is written: its routes
 * declare what they are (`config`, `schema`), its handlers leave the job they answered with.
 */
const toyProfile: FastifyPluginAsync = async (app) => {
  app.post(
    "/toy/tasks",
    { config: { timelineKind: "create" }, schema: { summary: "Start a toy task", tags: ["toy"] } },
    async (request) => {
      const { record, at } = await app.jobs.create({}, { owner: ownerOf(request) });
      request.answered = { record, state: deriveState(record, at) };
      return { task_id: record.id };
    },
  );
  app.get<{ Params: { task_id: string } }>(
    "/toy/tasks/:task_id",
    {
      config: { jobParam: "task_id", timelineKind: "read" },
      schema: { summary: "Read a toy task", tags: ["toy"] },
    },
    async (request) => {
      const { record, at } = await app.jobs.get(request.params.task_id, ownerOf(request));
      request.answered = { record, state: deriveState(record, at) };
      return { task_id: record.id, state: request.answered.state.status };
    },
  );
};

const key = { "x-api-key": "toy-key" };

function toyApp() {
  const clock = fakeClock();
  // Keys on, to see the profile's routes ask for one; no dashboard build needed here.
  const app = buildApp({
    now: clock.now,
    setTimer: clock.setTimer,
    apiKeys: ["toy-key"],
    pendingDurationMs: 10_000,
    // Every job completes: the test reads its outcome, not the draw.
    errorProbability: 0,
    dashboardDir: false,
  });
  // The one line a new profile adds.
  void app.register(toyProfile);
  onTestFinished(() => app.close());
  return { app, clock };
}

describe("an API profile registered as one plugin", () => {
  it("gets auth, a job's fault overrides, the timelines and the OpenAPI document", async () => {
    const { app, clock } = toyApp();

    expectError(await app.inject({ method: "POST", url: "/toy/tasks" }), 401, "unauthorized");
    const started = await app.inject({ method: "POST", url: "/toy/tasks", headers: key });
    expect(started.statusCode).toBe(200);
    const { task_id } = started.json<{ task_id: string }>();
    clock.advance(10_000);
    const read = await app.inject({ url: `/toy/tasks/${task_id}`, headers: key });
    expect(read.json()).toEqual({ task_id, state: "completed" });

    // A job whose requests all fail: its override applies to the toy route that names it.
    const faulty = await app.inject({
      method: "POST",
      url: "/jobs",
      headers: key,
      payload: { faultRate: 1, faultKinds: ["503"] },
    });
    const faultyId = faulty.json<{ id: string }>().id;
    const faulted = await app.inject({ url: `/toy/tasks/${faultyId}`, headers: key });
    expect(faulted.statusCode).toBe(503);
    expect(faulted.headers["x-injected-fault"]).toBe("503");

    const timeline = await app.inject({ url: `/jobs/${task_id}/timeline`, headers: key });
    expect(timeline.json()).toMatchObject({
      learned: { at: iso(START + 10_000), mode: "poll", endpoint: "GET /toy/tasks/:task_id" },
      entries: [
        { endpoint: "POST /toy/tasks", mode: "create", statusCode: 200, result: "pending" },
        { endpoint: "GET /toy/tasks/:task_id", mode: "poll", result: "completed" },
      ],
    });
    const faultyTimeline = await app.inject({ url: `/jobs/${faultyId}/timeline`, headers: key });
    expect(faultyTimeline.json<{ entries: unknown[] }>().entries[1]).toMatchObject({
      endpoint: "GET /toy/tasks/:task_id",
      statusCode: 503,
    });

    const doc = await app.inject({ url: "/openapi.json" });
    const paths = doc.json<{ paths: Record<string, Record<string, { summary?: string }>> }>().paths;
    expect(paths["/toy/tasks"]?.post?.summary).toBe("Start a toy task");
    expect(paths["/toy/tasks/{task_id}"]?.get?.summary).toBe("Read a toy task");
  });
});

describe("a route's declared facts", () => {
  it("are checked as the route is added: jobParam must be one of its path parameters", async () => {
    const { app } = toyApp();
    void app.register(async (scope) => {
      scope.get("/toy/broken/:id", { config: { jobParam: "task_id" } }, async () => ({}));
    });
    await expect(app.ready()).rejects.toThrow(
      'GET /toy/broken/:id: config.jobParam is "task_id", not one of its path parameters',
    );
  });
});
