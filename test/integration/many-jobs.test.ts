import { describe, expect, it } from "vitest";
import { NotFoundError, TranslationStatusClient } from "@translation-status/client";
import { countingProxy, simulator } from "../support/servers.js";

const unlimited = { maxRequestsPerSecond: Infinity, maxConcurrentRequests: Infinity };

async function createMany(client: TranslationStatusClient, count: number) {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const truth = i % 5 === 0 ? "error" : "completed";
      const job = await client.createJob({
        pendingDurationMs: 200 + ((i * 53) % 1_300),
        errorProbability: truth === "error" ? 1 : 0,
      });
      return { id: job.jobId!, truth };
    }),
  );
}

describe("many jobs over real HTTP", () => {
  it("reads a batch, reporting unknown ids one by one, and refuses more than 100", async () => {
    const server = await simulator({ pendingDurationMs: 60_000 });
    const client = new TranslationStatusClient({ baseUrl: server.url, ...unlimited });
    const job = await client.createJob();
    const answer = await fetch(`${server.url}/jobs?ids=${job.jobId},job_nothere`);
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as {
      data: Array<{ id: string }>;
      errors: Array<{ id: string }>;
    };
    expect(body.data.map((j) => j.id)).toEqual([job.jobId]);
    expect(body.errors.map((e) => e.id)).toEqual(["job_nothere"]);
    const ids = Array.from({ length: 101 }, (_, i) => `job_${i}`).join(",");
    const tooMany = await fetch(`${server.url}/jobs?ids=${ids}`);
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ error: { code: "invalid_request" } });
  });

  it("waits on 300 jobs with a fraction of a request each, each outcome its job's truth", async () => {
    const server = await simulator();
    const maker = new TranslationStatusClient({ baseUrl: server.url, ...unlimited });
    const jobs = await createMany(maker, 300);
    const proxy = await countingProxy(server.url);
    const client = new TranslationStatusClient({ baseUrl: proxy.url, ...unlimited });
    const outcomes = await client.waitForAll(
      jobs.map((j) => j.id),
      { mode: "poll", maxWaitMs: 20_000 },
    );
    outcomes.forEach((outcome, i) => {
      expect(outcome.jobId).toBe(jobs[i]!.id);
      expect(outcome.ok && outcome.result.status).toBe(jobs[i]!.truth);
    });
    // Polled one by one, with the same hints, 300 jobs take over 1 000 requests.
    expect(proxy.arrivals.every((a) => a.path.startsWith("/jobs?ids="))).toBe(true);
    expect(proxy.arrivals.length).toBeLessThan(150);
  });

  it("yields each job as it finishes over the multiplexed stream, and reports missing ones", async () => {
    const server = await simulator();
    const client = new TranslationStatusClient({ baseUrl: server.url, ...unlimited });
    const jobs = await createMany(client, 120);
    const seen: string[] = [];
    const modes = new Set<string>();
    let missing: unknown;
    for await (const outcome of client.waitForEach([...jobs.map((j) => j.id), "job_nothere"], {
      maxWaitMs: 20_000,
    })) {
      if (outcome.ok) {
        // Jobs already done at the first batch read are known from it; the rest from the stream.
        modes.add(outcome.result.mode);
        expect(outcome.result.status).toBe(jobs.find((j) => j.id === outcome.jobId)!.truth);
        seen.push(outcome.jobId);
      } else {
        missing = outcome.error;
      }
    }
    expect(seen).toHaveLength(120);
    expect(modes.has("stream")).toBe(true);
    expect(missing).toBeInstanceOf(NotFoundError);
  });

  it("keeps a burst of waits within the client's budget, as the server counts them", async () => {
    const server = await simulator({ pendingDurationMs: 1_500, errorProbability: 0 });
    const maker = new TranslationStatusClient({ baseUrl: server.url, ...unlimited });
    const jobs = await createMany(maker, 30);
    const proxy = await countingProxy(server.url);
    const client = new TranslationStatusClient({ baseUrl: proxy.url, maxRequestsPerSecond: 10 });
    const started = Date.now();
    const results = await Promise.all(
      jobs.map((j) => client.waitForCompletion({ jobId: j.id, mode: "poll", maxWaitMs: 60_000 })),
    );
    expect(results).toHaveLength(30);
    // A burst of one second's worth, then 10 a second: never more than 20 in any second.
    const perSecond = new Map<number, number>();
    for (const { at } of proxy.arrivals) {
      const second = Math.floor((at - started) / 1_000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(20);
    expect(proxy.arrivals.length).toBeGreaterThanOrEqual(30);
  }, 60_000);

  it("lets one job's wait be cancelled, or the job itself, without disturbing the others", async () => {
    const server = await simulator({ errorProbability: 0 });
    const client = new TranslationStatusClient({ baseUrl: server.url, ...unlimited });
    const [a, b, c] = await Promise.all(
      [600, 5_000, 900].map((pendingDurationMs) => client.createJob({ pendingDurationMs })),
    );
    const stop = new AbortController();
    const waiting = client.waitForAll([
      a!.jobId!,
      { jobId: b!.jobId!, signal: stop.signal },
      c!.jobId!,
    ]);
    stop.abort(new Error("no longer needed"));
    const outcomes = await waiting;
    expect(outcomes.map((o) => (o.ok ? o.result.status : (o.error as Error).message))).toEqual([
      "completed",
      "no longer needed",
      "completed",
    ]);

    const d = await client.createJob({ pendingDurationMs: 60_000 });
    const e = await client.createJob({ pendingDurationMs: 500 });
    const both = client.waitForAll([d.jobId!, e.jobId!]);
    await client.cancelJob(d.jobId!);
    const [dOut, eOut] = await both;
    expect(dOut!.ok && dOut!.result.status).toBe("cancelled");
    expect(eOut!.ok && eOut!.result.status).toBe("completed");
  });
});
