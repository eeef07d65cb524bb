import { describe, expect, it } from "vitest";
import { TranslationStatusClient } from "@translation-status/client";
import { RequestBudget } from "../src/internal/index.js";
import { VirtualClock } from "../../../test/support/virtual-clock.js";
import { jsonResponse, scriptedFetch } from "../../../test/support/scripted-fetch.js";

function budget(maxRequestsPerSecond: number, maxConcurrentRequests = 100) {
  const clock = new VirtualClock();
  return {
    clock,
    budget: new RequestBudget({ maxRequestsPerSecond, maxConcurrentRequests }, clock),
  };
}

describe("RequestBudget", () => {
  it("lets a second's worth through at once, then one every 1/rate", async () => {
    const { clock, budget: b } = budget(10);
    const started: number[] = [];
    const all = Array.from({ length: 15 }, () =>
      b.acquire(false).then((release) => {
        started.push(clock.now());
        release();
      }),
    );
    await clock.run(Promise.all(all));
    expect(started.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(started.slice(10).map(Math.round)).toEqual([100, 200, 300, 400, 500]);
  });

  it("caps short requests in flight, but not held ones", async () => {
    const { clock, budget: b } = budget(Infinity, 2);
    const first = await b.acquire(false);
    await b.acquire(false);
    let third = false;
    const waiting = b.acquire(false).then(() => (third = true));
    await b.acquire(true); // a long-poll or a stream takes no slot
    await clock.advance(0);
    expect(third).toBe(false);
    expect(b.queued).toBe(1);
    first();
    await clock.run(waiting);
    expect(third).toBe(true);
    expect(b.active).toBe(2);
  });

  it("holds everyone back while paused by a 429", async () => {
    const { clock, budget: b } = budget(Infinity);
    b.pause(2_000);
    const at = await clock.run(b.acquire(false).then(() => clock.now()));
    expect(at).toBe(2_000);
  });

  it("rejects a queued request whose signal aborts, and leaves no timer behind", async () => {
    const { clock, budget: b } = budget(1);
    await b.acquire(true);
    const controller = new AbortController();
    const waiting = b.acquire(true, controller.signal).catch((e: unknown) => e);
    await clock.advance(10);
    expect(clock.pendingTimers).toBe(1);
    controller.abort(new Error("gone"));
    expect(((await waiting) as Error).message).toBe("gone");
    expect(clock.pendingTimers).toBe(0);
    expect(b.queued).toBe(0);
  });
});

describe("a client's budget", () => {
  it("is shared by all its waits, which back off together after a 429", async () => {
    const clock = new VirtualClock();
    let served = 0;
    const { fetch, calls } = scriptedFetch(
      [
        () => {
          served += 1;
          // The third request meets a rate limit; every later one succeeds.
          return served === 3
            ? jsonResponse({ error: { code: "rate_limited", message: "slow down" } }, 429, {
                "retry-after": "5",
              })
            : jsonResponse({ status: "completed" });
        },
      ],
      () => clock.now(),
    );
    const client = new TranslationStatusClient({
      baseUrl: "http://sim.test",
      fetch,
      clock,
      maxRequestsPerSecond: 2,
    });
    const results = await clock.run(
      Promise.all(
        ["a", "b", "c", "d"].map((jobId) => client.waitForCompletion({ jobId, mode: "poll" })),
      ),
    );
    expect(results.every((r) => r.status === "completed")).toBe(true);
    const times = calls.map((c) => c.at);
    // Two at once (the burst), the 429 at 500 ms, then nobody before 5 s later.
    expect(times.slice(0, 3)).toEqual([0, 0, 500]);
    expect(Math.min(...times.slice(3))).toBeGreaterThanOrEqual(5_500);
    expect(times).toHaveLength(5);
  });
});
