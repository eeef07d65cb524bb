import { describe, expect, it } from "vitest";
import type { LegacyStatusView } from "../src/index.js";
import { START, iso, setup } from "./helpers.js";

async function status(app: ReturnType<typeof setup>["app"]) {
  const response = await app.inject({ method: "GET", url: "/status" });
  expect(response.statusCode).toBe(200);
  return { body: response.json<LegacyStatusView>(), raw: response.body };
}

describe("GET /status", () => {
  it("is pending until the duration has passed, then completed, and stays completed", async () => {
    const { app, clock } = setup({ pendingDurationMs: 10_000, errorProbability: 0, etaError: 0 });
    expect((await status(app)).body).toEqual({
      result: "pending",
      status: "pending",
      progress: 0,
      createdAt: iso(START),
      updatedAt: iso(START),
      estimatedCompletionAt: iso(START + 10_000),
    });
    clock.advance(9_999);
    expect((await status(app)).body.result).toBe("pending");
    clock.advance(1);
    expect((await status(app)).body).toEqual({
      result: "completed",
      status: "completed",
      progress: 1,
      createdAt: iso(START),
      updatedAt: iso(START + 10_000),
      estimatedCompletionAt: iso(START + 10_000),
      completedAt: iso(START + 10_000),
    });
    clock.advance(86_400_000);
    const later = (await status(app)).body;
    expect(later.result).toBe("completed");
    expect(later.updatedAt).toBe(iso(START + 10_000));
  });

  it("ends in a stable error with a reason when errorProbability is 1", async () => {
    const { app, clock } = setup({ pendingDurationMs: 1_000, errorProbability: 1 });
    expect((await status(app)).body).not.toHaveProperty("error");
    clock.advance(1_000);
    const first = (await status(app)).body;
    expect(first.result).toBe("error");
    expect(first.status).toBe("error");
    expect(first.error?.code).toMatch(/^[a-z]+(?:_[a-z]+)+$/);
    expect(first.error?.message).toEqual(expect.any(String));
    for (let i = 0; i < 5; i++) {
      clock.advance(60_000);
      expect((await status(app)).body).toEqual(first);
    }
  });

  it("puts result first, as the original clients expect", async () => {
    const { app, clock } = setup({ pendingDurationMs: 0, errorProbability: 1 });
    clock.advance(1);
    const { body, raw } = await status(app);
    expect(raw.startsWith('{"result":"error"')).toBe(true);
    expect(Object.keys(body)).toEqual([
      "result",
      "status",
      "progress",
      "createdAt",
      "updatedAt",
      "estimatedCompletionAt",
      "completedAt",
      "error",
    ]);
  });

  it("reports progress that grows while pending and never reads 1 before the end", async () => {
    const { app, clock } = setup({ pendingDurationMs: 8_000, errorProbability: 0 });
    const seen: number[] = [];
    for (const step of [0, 2_000, 2_000, 3_999]) {
      clock.advance(step);
      seen.push((await status(app)).body.progress);
    }
    expect(seen).toEqual([0, 0.25, 0.5, 0.9998]);
    clock.advance(1);
    expect((await status(app)).body.progress).toBe(1);
  });

  it("handles sub-second durations to the millisecond", async () => {
    const { app, clock } = setup({ pendingDurationMs: 250, errorProbability: 0 });
    clock.advance(249);
    expect((await status(app)).body.result).toBe("pending");
    clock.advance(1);
    const done = (await status(app)).body;
    expect(done.result).toBe("completed");
    expect(done.updatedAt).toBe("2025-01-01T00:00:00.250Z");
  });

  it("is terminal at once when the duration is 0", async () => {
    const { app } = setup({ pendingDurationMs: 0, errorProbability: 0 });
    expect((await status(app)).body).toMatchObject({ result: "completed", progress: 1 });
  });

  it("starts the clock when the app is built, not at the first request", async () => {
    const { app, clock } = setup({ pendingDurationMs: 10_000, errorProbability: 0 });
    clock.advance(10_000);
    expect((await status(app)).body.result).toBe("completed");
  });

  it("is not one of the listed jobs", async () => {
    const { app } = setup();
    await status(app);
    const list = await app.inject({ method: "GET", url: "/jobs" });
    expect(list.json()).toEqual({ data: [], nextCursor: null });
  });
});
