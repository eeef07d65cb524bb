import { describe, expect, it } from "vitest";
import { TranslationStatusClient } from "@translation-status/client";
import { countingProxy, createRawJob, simulator } from "../support/servers.js";

// Twelve waits started together on one client with its default options (budget included):
// they share one batch read and one multiplexed stream, so each job costs at most 3 requests
// and is learned about as soon as the server knows, as a lone wait would be.
describe("many waits on one client", () => {
  it("share their reads: 12 jobs of 0.3 to 8 s, at most 3 requests each, p95 delay <= 100 ms", async () => {
    const server = await simulator({ seed: "concurrent", errorProbability: 0 });
    const proxy = await countingProxy(server.url);
    // Warm the in-process server's routes, as a deployed one is: the first answers of a cold
    // process take a JIT's time that no client can save.
    const warm = await createRawJob(server.url, 0);
    await (await fetch(`${proxy.url}/jobs?ids=${warm},x`)).text();
    proxy.arrivals.length = 0;
    const durations = Array.from({ length: 12 }, (_, i) => Math.round(300 + (i * 7_700) / 11));
    // Made with plain requests at once, so even the 0.3 s job is still pending when waited on.
    const ids = await Promise.all(durations.map((ms) => createRawJob(server.url, ms)));

    const client = new TranslationStatusClient({ baseUrl: proxy.url });
    const started = Date.now();
    const delays = await Promise.all(
      ids.map(async (jobId) => {
        const result = await client.waitForCompletion({ jobId, maxWaitMs: 30_000 });
        const learnedAt = Date.now();
        expect(result.status).toBe("completed");
        // From the job's end, or, for a job that ended before the first read reached the server
        // (a busy machine makes twelve jobs slowly), from that read: nothing could know sooner.
        const firstRead = proxy.arrivals[0]?.at ?? started;
        return learnedAt - Math.max(firstRead, Date.parse(result.snapshot.completedAt!));
      }),
    );

    const requestsPerJob = proxy.arrivals.length / ids.length;
    const sorted = [...delays].sort((a, b) => a - b);
    const p95 = sorted[Math.ceil(sorted.length * 0.95) - 1]!;
    if (process.env.SHOW_FIGURES) {
      console.info({
        requests: proxy.arrivals.map((a) => a.path.split("?")[0]),
        requestsPerJob,
        delays: sorted,
        p95,
      });
    }
    expect(requestsPerJob).toBeLessThanOrEqual(3);
    // Shared, not merely few: one batch read and one stream serve all twelve.
    expect(proxy.arrivals.map((a) => a.path.split("?")[0])).toEqual(["/jobs", "/events"]);
    expect(p95).toBeLessThanOrEqual(100);
  });
});
