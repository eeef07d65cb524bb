import type { LightMyRequestResponse } from "fastify";
import { describe, expect, it } from "vitest";
import { MemoryJobStore, type AppOptions, type JobView } from "../src/index.js";
import { FAULT_KINDS, type FaultKind } from "../src/faults/kinds.js";
import { SLOW_INTERVAL_MS } from "../src/faults/shape.js";
import { toJobView } from "../src/jobs/view.js";
import {
  createJob,
  expectError,
  injectOnClock,
  openStream,
  parseEvents,
  scripted,
  settle,
  setup,
} from "./helpers.js";
import { faultsInjected, held } from "./observe.js";

const CANNED: readonly FaultKind[] = ["500", "502", "503", "429"];
const base: AppOptions = { pendingDurationMs: 10_000, errorProbability: 0, etaError: 0 };

function faultOf(response: LightMyRequestResponse): string | undefined {
  return response.headers["x-injected-fault"] as string | undefined;
}

/** Whether the promise has settled, without waiting for it. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await settle();
  return done;
}

describe("faults that replace the answer", () => {
  it("answer 500 with a JSON error, code injected_fault", async () => {
    const { app } = setup({ ...base, faultRate: 1, faultKinds: ["500"] });
    const response = await app.inject({ url: "/status" });
    expectError(response, 500, "injected_fault");
    expect(faultOf(response)).toBe("500");
    expect(response.headers["x-request-id"]).toEqual(expect.any(String));
  });

  it("answer 502 and 503 with a proxy's HTML page, 503 with Retry-After", async () => {
    for (const kind of ["502", "503"] as const) {
      const { app } = setup({ ...base, faultRate: 1, faultKinds: [kind] });
      const response = await app.inject({ url: "/jobs" });
      expect(response.statusCode).toBe(Number(kind));
      expect(response.headers["content-type"]).toBe("text/html");
      expect(response.body).toContain(`<title>${kind} `);
      expect(() => response.json()).toThrow();
      expect(response.headers["retry-after"]).toBe(kind === "503" ? "1" : undefined);
    }
  });

  it("answer 429 with a JSON error and Retry-After", async () => {
    const { app } = setup({ ...base, faultRate: 1, faultKinds: ["429"] });
    const response = await app.inject({ method: "POST", url: "/jobs" });
    expectError(response, 429, "rate_limited");
    expect(response.headers["retry-after"]).toBe("1");
  });

  it("never reach the handler: a faulted create creates nothing, a faulted cancel cancels nothing", async () => {
    // Two draws per request: [fires?, which kind]. The create is faulted, the rest are not.
    const { app } = setup({
      ...base,
      faultRate: 0.5,
      faultKinds: ["500"],
      faultRandom: scripted([0, 0]),
    });
    expectError(await app.inject({ method: "POST", url: "/jobs" }), 500, "injected_fault");
    expect((await app.inject({ url: "/jobs" })).json().data).toEqual([]);

    const job = await createJob(app, { faultRate: 1 });
    const cancel = await app.inject({ method: "DELETE", url: `/jobs/${job.id}` });
    expectError(cancel, 500, "injected_fault");
    const [listed] = (await app.inject({ url: "/jobs" })).json<{ data: JobView[] }>().data;
    expect(listed).toMatchObject({ id: job.id, status: "pending" });
  });

  it("replace a long-poll and an event stream entirely, holding nothing", async () => {
    const { app, clock } = setup({ ...base, faultRate: 1, faultKinds: ["503"] });
    const poll = await app.inject({ url: "/status", headers: { prefer: "wait=30" } });
    expect(poll.statusCode).toBe(503);
    expect(poll.headers["preference-applied"]).toBeUndefined();
    const stream = await app.inject({ url: "/status/events" });
    expect(stream.statusCode).toBe(503);
    expect(stream.headers["content-type"]).toBe("text/html");
    expect(await held(app)).toMatchObject({ longPolls: 0, jobStreams: 0 });
    expect(clock.timers).toBe(0);
  });

  it("leave health checks and unknown routes alone", async () => {
    const { app } = setup({ ...base, faultRate: 1, faultKinds: ["500"] });
    expect((await app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
    expectError(await app.inject({ url: "/nope" }), 404, "route_not_found");
    expectError(await app.inject({ method: "PUT", url: "/status" }), 405, "method_not_allowed");
    expect(await faultsInjected(app)).toBe(0);
  });
});

describe("counting and logging", () => {
  it("counts each injected fault by kind and logs it at info", async () => {
    const lines: string[] = [];
    const { app } = setup({
      ...base,
      faultRate: 1,
      faultKinds: ["500", "502"],
      faultRandom: scripted([0, 0, 0, 0.9, 0, 0.1]),
      logger: { level: "info", stream: { write: (line: string) => lines.push(line) } },
    });
    for (let i = 0; i < 3; i++) await app.inject({ url: "/status" });
    expect(await faultsInjected(app, "500")).toBe(2);
    expect(await faultsInjected(app, "502")).toBe(1);
    expect(await faultsInjected(app)).toBe(3);
    const logged = lines.map((line) => JSON.parse(line)).filter((entry) => entry.fault);
    expect(logged.map((entry) => [entry.level, entry.fault])).toEqual([
      [30, "500"],
      [30, "502"],
      [30, "500"],
    ]);
    expect(logged[0].msg).toBe("injected fault: 500");
    expect(logged[0].reqId).toEqual(expect.any(String));
  });
});

describe("per-job overrides", () => {
  it("apply to reading, streaming and cancelling that job, and nothing else", async () => {
    const { app } = setup(base);
    const faulty = await createJob(app, { faultRate: 1, faultKinds: ["503"] });
    const plain = await createJob(app);
    for (const [method, url] of [
      ["GET", `/jobs/${faulty.id}`],
      ["HEAD", `/jobs/${faulty.id}`],
      ["GET", `/jobs/${faulty.id}/events`],
      ["DELETE", `/jobs/${faulty.id}`],
    ] as const) {
      const response = await app.inject({ method, url });
      expect(response.statusCode, `${method} ${url}`).toBe(503);
    }
    expect((await app.inject({ url: `/jobs/${plain.id}` })).statusCode).toBe(200);
    expect((await app.inject({ url: "/jobs" })).statusCode).toBe(200);
    expect((await app.inject({ method: "POST", url: "/jobs" })).statusCode).toBe(201);
    expect(await faultsInjected(app, "503")).toBe(4);
  });

  it("win over the server's settings, both ways", async () => {
    const { app } = setup({
      ...base,
      faultRate: 0.5,
      faultKinds: ["500"],
      faultRandom: scripted([0.9, 0], 0),
    });
    // The first request (the create) draws 0.9 and passes; every later one is faulted...
    const job = await createJob(app, { faultRate: 0, latencyMs: 0 });
    expect((await app.inject({ url: "/status" })).statusCode).toBe(500);
    // ...except those about the job, whose rate is 0.
    for (let i = 0; i < 5; i++) {
      expect((await app.inject({ url: `/jobs/${job.id}` })).statusCode).toBe(200);
    }
  });

  it("are validated and never shown", async () => {
    const { app } = setup(base);
    for (const body of [
      { faultRate: 1.5 },
      { faultRate: "0.5" },
      { faultKinds: [] },
      { faultKinds: ["504"] },
      { faultKinds: ["hang", "hang"] },
      { faultKinds: "hang" },
      { latencyMs: -1 },
      { latencyMs: 60_001 },
      { latencyMs: 1.5 },
      { latencyMs: [200, 20] },
      { latencyMs: [1, 2, 3] },
      { latencyMs: "20-200" },
    ]) {
      const response = await app.inject({ method: "POST", url: "/jobs", payload: body });
      expect(expectError(response, 400, "invalid_request")).toMatch(/^body\./);
    }
    const job = await createJob(app, { faultRate: 0.5, faultKinds: ["hang"], latencyMs: [1, 2] });
    expect(Object.keys(job)).not.toContain("faultRate");
    expect(JSON.stringify(job)).not.toContain("hang");
  });
});

describe("with SEED", () => {
  /** The fault kind (or "-") of each of 100 reads of /status. */
  async function sequence(options: AppOptions): Promise<string[]> {
    const { app, clock } = setup({ ...base, faultRate: 0.4, faultKinds: CANNED, ...options });
    const kinds: string[] = [];
    for (let i = 0; i < 100; i++) {
      const response = await injectOnClock(app, clock, "/status", 5);
      kinds.push(faultOf(response) ?? "-");
    }
    return kinds;
  }

  it("the same seed gives the same faults for the same requests", async () => {
    const first = await sequence({ seed: 99 });
    expect(await sequence({ seed: 99 })).toEqual(first);
    expect(await sequence({ seed: "99" })).toEqual(first);
    expect(await sequence({ seed: 100 })).not.toEqual(first);
    for (const kind of [...CANNED, "-"]) expect(first).toContain(kind);
  });

  it("latency draws do not shift the faults", async () => {
    const first = await sequence({ seed: 5 });
    expect(await sequence({ seed: 5, latencyMs: [0, 50] })).toEqual(first);
  });

  it("faults do not shift the outcomes: the n-th job created ends the same", async () => {
    async function outcomes(faultRate: number): Promise<string[]> {
      const { app, clock } = setup({
        seed: 1234,
        pendingDurationMs: 1_000,
        errorProbability: 0.5,
        faultRate,
        faultKinds: CANNED,
      });
      const ids: string[] = [];
      while (ids.length < 30) {
        const created = await app.inject({ method: "POST", url: "/jobs" });
        if (created.statusCode === 201) ids.push(created.json<JobView>().id);
      }
      clock.advance(1_000);
      const result: string[] = [];
      for (const id of ids) {
        let response: LightMyRequestResponse;
        do response = await app.inject({ url: `/jobs/${id}` });
        while (response.statusCode !== 200);
        const job = response.json<JobView>();
        result.push(`${job.status}:${job.error?.code ?? "-"}`);
      }
      return result;
    }
    const truth = await outcomes(0);
    expect(await outcomes(0.5)).toEqual(truth);
    expect(new Set(truth).size).toBeGreaterThan(1);
  });
});

