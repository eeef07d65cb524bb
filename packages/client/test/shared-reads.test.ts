import { describe, expect, it } from "vitest";
import { TranslationStatusClient } from "@translation-status/client";
import { VirtualClock } from "../../../test/support/virtual-clock.js";
import { fakeBatchServer, type FakeJob } from "../../../test/support/fake-batch-server.js";

const jobs: Record<string, FakeJob> = {
  a: { durationMs: 300, outcome: "completed" },
  b: { durationMs: 2_000, outcome: "error" },
  c: { durationMs: 8_000, outcome: "completed" },
};

function setup(features: { batch?: boolean; stream?: boolean }) {
  const clock = new VirtualClock();
  const server = fakeBatchServer(clock, jobs, features);
  const client = new TranslationStatusClient({
    baseUrl: "http://sim.test",
    fetch: server.fetch,
    clock,
  });
  return { clock, client, requests: server.requests };
}

describe("concurrent waits on one client", () => {
  it("share one batch read and one multiplexed stream, and learn each end at once", async () => {
    const { clock, client, requests } = setup({ stream: true });
    const results = await clock.run(
      Promise.all(["a", "b", "c"].map((jobId) => client.waitForCompletion(jobId))),
    );
    expect(results.map((r) => [r.status, r.elapsedMs, r.mode])).toEqual([
      ["completed", 300, "stream"],
      ["error", 2_000, "stream"],
      ["completed", 8_000, "stream"],
    ]);
    expect(requests.map((r) => [r.path, r.ids])).toEqual([
      ["/jobs", ["a", "b", "c"]],
      ["/events", ["a", "b", "c"]],
    ]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("keep the shared stream for the others when one wait is cancelled", async () => {
    const { clock, client, requests } = setup({ stream: true });
    const controller = new AbortController();
    const cancelled = client
      .waitForCompletion({ jobId: "c", signal: controller.signal })
      .catch((e: unknown) => e);
    const others = Promise.all(["a", "b"].map((jobId) => client.waitForCompletion(jobId)));
    await clock.advance(1_000);
    controller.abort(new Error("no longer needed"));
    expect(((await cancelled) as Error).message).toBe("no longer needed");
    const results = await clock.run(others);
    expect(results.map((r) => r.elapsedMs)).toEqual([300, 2_000]);
    expect(requests.map((r) => r.path)).toEqual(["/jobs", "/events"]);
  });

  it("read alone where the server has no batch reads", async () => {
    const { clock, client, requests } = setup({ batch: false });
    const results = await clock.run(
      Promise.all(["a", "b", "c"].map((jobId) => client.waitForCompletion(jobId))),
    );
    expect(results.map((r) => r.status)).toEqual(["completed", "error", "completed"]);
    // One refused batch read, then every job on its own, following its hints.
    expect(requests[0]).toMatchObject({ path: "/jobs", ids: ["a", "b", "c"] });
    expect(requests.slice(1).every((r) => r.path.startsWith("/jobs/"))).toBe(true);
    expect(results.map((r) => r.elapsedMs)).toEqual([310, 2_010, 8_010]);
  });

  it("leave a lone wait to read its job alone", async () => {
    const { clock, client, requests } = setup({ stream: true });
    await clock.run(client.waitForCompletion("a"));
    expect(requests[0]!.path).toBe("/jobs/a");
  });
});
