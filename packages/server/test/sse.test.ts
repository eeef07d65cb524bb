import type { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import type { JobView } from "../src/index.js";
import {
  START,
  createJob,
  expectError,
  iso,
  openStream,
  parseEvents,
  settle,
  setup,
  until,
  type FakeClock,
} from "./helpers.js";
import { held } from "./observe.js";

const options = { pendingDurationMs: 10_000, errorProbability: 0, etaError: 0 };

/** Event ids are epoch ms; these jobs start at START. */
const at = (ms: number) => String(START + ms);

/** No stream open, and no timer armed: the app has nothing left to wake. */
async function expectIdle(app: FastifyInstance, clock: FakeClock) {
  expect((await held(app)).jobStreams).toBe(0);
  expect(clock.timers).toBe(0);
}

describe("GET /jobs/:id/events", () => {
  it("starts with retry and the current state, as a 200 event stream", async () => {
    const { app, clock } = setup(options);
    const job = await createJob(app);
    clock.advance(1_500);
    const stream = await openStream(app, `/jobs/${job.id}/events`, { "x-request-id": "sse-1" });
    expect(stream.response.statusCode).toBe(200);
    expect(stream.response.headers).toMatchObject({
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
      "x-request-id": "sse-1",
    });
    await until(() => stream.events().length === 1);
    expect(
      stream.text().startsWith(`retry: 1000\nid: ${at(1_500)}\nevent: progress\ndata: {`),
    ).toBe(true);
    const [first] = stream.events();
    const current = (await app.inject({ url: `/jobs/${job.id}` })).json<JobView>();
    expect(JSON.parse(first!.data!)).toEqual(current);
    expect(current.progress).toBe(0.15);
  });

  it("sends progress every interval, ids rising, then done at the exact end, and closes", async () => {
    const { app, clock } = setup({ ...options, pendingDurationMs: 3_500 });
    const job = await createJob(app);
    const stream = await openStream(app, `/jobs/${job.id}/events`);
    for (let i = 0; i < 3; i++) clock.advance(1_000);
    await until(() => stream.events().length === 4);
    expect(stream.ended()).toBe(false);
    clock.advance(500);
    await stream.untilEnded();
    const events = stream.events();
    expect(events.map((e) => [e.id, e.event])).toEqual([
      [at(0), "progress"],
      [at(1_000), "progress"],
      [at(2_000), "progress"],
      [at(3_000), "progress"],
      [at(3_500), "done"],
    ]);
    expect(events.slice(1).every((e) => e.retry === undefined)).toBe(true);
    const progress = events.map((e) => (JSON.parse(e.data!) as JobView).progress);
    expect(progress).toEqual([0, 0.2857, 0.5714, 0.8571, 1]);
    expect(JSON.parse(events.at(-1)!.data!)).toMatchObject({
      status: "completed",
      completedAt: iso(START + 3_500),
    });
    await expectIdle(app, clock);
  });

  it("sends done the moment the job is cancelled", async () => {
    const { app, clock } = setup(options);
    const job = await createJob(app);
    const stream = await openStream(app, `/jobs/${job.id}/events`);
    clock.advance(2_250);
    await app.inject({ method: "DELETE", url: `/jobs/${job.id}` });
    await stream.untilEnded();
    const done = stream.events().at(-1)!;
    expect(done.event).toBe("done");
    expect(done.id).toBe(at(2_250));
    expect(JSON.parse(done.data!)).toMatchObject({ status: "cancelled", progress: 0.225 });
    await expectIdle(app, clock);
  });

  it("answers a terminal job with retry and done, then closes", async () => {
    const { app, clock } = setup({ ...options, errorProbability: 1 });
    const job = await createJob(app);
    clock.advance(60_000);
    const response = await app.inject({ url: `/jobs/${job.id}/events` });
    expect(response.statusCode).toBe(200);
    const events = parseEvents(response.body);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ retry: "1000", id: at(10_000), event: "done" });
    expect(JSON.parse(events[0]!.data!)).toMatchObject({ status: "error", error: {} });
    await expectIdle(app, clock);
  });

  it("answers 404 for an unknown job, as JSON, before any stream", async () => {
    const { app } = setup(options);
    const response = await app.inject({ url: "/jobs/job_missing/events" });
    expectError(response, 404, "job_not_found");
  });

  it("answers 204 to a client resuming after the done event", async () => {
    const { app, clock } = setup(options);
    const job = await createJob(app);
    clock.advance(10_000);
    const url = `/jobs/${job.id}/events`;
    for (const request of [
      { url, headers: { "last-event-id": at(10_000) } },
      { url, headers: { "last-event-id": at(12_000) } },
      { url: `${url}?lastEventId=${at(10_000)}` },
    ]) {
      const response = await app.inject(request);
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe("");
    }
    // Not yet seen the end, or an id that is not ours: the done event again.
    for (const lastEventId of [at(9_999), "abc", "-1", ""]) {
      const response = await app.inject({ url, headers: { "last-event-id": lastEventId } });
      expect(response.statusCode).toBe(200);
      expect(parseEvents(response.body).map((e) => e.event)).toEqual(["done"]);
    }
  });

  it("streams as usual to a client resuming while the job is pending", async () => {
    const { app, clock } = setup(options);
    const job = await createJob(app);
    clock.advance(4_000);
    const stream = await openStream(app, `/jobs/${job.id}/events`, { "last-event-id": at(3_000) });
    await until(() => stream.events().length === 1);
    expect(stream.events()[0]).toMatchObject({ retry: "1000", id: at(4_000), event: "progress" });
  });

  it("sends a heartbeat comment when nothing else was sent for the interval", async () => {
    const { app, clock } = setup({ ...options, sseProgressIntervalMs: 0, sseHeartbeatMs: 15_000 });
    const job = await createJob(app, { pendingDurationMs: 60_000 });
    const stream = await openStream(app, `/jobs/${job.id}/events`);
    clock.advance(14_999);
    await settle();
    expect(stream.events()).toHaveLength(1);
    clock.advance(1);
    await until(() => stream.events().length === 2);
    expect(stream.events()[1]).toEqual({ comments: ["heartbeat"] });
    expect(stream.text().endsWith("\n\n: heartbeat\n\n")).toBe(true);
    clock.advance(15_000);
    await until(() => stream.events().length === 3);
    expect(stream.events().filter((e) => e.event === "progress")).toHaveLength(1);
  });

  it("sends no heartbeat to a stream that progress keeps busy", async () => {
    const { app, clock } = setup({
      ...options,
      sseProgressIntervalMs: 1_000,
      sseHeartbeatMs: 1_500,
    });
    const job = await createJob(app);
    const stream = await openStream(app, `/jobs/${job.id}/events`);
    for (let i = 0; i < 9; i++) clock.advance(1_000);
    await until(() => stream.events().length === 10);
    expect(stream.text()).not.toContain("heartbeat");
  });

  it("drives every stream from one shared ticker, armed only while streams are open", async () => {
    const { app, clock } = setup({ ...options, sseRetryMs: 250 });
    const jobs = [await createJob(app), await createJob(app), await createJob(app)];
    const streams = await Promise.all(jobs.map((job) => openStream(app, `/jobs/${job.id}/events`)));
    // Job ends and ticks share the app's one scheduler: one timer, whatever the streams.
    expect(clock.timers).toBe(1);
    const twoMore = await openStream(app, `/jobs/${jobs[0]!.id}/events`);
    expect(clock.timers).toBe(1);
    clock.advance(1_000);
    await until(() => [...streams, twoMore].every((s) => s.events().length === 2));
    expect(streams[0]!.events()[0]!.retry).toBe("250");
    await app.inject({ method: "DELETE", url: `/jobs/${jobs[1]!.id}` });
    await streams[1]!.untilEnded();
    expect((await held(app)).jobStreams).toBe(3);
    clock.advance(9_000);
    await Promise.all([streams[0]!, streams[2]!, twoMore].map((s) => s.untilEnded()));
    await expectIdle(app, clock);
  });

  it("skips progress for a stream whose client is not reading, but never done", async () => {
    const { app, clock } = setup(options);
    // Each event carries ~16 KiB of metadata, enough to fill the response buffer at once.
    const metadata = { blob: "x".repeat(16_000) };
    const job = await createJob(app, { metadata });
    const response = await app.inject({
      url: `/jobs/${job.id}/events`,
      payloadAsStream: true,
    });
    const stream = response.stream() as Readable;
    for (let i = 0; i < 5; i++) clock.advance(1_000);
    clock.advance(5_000);
    await settle();
    let text = "";
    stream.setEncoding("utf8");
    for await (const chunk of stream) text += chunk as string;
    const events = parseEvents(text);
    // The first state fills the buffer; ticks until the client reads are skipped...
    expect(events[0]!.event).toBe("progress");
    expect(events.filter((e) => e.event === "progress").length).toBeLessThan(3);
    // ...but done always gets through.
    expect(events.at(-1)).toMatchObject({ id: at(10_000), event: "done" });
    await expectIdle(app, clock);
  });

  it("ends open streams when the app closes", async () => {
    const { app, clock } = setup(options);
    const job = await createJob(app);
    const stream = await openStream(app, `/jobs/${job.id}/events`);
    await until(() => stream.events().length === 1);
    await app.close();
    await stream.untilEnded();
    expect(stream.events().map((e) => e.event)).toEqual(["progress"]);
    expect(clock.timers).toBe(0);
  });
});

describe("GET /status/events", () => {
  it("streams the /status job with result first", async () => {
    const { app, clock } = setup({ ...options, pendingDurationMs: 2_000 });
    const stream = await openStream(app, "/status/events");
    clock.advance(1_000);
    clock.advance(1_000);
    await stream.untilEnded();
    const events = stream.events();
    expect(events.map((e) => e.event)).toEqual(["progress", "progress", "done"]);
    const done = JSON.parse(events.at(-1)!.data!) as Record<string, unknown>;
    expect(Object.keys(done)[0]).toBe("result");
    expect(done).toMatchObject({ result: "completed", completedAt: iso(START + 2_000) });
    const resumed = await app.inject({
      url: "/status/events",
      headers: { "last-event-id": at(2_000) },
    });
    expect(resumed.statusCode).toBe(204);
  });

  it("has no HEAD route, which would hold a bodiless response open", async () => {
    const { app } = setup(options);
    expect((await app.inject({ method: "HEAD", url: "/status/events" })).statusCode).toBe(405);
  });
});
