import { describe, expect, it } from "vitest";
import { buildApp, type AppOptions } from "../src/index.js";
import { createJob, expectError, setup } from "./helpers.js";

describe("buildApp options", () => {
  it.each<[string, AppOptions]>([
    ["pendingDurationMs", { pendingDurationMs: -1 }],
    ["pendingDurationMs", { pendingDurationMs: Number.NaN }],
    ["pendingDurationMs", { pendingDurationMs: Number.POSITIVE_INFINITY }],
    ["errorProbability", { errorProbability: 1.5 }],
    ["seed", { seed: 1.5 }],
    ["now", { now: 5 as unknown as () => number }],
    ["random", { random: "x" as unknown as () => number }],
    ["store", { store: {} as AppOptions["store"] & object }],
    ["bodyLimit", { bodyLimit: 0 }],
    ["maxListLimit", { maxListLimit: 2.5 }],
    ["etaError", { etaError: 1 }],
    ["etaError", { etaError: -0.1 }],
    ["etaError", { etaError: Number.NaN }],
    ["etaRandom", { etaRandom: 5 as unknown as () => number }],
    ["setTimer", { setTimer: "soon" as unknown as AppOptions["setTimer"] & object }],
    ["maxWaitSeconds", { maxWaitSeconds: 1.5 }],
    ["maxWaitSeconds", { maxWaitSeconds: -1 }],
    ["sseProgressIntervalMs", { sseProgressIntervalMs: -1 }],
    ["sseHeartbeatMs", { sseHeartbeatMs: 0.5 }],
    ["sseRetryMs", { sseRetryMs: Number.POSITIVE_INFINITY }],
    ["faultRate", { faultRate: 1.01 }],
    ["faultRate", { faultRate: Number.NaN }],
    ["faultKinds", { faultKinds: [] }],
    ["faultKinds", { faultKinds: ["504" as "500"] }],
    ["faultKinds", { faultKinds: "hang" as unknown as ["hang"] }],
    ["latencyMs", { latencyMs: -1 }],
    ["latencyMs", { latencyMs: [200, 20] }],
    ["latencyMs", { latencyMs: 60_001 }],
    ["faultRandom", { faultRandom: 1 as unknown as () => number }],
    ["latencyRandom", { latencyRandom: "x" as unknown as () => number }],
    ["rateLimit", { rateLimit: -1 }],
    ["rateLimit", { rateLimit: 1.5 }],
    ["maxConcurrentJobs", { maxConcurrentJobs: Number.POSITIVE_INFINITY }],
    ["apiKeys", { apiKeys: "k" as unknown as string[] }],
    ["apiKeys", { apiKeys: ["a,b"] }],
    ["apiKeys", { apiKeys: [""] }],
    ["idempotencyStore", { idempotencyStore: {} as AppOptions["idempotencyStore"] & object }],
    ["idempotencyTtlMs", { idempotencyTtlMs: 0 }],
    ["retentionMs", { retentionMs: 0 }],
    ["retentionMs", { retentionMs: 1.5 }],
    ["retentionMs", { retentionMs: "1d" as unknown as number }],
  ])("throws a TypeError naming %s", (name, options) => {
    expect(() => buildApp(options)).toThrow(TypeError);
    expect(() => buildApp(options)).toThrow(`\`${name}\``);
  });

  it("caps list pages at maxListLimit and defaults to the smaller of 20 and it", async () => {
    const { app } = setup({ maxListLimit: 5 });
    for (let i = 0; i < 7; i++) await createJob(app);
    expect((await app.inject({ url: "/jobs" })).json().data).toHaveLength(5);
    expectError(await app.inject({ url: "/jobs?limit=6" }), 400, "invalid_request");
  });

  it("applies bodyLimit", async () => {
    const { app } = setup({ bodyLimit: 100 });
    const payload = JSON.stringify({ metadata: { note: "x".repeat(100) } });
    const response = await app.inject({
      method: "POST",
      url: "/jobs",
      headers: { "content-type": "application/json" },
      payload,
    });
    expect(expectError(response, 413, "payload_too_large")).toContain("100 bytes");
  });
});
