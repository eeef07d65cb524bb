import { describe, expect, it, onTestFinished } from "vitest";
import { startServer, type JobView, type StartServerOptions } from "../src/index.js";
import { parseEvents } from "./helpers.js";
import { countedTimers, eventuallyHeld, held } from "./observe.js";

// Real sockets and the real clock, with short durations; everything else runs on a fake clock.

async function serve(options: StartServerOptions) {
  const server = await startServer({ port: 0, errorProbability: 0, ...options });
  onTestFinished(() => server.close());
  return server;
}

async function post(url: string, body: object): Promise<JobView> {
  const response = await fetch(`${url}/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await response.json()) as JobView;
}

describe("over real sockets", () => {
  it("a long-poll returns as the job completes", async () => {
    const timers = countedTimers();
    const server = await serve({ pendingDurationMs: 300, setTimer: timers.setTimer });
    const job = await post(server.url, {});
    const started = Date.now();
    const response = await fetch(`${server.url}/jobs/${job.id}`, {
      headers: { prefer: "wait=10" },
    });
    const elapsed = Date.now() - started;
    expect(response.status).toBe(200);
    expect(response.headers.get("preference-applied")).toBe("wait=10");
    expect(response.headers.get("vary")).toBe("Prefer");
    expect(((await response.json()) as JobView).status).toBe("completed");
    // Woken by the completion (~300 ms), long before the 10 s wait.
    expect(elapsed).toBeLessThan(3_000);
    expect((await held(server.app)).longPolls).toBe(0);
    expect(timers.armed).toBe(0);
  });

  it("an event stream carries progress then done, and ends", async () => {
    const server = await serve({ pendingDurationMs: 450, sseProgressIntervalMs: 100 });
    const job = await post(server.url, {});
    const response = await fetch(`${server.url}/jobs/${job.id}/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const events = parseEvents(await response.text());
    expect(events[0]!.retry).toBe("1000");
    expect(events.at(-1)!.event).toBe("done");
    // Epoch ms: the moment the job ended.
    expect(events.at(-1)!.id).toBe(String(Date.parse(job.createdAt) + 450));
    expect(events.slice(0, -1).every((e) => e.event === "progress")).toBe(true);
    expect(events.length).toBeGreaterThanOrEqual(3);
    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it("forgets a client that disconnects, from a long-poll or a stream", async () => {
    const timers = countedTimers();
    const server = await serve({ pendingDurationMs: 60_000, setTimer: timers.setTimer });
    const job = await post(server.url, {});
    const abort = new AbortController();
    const poll = fetch(`${server.url}/jobs/${job.id}`, {
      headers: { prefer: "wait=60" },
      signal: abort.signal,
    }).catch((error: unknown) => error);
    const stream = await fetch(`${server.url}/jobs/${job.id}/events`, { signal: abort.signal });
    await eventuallyHeld(
      server.app,
      (now) => now.longPolls === 1 && now.jobStreams === 1,
      "a held request and a stream",
    );
    expect(timers.armed).toBe(1);
    abort.abort();
    await poll;
    await stream.body?.cancel().catch(() => {});
    await eventuallyHeld(
      server.app,
      (now) => now.longPolls === 0 && now.jobStreams === 0,
      "both to be forgotten",
    );
    // Neither the job's end, nor the wait's deadline, nor the stream's ticks: nothing to wake.
    expect(timers.armed).toBe(0);
  });

  it("close() answers held requests and ends streams instead of hanging", async () => {
    const server = await startServer({ port: 0, pendingDurationMs: 60_000 });
    const job = await post(server.url, {});
    const poll = fetch(`${server.url}/jobs/${job.id}`, { headers: { prefer: "wait=60" } });
    const stream = await fetch(`${server.url}/status/events`);
    await eventuallyHeld(
      server.app,
      (now) => now.longPolls === 1 && now.jobStreams === 1,
      "a held request and a stream",
    );
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    const answer = await poll;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as JobView).status).toBe("pending");
    expect(parseEvents(await stream.text()).map((e) => e.event)).toEqual(["progress"]);
  });
});
