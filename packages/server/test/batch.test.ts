import type { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { JobView } from "../src/index.js";
import type { JobStore } from "../src/store/job-store.js";
import { MemoryJobStore } from "../src/store/memory-job-store.js";
import { createJob, expectError, parseEvents, settle, setup } from "./helpers.js";
import { held, untilHeld } from "./observe.js";

const options = { pendingDurationMs: 10_000, errorProbability: 0, etaError: 0 };

interface Batch {
  data: JobView[];
  errors: Array<{ id: string; code: string; message: string }>;
  pollAfterMs: Record<string, number>;
}

describe("GET /jobs?ids= (batch read)", () => {
  it("answers every job asked, in order, with an error entry per unknown id", async () => {
    const { app, clock } = setup(options);
    const a = await createJob(app, { pendingDurationMs: 1_000 });
    const b = await createJob(app, { pendingDurationMs: 5_000 });
    clock.advance(2_000);
    const response = await app.inject({ url: `/jobs?ids=${b.id},job_unknown,${a.id},${b.id}` });
    expect(response.statusCode).toBe(200);
    const batch = response.json<Batch>();
    expect(batch.data.map((job) => [job.id, job.status])).toEqual([
      [b.id, "pending"],
      [a.id, "completed"],
    ]);
    expect(batch.errors).toEqual([
      { id: "job_unknown", code: "job_not_found", message: "No job job_unknown" },
    ]);
    // Exact estimates (etaError 0): come back just after the end, 3 s from now.
    expect(batch.pollAfterMs).toEqual({ [b.id]: 3_010 });
    expect(response.headers["poll-after-ms"]).toBe("3010");
    expect(response.headers["retry-after"]).toBe("4");
    expect(response.headers.link).toContain(
      `</events?ids=${b.id},job_unknown,${a.id}>; rel="events"`,
    );
  });

  it("reads the jobs in one call to the store, or one per id from a store without getMany", async () => {
    for (const withGetMany of [true, false]) {
      const memory = new MemoryJobStore();
      const calls = { get: 0, getMany: 0 };
      const store: JobStore = {
        insert: (record) => memory.insert(record),
        get: (id) => ((calls.get += 1), memory.get(id)),
        update: (record) => memory.update(record),
        list: (listOptions) => memory.list(listOptions),
        pendingOf: (owner, at) => memory.pendingOf(owner, at),
        ...(withGetMany && {
          getMany: (ids: readonly string[]) => ((calls.getMany += 1), memory.getMany(ids)),
        }),
      };
      const { app } = setup({ ...options, store });
      const a = await createJob(app);
      const b = await createJob(app);
      calls.get = 0;
      const response = await app.inject({ url: `/jobs?ids=${a.id},job_unknown,${b.id},bad id` });
      expect(response.json<Batch>().data.map((job) => job.id)).toEqual([a.id, b.id]);
      expect(response.json<Batch>().errors.map((error) => error.id)).toEqual([
        "job_unknown",
        "bad id",
      ]);
      // Ids that cannot be job ids are not looked up at all.
      expect(calls).toEqual(withGetMany ? { get: 0, getMany: 1 } : { get: 3, getMany: 0 });
    }
  });

  it("refuses more than 100 ids, an empty list, and ids mixed with paging", async () => {
    const { app } = setup(options);
    const many = Array.from({ length: 101 }, (_, i) => `job_${i}`).join(",");
    expectError(await app.inject({ url: `/jobs?ids=${many}` }), 400, "invalid_request");
    expectError(await app.inject({ url: "/jobs?ids=,," }), 400, "invalid_request");
    expectError(await app.inject({ url: "/jobs?ids=job_a&limit=5" }), 400, "invalid_request");
    const hundred = Array.from({ length: 100 }, (_, i) => `job_${i}`).join(",");
    expect((await app.inject({ url: `/jobs?ids=${hundred}` })).statusCode).toBe(200);
  });

  it("with Prefer: wait, answers as soon as any of the jobs changes", async () => {
    const { app, clock } = setup(options);
    const soon = await createJob(app, { pendingDurationMs: 3_000 });
    const late = await createJob(app, { pendingDurationMs: 60_000 });
    let settled = false;
    const response = app.inject({
      url: `/jobs?ids=${late.id},${soon.id}`,
      headers: { prefer: "wait=30" },
    });
    void response.then(() => (settled = true));
    await untilHeld(app, (now) => now.longPolls === 1, "a held batch");
    clock.advance(2_999);
    await settle();
    expect(settled).toBe(false);
    clock.advance(1);
    const answer = await response;
    expect(answer.headers["preference-applied"]).toBe("wait=30");
    expect(answer.json<Batch>().data.map((job) => job.status)).toEqual(["pending", "completed"]);
    // The later job is no longer watched: nothing left to wake.
    expect(clock.timers).toBe(0);
  });
});

describe("GET /events?ids= (multiplexed stream)", () => {
  it("streams many jobs on one connection: states, missing ids, each done, then end", async () => {
    const { app, clock } = setup(options);
    const a = await createJob(app, { pendingDurationMs: 1_000 });
    const b = await createJob(app, { pendingDurationMs: 2_000 });
    const response = app.inject({ url: `/events?ids=${a.id},job_gone,${b.id}` });
    await untilHeld(app, (now) => now.multiplexedStreams === 1, "the stream");
    clock.advance(1_000);
    clock.advance(1_000);
    const events = parseEvents((await response).body);
    expect(events.map((e) => [e.event, e.data && JSON.parse(e.data).id])).toEqual([
      ["open", undefined],
      ["missing", "job_gone"],
      ["progress", a.id],
      ["progress", b.id],
      ["done", a.id],
      ["done", b.id],
      ["end", undefined],
    ]);
    expect((await held(app)).multiplexedStreams).toBe(0);
    expect(clock.timers).toBe(0);
  });

  it("skips, on resume, the ends the client already has, and says 204 when it has them all", async () => {
    const { app, clock } = setup(options);
    const a = await createJob(app, { pendingDurationMs: 1_000 });
    const b = await createJob(app, { pendingDurationMs: 5_000 });
    clock.advance(2_000);
    const seenAt = String(clock.now());
    const resumed = app.inject({
      url: `/events?ids=${a.id},${b.id}`,
      headers: { "last-event-id": seenAt },
    });
    await untilHeld(app, (now) => now.multiplexedStreams === 1, "the stream");
    clock.advance(3_000);
    const events = parseEvents((await resumed).body).filter((e) => e.event !== "open");
    expect(events.map((e) => [e.event, JSON.parse(e.data!).id ?? null])).toEqual([
      ["progress", b.id],
      ["done", b.id],
      ["end", null],
    ]);
    const later = await app.inject({
      url: `/events?ids=${a.id},${b.id}`,
      headers: { "last-event-id": String(clock.now()) },
    });
    expect(later.statusCode).toBe(204);
  });

  it("sends no heartbeat to a reader that is not keeping up, but every done", async () => {
    // Heartbeats every second rather than 15 s, so that a short run has many ticks to skip.
    const { app, clock } = setup({ ...options, sseHeartbeatMs: 1_000 });
    // Each event carries ~16 KiB of metadata, enough to fill the response buffer at once.
    const metadata = { blob: "x".repeat(16_000) };
    const a = await createJob(app, { metadata, pendingDurationMs: 5_000 });
    const b = await createJob(app, { metadata, pendingDurationMs: 30_000 });
    const response = await app.inject({
      url: `/events?ids=${a.id},${b.id}`,
      payloadAsStream: true,
    });
    const stream = response.stream() as Readable;
    for (let i = 0; i < 30; i++) clock.advance(1_000);
    await settle();
    let text = "";
    stream.setEncoding("utf8");
    for await (const chunk of stream) text += chunk as string;
    const events = parseEvents(text);
    // 30 ticks, all skipped while the first states sat unread...
    expect(events.filter((e) => e.comments.includes("heartbeat"))).toHaveLength(0);
    // ...but both ends and the end of the stream got through.
    expect(events.filter((e) => e.event !== undefined).map((e) => e.event)).toEqual([
      "open",
      "progress",
      "progress",
      "done",
      "done",
      "end",
    ]);
    expect(clock.timers).toBe(0);
  });

  it("needs ids", async () => {
    const { app } = setup(options);
    expectError(await app.inject({ url: "/events" }), 400, "invalid_request");
  });
});
