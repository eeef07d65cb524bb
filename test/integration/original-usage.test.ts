import { describe, expect, it } from "vitest";
import { TranslationStatusClient } from "@translation-status/client";
import { simulator } from "../support/servers.js";

// The original design's README, translated: a client on the /status URL waits for the one job.
describe("the original usage against /status", () => {
  it("answers pending, then completed, and the client waits it out", async () => {
    // Long enough to be asked while pending even on a busy machine.
    const server = await simulator({ pendingDurationMs: 1_000, errorProbability: 0 });
    const client = new TranslationStatusClient(`${server.url}/status`);

    const first = await fetch(`${server.url}/status`).then((r) => r.json());
    expect(first).toMatchObject({ result: "pending" });
    expect(Object.keys(first)[0]).toBe("result");
    expect((await client.getStatus()).status).toBe("pending");

    const final = await client.waitForCompletion({
      maxWaitMs: 10_000,
      initialIntervalMs: 100,
      backoffFactor: 1.5,
    });
    expect(final.status).toBe("completed");
    expect(final.requests).toBeGreaterThanOrEqual(2);
    expect(final.snapshot.raw).toMatchObject({ result: "completed" });
    // Stable once decided.
    expect((await client.getStatus()).status).toBe("completed");
  });

  it("ends in error with ERROR_PROBABILITY 1, as an outcome rather than an exception", async () => {
    const server = await simulator({ pendingDurationMs: 200, errorProbability: 1 });
    const client = new TranslationStatusClient(`${server.url}/status`);
    const final = await client.waitForCompletion({ maxWaitMs: 10_000, initialIntervalMs: 50 });
    expect(final.status).toBe("error");
    expect(final.snapshot.raw).toMatchObject({ result: "error" });
  });
});