describe("the truth", () => {
  it("is what every answer that is not a fault shows, and faults never change it", async () => {
    const store = new MemoryJobStore();
    const { app, clock } = setup({
      store,
      seed: 7,
      pendingDurationMs: 10_000,
      errorProbability: 0.5,
      faultRate: 0.5,
      faultKinds: CANNED,
    });
    let created: LightMyRequestResponse;
    do created = await app.inject({ method: "POST", url: "/jobs" });
    while (created.statusCode !== 201);
    const { id } = created.json<JobView>();
    const record = (await store.get(id))!;

    let faulted = 0;
    let truthful = 0;
    const read = async () => {
      const response = await app.inject({ url: `/jobs/${id}` });
      if (faultOf(response) !== undefined) {
        faulted++;
        expect(CANNED).toContain(String(response.statusCode));
        return undefined;
      }
      truthful++;
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(toJobView(record, clock.now()));
      return response.json<JobView>();
    };
    for (let i = 0; i < 150; i++) {
      clock.advance(50);
      await read();
    }
    // And once it has ended, its outcome is the record's.
    clock.advance(10_000);
    const endings: JobView[] = [];
    for (let i = 0; i < 50; i++) {
      const job = await read();
      if (job !== undefined) endings.push(job);
    }
    expect(endings.length).toBeGreaterThan(10);
    for (const job of endings) {
      expect(job.status).toBe(record.outcome);
      expect(job.error).toEqual(record.failure);
    }
    expect(faulted).toBeGreaterThan(50);
    expect(truthful).toBeGreaterThan(50);
    expect(await store.get(id)).toEqual(record);
  });
});

