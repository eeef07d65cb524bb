import { describe, expect, it } from "vitest";
import { createJob, expectError, settle, setup } from "./helpers.js";

async function pendingAndAll(app: ReturnType<typeof setup>["app"]) {
  const text = (await app.inject({ url: "/metrics" })).body;
  const count = (status: string) =>
    Number(new RegExp(`^translation_jobs\\{status="${status}"\\} (\\d+)$`, "m").exec(text)![1]);
  return { pending: count("pending"), completed: count("completed") };
}

describe("retention", () => {
  it("forgets a job a retention period after it ended, never a pending one", async () => {
    const { app, clock } = setup({ retentionMs: 60_000, errorProbability: 0 });
    const short = await createJob(app, { pendingDurationMs: 1_000 });
    const long = await createJob(app, { pendingDurationMs: 3_600_000 });
    clock.advance(1_000 + 60_000);
    // Still there at exactly the retention period: kept for at least that long.
    await createJob(app, { pendingDurationMs: 1_000 });
    await settle();
    expect((await app.inject({ url: `/jobs/${short.id}` })).statusCode).toBe(200);
    clock.advance(10_000);
    await createJob(app, { pendingDurationMs: 1_000 });
    await settle();
    expectError(await app.inject({ url: `/jobs/${short.id}` }), 404, "job_not_found");
    expect((await app.inject({ url: `/jobs/${long.id}` })).json()).toMatchObject({
      status: "pending",
    });
  });

  it("keeps memory to the jobs of the last retention period over a long run", async () => {
    const { app, clock } = setup({ retentionMs: 10_000, errorProbability: 0 });
    for (let i = 0; i < 500; i++) {
      await createJob(app, { pendingDurationMs: 1_000 });
      clock.advance(1_000);
    }
    await settle();
    const { pending, completed } = await pendingAndAll(app);
    expect(pending).toBeLessThanOrEqual(1);
    // Ten seconds of jobs, plus those since the last clean-up (a tenth of the period).
    expect(completed).toBeGreaterThanOrEqual(10);
    expect(completed).toBeLessThanOrEqual(12);
  });

  it("forgets an Idempotency-Key with its job: a retry after the period makes a new job", async () => {
    const { app, clock } = setup({ retentionMs: 60_000, errorProbability: 0 });
    const post = () =>
      app.inject({
        method: "POST",
        url: "/jobs",
        headers: { "idempotency-key": "order-1" },
        payload: { pendingDurationMs: 1_000 },
      });
    const first = (await post()).json();
    clock.advance(30_000);
    expect((await post()).json().id).toBe(first.id);
    clock.advance(40_000);
    await createJob(app, { pendingDurationMs: 1_000 });
    await settle();
    const again = await post();
    expect(again.statusCode).toBe(201);
    expect(again.json().id).not.toBe(first.id);
  });
});
