import { describe, expect, it } from "vitest";
import { TranslationStatusClient, type WaitMode } from "@translation-status/client";
import { simulator } from "../support/servers.js";

// Hundreds of jobs, read through a server that answers 30% of requests with a fault of every
// kind: HTML error pages, 429s, resets, hangs, truncated and dribbled bodies. Every wait, with
// the default deadline and retry policy, must still report each job's truth: an outage never
// ends a wait before its deadline, and retries are at most 15 s apart.
describe("waiting through injected faults", () => {
  it("finds every job's truth, whatever faults its reads meet", { timeout: 120_000 }, async () => {
    const server = await simulator({ seed: "chaos", pendingDurationMs: 500 });
    const client = new TranslationStatusClient({
      baseUrl: server.url,
      // A hang fault costs one whole request timeout: with the default 30 s, the waits that
      // meet one would make this test minutes long.
      requestTimeoutMs: 400,
      // 200 waits at once, each on its own: the default budget (10 requests a second) would
      // queue their first polls for 20 s. The budget has its own tests.
      maxRequestsPerSecond: Infinity,
      maxConcurrentRequests: Infinity,
    });
    // Creation meets no faults; with the default timeout, a busy machine cannot fail it.
    const creator = new TranslationStatusClient({
      baseUrl: server.url,
      maxRequestsPerSecond: Infinity,
      maxConcurrentRequests: Infinity,
    });
    const modes: WaitMode[] = ["poll", "long-poll", "stream", "auto"];
    const jobs = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const truth = i % 4 === 0 ? "error" : "completed";
        const job = await creator.createJob({
          pendingDurationMs: 200 + ((i * 37) % 1_300),
          errorProbability: truth === "error" ? 1 : 0,
          // Faults on every read of this job, not on its creation.
          faultRate: 0.3,
        });
        return { id: job.jobId!, truth, mode: modes[i % modes.length]! };
      }),
    );

    const longestWaitMs = 60_000;
    let failedRequests = 0;
    const results = await Promise.all(
      jobs.map(async (job) => {
        const started = Date.now();
        const result = await client.waitForCompletion({
          jobId: job.id,
          mode: job.mode,
          // A hang fault on a held request costs its whole hold, which a client cannot tell
          // from a long hold: the default 60 s would make this test minutes long.
          longPollWaitMs: 2_000,
          onPoll: (event) => {
            if (event.error !== undefined) failedRequests += 1;
          },
        });
        return { ...job, result, took: Date.now() - started };
      }),
    );

    for (const { truth, result, took } of results) {
      expect(result.status).toBe(truth);
      expect(took).toBeLessThan(longestWaitMs);
    }
    // The faults really happened, and were weathered.
    expect(failedRequests).toBeGreaterThan(50);
  });
});
