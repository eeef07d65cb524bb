import { describe, expect, it } from "vitest";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { JobView } from "../src/index.js";
import { START, createJob, expectError, iso, settle, setup, type FakeClock } from "./helpers.js";
import { held, untilHeld } from "./observe.js";

const options = { pendingDurationMs: 10_000, errorProbability: 0 };

function poll(app: FastifyInstance, url: string, prefer: string) {
  const response = app.inject({ url, headers: { prefer } });
  let settled = false;
  void response.then(() => (settled = true));
  return { response, settled: () => settled };
}

/** Resolves once the app holds `count` requests. */
const holding = (app: FastifyInstance, count: number) =>
  untilHeld(app, (now) => now.longPolls === count, `${count} held requests`);

/** Nothing held, and no timer armed: the app has nothing left to wake. */
async function expectIdle(app: FastifyInstance, clock: FakeClock) {
  expect((await held(app)).longPolls).toBe(0);
  expect(clock.timers).toBe(0);
}

function expectPendingHints(response: LightMyRequestResponse) {
  expect(Number(response.headers["poll-after-ms"])).toBeGreaterThanOrEqual(50);
  expect(response.headers["retry-after"]).toMatch(/^[1-9]\d*$/);
}

describe("long-polling with Prefer: wait", () => {
  it("answers at once for a terminal job, saying which wait applied", async () => {
    const { app, clock } = setup({ ...options, pendingDurationMs: 0 });
    const job = await createJob(app);
    const response = await app.inject({ url: `/jobs/${job.id}`, headers: { prefer: "wait=30" } });
    expect(response.statusCode).toBe(200);
    expect(response.json<JobView>().status).toBe("completed");
    expect(response.headers["preference-applied"]).toBe("wait=30");
    expect(response.headers.vary).toBe("Prefer");
    expect(response.headers["poll-after-ms"]).toBeUndefined();
    await expectIdle(app, clock);
  });

  it("wakes the moment the job completes, before the wait is over", async () => {
    const { app, clock } = setup(options);
    const job = await createJob(app);
    const held = poll(app, `/jobs/${job.id}`, "wait=30");
    await holding(app, 1);
    clock.advance(9_999);
    await settle();
    expect(held.settled()).toBe(false);
    clock.advance(1);
    const response = await held.response;
    expect(response.statusCode).toBe(200);
    expect(response.json<JobView>()).toMatchObject({
      status: "completed",
      completedAt: iso(START + 10_000),
    });
    expect(response.headers["preference-applied"]).toBe("wait=30");
    expect(response.headers["poll-after-ms"]).toBeUndefined();
    expect(response.headers["retry-after"]).toBeUndefined();
    expect(clock.now()).toBe(START + 10_000);
    await expectIdle(app, clock);
  });

  it("wakes when the job is cancelled", async () => {
    const { app, clock } = setup(options);
    const job = await createJob(app);
    const held = poll(app, `/jobs/${job.id}`, "wait=30");
    await holding(app, 1);
    clock.advance(2_000);
    const cancel = await app.inject({ method: "DELETE", url: `/jobs/${job.id}` });
    expect(cancel.statusCode).toBe(200);
    const response = await held.response;
    expect(response.json<JobView>()).toMatchObject({
      status: "cancelled",
      completedAt: iso(START + 2_000),
    });
    expect(response.headers["preference-applied"]).toBe("wait=30");
    await expectIdle(app, clock);
  });

  it("answers pending, with hints, when the wait runs out", async () => {
    const { app, clock } = setup(options);
    const job = await createJob(app);
    const held = poll(app, `/jobs/${job.id}`, "respond-async, wait=3");
    await holding(app, 1);
    clock.advance(2_999);
    await settle();
    expect(held.settled()).toBe(false);
    clock.advance(1);
    const response = await held.response;
    expect(response.statusCode).toBe(200);
    expect(response.json<JobView>()).toMatchObject({ status: "pending", progress: 0.3 });
    expect(response.headers["preference-applied"]).toBe("wait=3");
    expectPendingHints(response);
    await expectIdle(app, clock);
  });

  it("caps the wait at maxWaitSeconds", async () => {
    const { app, clock } = setup({ ...options, maxWaitSeconds: 5 });
    const job = await createJob(app);
    const held = poll(app, `/jobs/${job.id}`, "wait=3600");
    await holding(app, 1);
    clock.advance(4_999);
    await settle();
    expect(held.settled()).toBe(false);
    clock.advance(1);
    const response = await held.response;
    expect(response.json<JobView>().status).toBe("pending");
    expect(response.headers["preference-applied"]).toBe("wait=5");
  });

  it("does not hold for wait=0, nor when the maximum is 0", async () => {
    for (const [maxWaitSeconds, prefer, applied] of [
      [60, "wait=0", "wait=0"],
      [0, "wait=30", "wait=0"],
    ] as const) {
      const { app, clock } = setup({ ...options, maxWaitSeconds });
      const job = await createJob(app);
      const response = await app.inject({ url: `/jobs/${job.id}`, headers: { prefer } });
      expect(response.json<JobView>().status).toBe("pending");
      expect(response.headers["preference-applied"]).toBe(applied);
      expectPendingHints(response);
      await expectIdle(app, clock);
    }
  });

  it("wakes 100 waiters on one job with one scheduler entry for the job", async () => {
    const { app, clock } = setup(options);
    const job = await createJob(app);
    const waiters = Array.from({ length: 100 }, (_, i) =>
      app.inject({ url: `/jobs/${job.id}`, headers: { prefer: `wait=${20 + (i % 40)}` } }),
    );
    await holding(app, 100);
    // 100 deadlines and the job's single completion wake-up, behind one timer.
    expect(clock.timers).toBe(1);
    clock.advance(10_000);
    const responses = await Promise.all(waiters);
    expect(responses.map((r) => r.json<JobView>().status)).toEqual(Array(100).fill("completed"));
    await expectIdle(app, clock);
  });

  it("holds GET /status too", async () => {
    const { app, clock } = setup(options);
    const held = poll(app, "/status", "wait=60");
    await holding(app, 1);
    clock.advance(10_000);
    const response = await held.response;
    const body = response.json<JobView>();
    expect(Object.keys(body)[0]).toBe("result");
    expect(body.result).toBe("completed");
    expect(response.headers["preference-applied"]).toBe("wait=60");
    expect(response.headers.link).toContain("</status>");
  });

  it("answers 404 at once for an unknown job", async () => {
    const { app, clock } = setup(options);
    const response = await app.inject({ url: "/jobs/job_missing", headers: { prefer: "wait=30" } });
    expectError(response, 404, "job_not_found");
    await expectIdle(app, clock);
  });

  it("lets every held request go, pending, when the app closes", async () => {
    const { app, clock } = setup(options);
    const job = await createJob(app);
    const held = [
      app.inject({ url: `/jobs/${job.id}`, headers: { prefer: "wait=60" } }),
      app.inject({ url: "/status", headers: { prefer: "wait=60" } }),
    ];
    await holding(app, 2);
    await app.close();
    for (const response of await Promise.all(held)) {
      expect(response.statusCode).toBe(200);
      expect(response.json<JobView>().status).toBe("pending");
      expect(response.headers["preference-applied"]).toBe("wait=60");
    }
    expect(clock.timers).toBe(0);
  });
});
