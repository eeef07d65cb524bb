import { describe, expect, it } from "vitest";
import { TranslationStatusClient } from "@translation-status/client";
import { createRawJob as create, simulator } from "../support/servers.js";

// Wall-clock tests, kept few and with generous tolerance: the hold itself is what is tested.
describe("long-polling over real HTTP", () => {
  it("holds the request until the job changes, then answers at once", async () => {
    const server = await simulator();
    const id = await create(server.url, 500);
    const started = Date.now();
    const response = await fetch(`${server.url}/jobs/${id}`, { headers: { prefer: "wait=10" } });
    const elapsed = Date.now() - started;
    expect(response.headers.get("preference-applied")).toBe("wait=10");
    expect(await response.json()).toMatchObject({ status: "completed" });
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(3_000);
  });

  it("answers pending when the wait runs out first", async () => {
    const server = await simulator();
    const id = await create(server.url, 60_000);
    const started = Date.now();
    const response = await fetch(`${server.url}/jobs/${id}`, { headers: { prefer: "wait=1" } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(response.headers.get("preference-applied")).toBe("wait=1");
    expect(await response.json()).toMatchObject({ status: "pending" });
    expect(Number(response.headers.get("poll-after-ms"))).toBeGreaterThan(0);
  });

  it("wakes every waiter of a job at once", async () => {
    const server = await simulator();
    const id = await create(server.url, 400);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(`${server.url}/jobs/${id}`, { headers: { prefer: "wait=10" } }).then((r) => r.json()),
      ),
    );
    expect(answers.every((a) => (a as { status: string }).status === "completed")).toBe(true);
  });

  it("lets the client wait with one or two requests and learn of completion at once", async () => {
    const server = await simulator({ errorProbability: 0 });
    const client = new TranslationStatusClient({ baseUrl: server.url });
    const job = await client.createJob({ pendingDurationMs: 800 });
    const result = await client.waitForCompletion({ jobId: job.jobId!, mode: "long-poll" });
    const knownAt = Date.now();
    expect(result).toMatchObject({ status: "completed", mode: "long-poll" });
    expect(result.requests).toBeLessThanOrEqual(2);
    expect(knownAt - Date.parse(result.snapshot.completedAt!)).toBeLessThan(500);
  });
});
