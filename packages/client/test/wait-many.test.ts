import { describe, expect, it } from "vitest";
import {
  NotFoundError,
  TranslationStatusClient,
  WaitTimeoutError,
  type JobOutcome,
} from "@translation-status/client";
import { fakeBatchServer, type FakeJob } from "../../../test/support/fake-batch-server.js";
import { VirtualClock } from "../../../test/support/virtual-clock.js";

function setup(
  jobs: Record<string, FakeJob>,
  features: { batch?: boolean; stream?: boolean } = {},
) {
  const clock = new VirtualClock();
  const server = fakeBatchServer(clock, jobs, features);
  const client = new TranslationStatusClient({
    baseUrl: "http://sim.test",
    fetch: server.fetch,
    clock,
    maxRequestsPerSecond: Infinity,
  });
  return { clock, client, requests: server.requests };
}

/** `count` jobs ending 20 ms apart from `firstMs`; every third fails. */
function cluster(count: number, firstMs: number): Record<string, FakeJob> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `job_${i}`,
      { durationMs: firstMs + i * 20, outcome: i % 3 === 0 ? "error" : "completed" },
    ]),
  );
}

const statusOf = (o: JobOutcome) => (o.ok ? o.result.status : (o.error as Error).name);

describe("waitForAll", () => {
  it("settles 50 jobs with a handful of batch requests", async () => {
    const jobs = cluster(50, 10_000);
    const { clock, client, requests } = setup(jobs);
    const outcomes = await clock.run(client.waitForAll(Object.keys(jobs), { mode: "poll" }));
    expect(outcomes.map((o) => o.jobId)).toEqual(Object.keys(jobs));
    outcomes.forEach((o, i) => expect(statusOf(o)).toBe(i % 3 === 0 ? "error" : "completed"));
    // One round for all at once; then each job due waits up to 250 ms for company. Polled
    // one by one, even with exact hints, they would have taken two requests each.
    expect(requests.every((r) => r.path === "/jobs")).toBe(true);
    expect(requests.length).toBeLessThanOrEqual(6);
    outcomes.forEach((o, i) => {
      // The clock started at 0 with the jobs: elapsed time minus length is the delay.
      const delay = o.ok ? o.result.elapsedMs - jobs[`job_${i}`]!.durationMs : Infinity;
      expect(delay).toBeLessThan(300);
    });
  });

  it("learns each job's size, given with its id, beside its duration", async () => {
    const jobs = cluster(3, 1_000);
    const { clock, client } = setup(jobs);
    await clock.run(
      client.waitForAll(
        Object.keys(jobs).map((jobId, i) => ({ jobId, size: 10 + i })),
        { mode: "poll", kind: "dub" },
      ),
    );
    const model = client.exportModel();
    // Learned in the order the jobs ended, each with its own size.
    expect(model.sizes?.dub).toEqual([10, 11, 12]);
  });

  it("refuses a job whose size is not a positive number", async () => {
    const { client } = setup(cluster(1, 1_000));
    await expect(client.waitForAll([{ jobId: "job_0", size: -1 }])).rejects.toThrow(TypeError);
  });

  it("asks at most batchSize ids per request", async () => {
    const jobs = cluster(250, 0);
    const { clock, client, requests } = setup(jobs);
    await clock.run(client.waitForAll(Object.keys(jobs), { mode: "poll" }));
    expect(requests.map((r) => r.ids.length).slice(0, 3)).toEqual([100, 100, 50]);
  });

  it("reports an unknown job as its own outcome and finishes the others", async () => {
    const { clock, client } = setup(cluster(3, 1_000));
    const outcomes = await clock.run(client.waitForAll(["job_0", "job_nope", "job_2"]));
    expect(outcomes.map(statusOf)).toEqual(["error", "NotFoundError", "completed"]);
    const missing = outcomes[1]!;
    expect(!missing.ok && missing.error).toBeInstanceOf(NotFoundError);
  });

  it("times out the jobs still pending at the deadline, with their last status", async () => {
    const { clock, client } = setup({
      ...cluster(2, 1_000),
      job_slow: { durationMs: 60_000, outcome: "completed" },
    });
    const outcomes = await clock.run(
      client.waitForAll(["job_0", "job_1", "job_slow"], { maxWaitMs: 5_000 }),
    );
    expect(outcomes.map(statusOf)).toEqual(["error", "completed", "WaitTimeoutError"]);
    const slow = outcomes[2]!;
    expect(!slow.ok && slow.error).toBeInstanceOf(WaitTimeoutError);
    expect(!slow.ok && (slow.error as WaitTimeoutError).lastStatus?.status).toBe("pending");
    expect(clock.now()).toBe(5_000);
  });

  it("waits on each job alone when the server has no batch endpoint", async () => {
    const jobs = cluster(5, 2_000);
    const { clock, client, requests } = setup(jobs, { batch: false });
    const outcomes = await clock.run(client.waitForAll(Object.keys(jobs)));
    outcomes.forEach((o, i) => expect(statusOf(o)).toBe(i % 3 === 0 ? "error" : "completed"));
    expect(requests.filter((r) => r.path.startsWith("/jobs/")).length).toBeGreaterThanOrEqual(5);
  });

  it("follows the multiplexed stream when the server advertises it", async () => {
    const jobs = cluster(30, 3_000);
    const { clock, client, requests } = setup(jobs, { stream: true });
    const outcomes = await clock.run(client.waitForAll(Object.keys(jobs)));
    outcomes.forEach((o, i) => expect(statusOf(o)).toBe(i % 3 === 0 ? "error" : "completed"));
    expect(requests.map((r) => r.path)).toEqual(["/jobs", "/events"]);
    expect(outcomes.every((o) => o.ok && o.result.mode === "stream")).toBe(true);
  });
});