describe("latency", () => {
  it("holds every answer for the fixed delay, on the injected clock", async () => {
    const { app, clock } = setup({ ...base, latencyMs: 100 });
    const pending = app.inject({ url: "/status" });
    expect(await settled(pending)).toBe(false);
    // Held on the app's clock: one timer, at the delay's end.
    expect(clock.timers).toBe(1);
    clock.advance(99);
    expect(await settled(pending)).toBe(false);
    clock.advance(1);
    expect((await pending).statusCode).toBe(200);
    expect(clock.timers).toBe(0);
  });

  it("delays errors too, but never health checks", async () => {
    const { app, clock } = setup({ ...base, latencyMs: 100, apiKeys: ["k"] });
    expect((await app.inject({ url: "/healthz" })).statusCode).toBe(200);
    for (const url of ["/status", "/nope"]) {
      const pending = app.inject({ url });
      expect(await settled(pending)).toBe(false);
      clock.advance(100);
      expect((await pending).statusCode).toBe(401);
    }
  });

  it("draws a range uniformly per request, reproducibly", async () => {
    const { app, clock } = setup({
      ...base,
      latencyMs: [20, 200],
      latencyRandom: scripted([0, 0.5, 0.999_999]),
    });
    for (const expected of [20, 110, 200]) {
      const started = clock.now();
      const pending = app.inject({ url: "/status" });
      await settle();
      clock.advance(expected - 1);
      expect(await settled(pending)).toBe(false);
      clock.advance(1);
      await pending;
      expect(clock.now() - started).toBe(expected);
    }
  });

  it("can be set per job, for the requests about it", async () => {
    const { app, clock } = setup({ ...base, latencyMs: 0 });
    const job = await createJob(app, { latencyMs: 1_000 });
    expect((await app.inject({ url: "/status" })).statusCode).toBe(200);
    const pending = app.inject({ url: `/jobs/${job.id}` });
    expect(await settled(pending)).toBe(false);
    clock.advance(1_000);
    expect((await pending).statusCode).toBe(200);
  });

  it("lets delayed requests through at once when the server closes", async () => {
    const { app } = setup({ ...base, latencyMs: 60_000 });
    const pending = app.inject({ url: "/status" });
    await settle();
    await app.close();
    expect((await pending).statusCode).toBe(200);
  });
});

