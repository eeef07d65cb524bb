import { describe, expect, it } from "vitest";
import { TranslationStatusClient, type StatusSnapshot } from "@translation-status/client";
import type { JobView, RunningServer } from "@translation-status/server";
import { REDIS_URL, redisStorage } from "../support/redis.js";
import { createRawJob as create, simulator } from "../support/servers.js";

/** Two servers sharing one Redis, as behind a load balancer. */
async function pair(): Promise<[RunningServer, RunningServer]> {
  const storage = redisStorage();
  const options = { storage, errorProbability: 0, sseProgressIntervalMs: 100 };
  return [await simulator(options), await simulator(options)];
}

interface Event {
  id?: string;
  event?: string;
  data?: string;
}

function parse(text: string): Event[] {
  return text
    .split("\n\n")
    .map((block) => {
      const event: Event = {};
      for (const line of block.split("\n")) {
        const colon = line.indexOf(":");
        const field = line.slice(0, colon);
        if (field === "id" || field === "event" || field === "data") {
          event[field] = line.slice(colon + 1).trimStart();
        }
      }
      return event;
    })
    .filter((event) => event.data !== undefined);
}

/** An open event stream: the events so far, and a promise of all of them at its end. */
async function stream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  expect(response.status).toBe(200);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return parse(text);
        text += value;
      }
    } catch (error) {
      // Aborted by the test: what arrived is what it wanted.
      if (controller.signal.aborted) return parse(text);
      throw error;
    }
  })();
  return { events: () => parse(text), ended, abort: () => controller.abort() };
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.skipIf(REDIS_URL === undefined)("several servers on one Redis", () => {
  it("serves a job made on one from the other: read, listed, long-polled, streamed", async () => {
    const [a, b] = await pair();
    // Long enough to be pending still when the stream opens, even on a busy machine.
    const id = await create(a.url, 2_500);
    const read = await fetch(`${b.url}/jobs/${id}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id, status: "pending" });
    const second = await create(b.url, 100);
    for (const server of [a, b]) {
      const page = (await (await fetch(`${server.url}/jobs?limit=1`)).json()) as {
        data: JobView[];
        nextCursor: string;
      };
      expect(page.data.map((job) => job.id)).toEqual([id]);
      const rest = await (await fetch(`${server.url}/jobs?cursor=${page.nextCursor}`)).json();
      expect((rest as { data: JobView[] }).data.map((job) => job.id)).toEqual([second]);
    }
    const events = await stream(`${b.url}/jobs/${id}/events`);
    const held = await fetch(`${b.url}/jobs/${id}`, { headers: { prefer: "wait=10" } });
    expect(await held.json()).toMatchObject({ id, status: "completed" });
    const all = await events.ended;
    expect(all[0]).toMatchObject({ event: "progress" });
    expect(all.at(-1)).toMatchObject({ event: "done" });
    expect(JSON.parse(all.at(-1)!.data!)).toMatchObject({ id, status: "completed" });
  });

  it("wakes a long-poll and streams on one server when the job is cancelled on the other", async () => {
    const [a, b] = await pair();
    const id = await create(a.url, 30_000);
    const started = Date.now();
    const held = fetch(`${b.url}/jobs/${id}`, { headers: { prefer: "wait=20" } });
    const single = await stream(`${b.url}/jobs/${id}/events`);
    const many = await stream(`${b.url}/events?ids=${id}`);
    // What b holds, from its own /metrics.
    const holding = async () => {
      const text = await (await fetch(`${b.url}/metrics`)).text();
      return [
        "long_polls_held 1",
        'event_streams_open{kind="job"} 1',
        'event_streams_open{kind="multiplexed"} 1',
      ].every((line) => text.split("\n").includes(line));
    };
    await until(holding, "the waiters on b");
    const cancel = await fetch(`${a.url}/jobs/${id}`, { method: "DELETE" });
    expect(cancel.status).toBe(200);
    expect(await (await held).json()).toMatchObject({ id, status: "cancelled" });
    const done = (await single.ended).at(-1)!;
    expect(done.event).toBe("done");
    expect(JSON.parse(done.data!)).toMatchObject({ id, status: "cancelled" });
    const multiplexed = await many.ended;
    expect(multiplexed.map((event) => event.event)).toEqual(["open", "progress", "done", "end"]);
    expect(JSON.parse(multiplexed[2]!.data!)).toMatchObject({ id, status: "cancelled" });
    // Woken by the message, not by a deadline 20 or 30 s away.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("gives a client that alternates between them one consistent history", async () => {
    const [a, b] = await pair();
    const hits = { [a.url]: 0, [b.url]: 0 };
    let turn = 0;
    // A balancer without sticky sessions: every request goes to the other server.
    const alternate: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const base = turn++ % 2 === 0 ? a.url : b.url;
      hits[base]! += 1;
      return fetch(new URL(url.pathname + url.search, base), init);
    };
    const client = new TranslationStatusClient({ baseUrl: a.url, fetch: alternate });
    const job = await client.createJob({ pendingDurationMs: 1_500 });
    const seen: StatusSnapshot[] = [];
    const result = await client.waitForCompletion({
      jobId: job.jobId!,
      mode: "poll",
      pollIntervalMs: 100,
      onProgress: ({ snapshot }) => seen.push(snapshot),
    });
    expect(result.status).toBe("completed");
    expect(hits[a.url]).toBeGreaterThan(2);
    expect(hits[b.url]).toBeGreaterThan(2);
    expect(new Set(seen.map((snapshot) => snapshot.createdAt))).toEqual(new Set([job.createdAt]));
    const progress = seen.map((snapshot) => snapshot.progress!);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    const statuses = seen.map((snapshot) => snapshot.status);
    const firstDone = statuses.indexOf("completed");
    expect(statuses.slice(0, firstDone).every((status) => status === "pending")).toBe(true);
    expect(statuses.slice(firstDone).every((status) => status === "completed")).toBe(true);
    expect(new Set(seen.slice(firstDone).map((snapshot) => snapshot.completedAt)).size).toBe(1);
  });

  it("resumes an event stream on the other server from the last event id", async () => {
    const [a, b] = await pair();
    const id = await create(a.url, 3_000);
    const first = await stream(`${a.url}/jobs/${id}/events`);
    await until(() => first.events().length >= 2, "two events on a");
    first.abort();
    const lastId = Number(first.events().at(-1)!.id);
    const resumed = await stream(`${b.url}/jobs/${id}/events`, { "last-event-id": String(lastId) });
    const rest = await resumed.ended;
    const ids = rest.map((event) => Number(event.id));
    expect(ids[0]).toBeGreaterThanOrEqual(lastId);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    // The done event's id comes from the record (the epoch ms the job ended), so both servers
    // give it the same one.
    const doneId = rest.at(-1)!.id!;
    expect(rest.at(-1)!.event).toBe("done");
    const job = (await (await fetch(`${a.url}/jobs/${id}`)).json()) as JobView;
    expect(Number(doneId)).toBe(Date.parse(job.createdAt) + 3_000);
    const again = await fetch(`${a.url}/jobs/${id}/events`, {
      headers: { "last-event-id": doneId },
    });
    expect(again.status).toBe(204);
  });
});