describe("waitForAll on many jobs at once", () => {
  // Every chunk's request, sleep or stream, and every job's wait when the server has no batch
  // endpoint, runs concurrently: each must not add a listener of its own to a signal they share
  // (Node warns past ten: `MaxListenersExceededWarning`).
  it.each([
    ["batch polls", { batch: true }],
    ["multiplexed streams", { stream: true }],
    ["a wait per job", { batch: false }],
  ] as const)("adds no listener per request to a shared signal: %s", async (_name, features) => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      const jobs = cluster(1_500, 1_000);
      const { clock, client } = setup(jobs, features);
      const outcomes = await clock.run(client.waitForAll(Object.keys(jobs)));
      expect(outcomes).toHaveLength(1_500);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).not.toContain("MaxListenersExceededWarning");
  });
});

describe("waitForEach", () => {
  it("yields each job the moment it finishes, in the order they finish", async () => {
    const jobs = {
      job_late: { durationMs: 9_000, outcome: "completed" as const },
      job_early: { durationMs: 1_000, outcome: "completed" as const },
    };
    const { clock, client } = setup(jobs);
    const seen: Array<[string, number]> = [];
    await clock.run(
      (async () => {
        for await (const outcome of client.waitForEach(Object.keys(jobs))) {
          seen.push([outcome.jobId, clock.now()]);
        }
      })(),
    );
    expect(seen.map(([id]) => id)).toEqual(["job_early", "job_late"]);
    // Its hint says 1 010 ms; it may wait a tenth of that for company.
    expect(seen[0]![1]).toBeLessThanOrEqual(1_111);
  });

  it("ends one job's wait on its own signal without disturbing the others", async () => {
    const jobs = cluster(3, 5_000);
    const { clock, client, requests } = setup(jobs);
    const cancel = new AbortController();
    const waiting = client.waitForAll([
      "job_0",
      { jobId: "job_1", signal: cancel.signal },
      "job_2",
    ]);
    await clock.advance(1_000);
    cancel.abort(new Error("not needed any more"));
    const outcomes = await clock.run(waiting);
    expect(outcomes.map(statusOf)).toEqual(["error", "Error", "completed"]);
    const afterCancel = requests.filter((r) => r.at > 1_000);
    expect(afterCancel.some((r) => r.ids.includes("job_1"))).toBe(false);
  });

  it("settles a job whose signal had already aborted, and waits on the ones after it", async () => {
    const jobs = cluster(2, 3_000);
    const { clock, client, requests } = setup(jobs);
    const outcomes = await clock.run(
      client.waitForAll([
        { jobId: "job_0", signal: AbortSignal.abort(new Error("gone")) },
        "job_1",
      ]),
    );
    expect(outcomes.map(statusOf)).toEqual(["Error", "completed"]);
    expect(requests.some((r) => r.ids.includes("job_0"))).toBe(false);
  });

  it("stops everything when the wait's signal aborts, leaving no timer", async () => {
    const jobs = cluster(3, 50_000);
    const { clock, client } = setup(jobs);
    const controller = new AbortController();
    const waiting = client
      .waitForAll(Object.keys(jobs), { signal: controller.signal })
      .catch((e) => e);
    await clock.advance(2_000);
    controller.abort(new Error("shutting down"));
    expect(((await waiting) as Error).message).toBe("shutting down");
    await clock.advance(0);
    expect(clock.pendingTimers).toBe(0);
  });
});