describe("slow", () => {
  it("dribbles the real answer in pieces every 500 ms, Content-Length of the whole", async () => {
    const { app, clock } = setup({ ...base, faultRate: 1, faultKinds: ["slow"] });
    const { response, text, untilEnded } = await openStream(app, "/jobs");
    expect(response.statusCode).toBe(200);
    expect(response.headers["x-injected-fault"]).toBe("slow");
    const body = '{"data":[],"nextCursor":null}';
    expect(response.headers["content-length"]).toBe(String(body.length));
    await settle();
    // 29 bytes: at least 16 per piece, so two pieces.
    expect(text()).toBe(body.slice(0, 16));
    clock.advance(SLOW_INTERVAL_MS - 1);
    await settle();
    expect(text()).toBe(body.slice(0, 16));
    clock.advance(1);
    await untilEnded();
    expect(text()).toBe(body);
  });

  it("takes several seconds for a job, and sends exactly the truth of the moment it was asked", async () => {
    const store = new MemoryJobStore();
    const { app, clock } = setup({ ...base, store });
    const job = await createJob(app, { faultRate: 1, faultKinds: ["slow"] });
    clock.advance(1_000);
    const askedAt = clock.now();
    const response = await injectOnClock(app, clock, `/jobs/${job.id}`, SLOW_INTERVAL_MS);
    expect(clock.now() - askedAt).toBeGreaterThanOrEqual(3_000);
    expect(response.json()).toEqual(toJobView((await store.get(job.id))!, askedAt));
    expect(clock.timers).toBe(0);
  });

  it("slows an event stream like a slow socket: progress skipped while behind, done always", async () => {
    // Without payloadAsStream: light-my-request would emit 'drain' on every read of the stream.
    const { app, clock } = setup({ ...base, sseProgressIntervalMs: 100, pendingDurationMs: 2_000 });
    const job = await createJob(app, { faultRate: 1, faultKinds: ["slow"] });
    const startedAt = clock.now();
    const response = await injectOnClock(app, clock, `/jobs/${job.id}/events`);
    expect(response.headers["content-type"]).toBe("text/event-stream");
    expect(response.headers["x-injected-fault"]).toBe("slow");
    const events = parseEvents(response.body);
    expect(events[0]!.retry).toBe("1000");
    // Ids are epoch ms: the done event's is the moment the job ended.
    expect(events.at(-1)).toMatchObject({
      event: "done",
      id: String(Date.parse(job.createdAt) + 2_000),
    });
    // 20 progress ticks while pending, but each block takes ~3.5 s to dribble out.
    expect(events.length).toBeLessThanOrEqual(3);
    expect(clock.now() - startedAt).toBeGreaterThan(4_000);
    expect((await held(app)).jobStreams).toBe(0);
    expect(clock.timers).toBe(0);
  });

  it("sends everything at once when the server closes", async () => {
    const { app } = setup({ ...base, faultRate: 1, faultKinds: ["slow"] });
    const pending = app.inject({ url: "/status" });
    await settle();
    await app.close();
    const response = await pending;
    expect(response.statusCode).toBe(200);
    expect(response.json().result).toBe("pending");
  });
});

describe("reset, hang and truncated without a socket", () => {
  it("abort the injected request; a hang only when the server closes", async () => {
    for (const kind of ["reset", "truncated"] as const) {
      const { app } = setup({ ...base, faultRate: 1, faultKinds: [kind] });
      await expect(app.inject({ url: "/status" })).rejects.toThrow(/destroyed/);
    }
    const { app, clock } = setup({ ...base, faultRate: 1, faultKinds: ["hang"] });
    const hung = app.inject({ url: "/status", headers: { prefer: "wait=5" } });
    const rejected = expect(hung).rejects.toThrow(/destroyed/);
    expect(await settled(hung)).toBe(false);
    // No timer and no hold for a hung request: only the server's close lets it go.
    expect((await held(app)).longPolls).toBe(0);
    expect(clock.timers).toBe(0);
    await app.close();
    await rejected;
  });
});

it("every kind can be configured alone", async () => {
  for (const kind of FAULT_KINDS) {
    const { app } = setup({ ...base, faultKinds: [kind] });
    expect((await app.inject({ url: "/status" })).statusCode).toBe(200);
  }
});
