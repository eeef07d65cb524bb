import { describe, expect, it } from "vitest";
import {
  TranslationStatusClient,
  WAIT_DEFAULTS,
  type DurationModelSnapshot,
  type PollEvent,
  type ProgressEvent,
  type WaitOptions,
} from "@translation-status/client";
import { DurationModel, learnedDelay, learnedTarget } from "../src/internal/index.js";
import { VirtualClock } from "../../../test/support/virtual-clock.js";
import {
  jsonResponse,
  scriptedFetch,
  sseEvent,
  sseResponse,
  type Step,
} from "../../../test/support/scripted-fetch.js";

const BASE = "http://sim.test";
const JOB_URL = `${BASE}/jobs/job_1`;
const EVENTS_URL = `${JOB_URL}/events`;
const LINKS = `</jobs/job_1/events>; rel="events"; type="text/event-stream", </jobs/job_1>; rel="long-poll"; max-wait="60"`;

const job = (status: string, extra: object = {}) => ({
  id: "job_1",
  status,
  result: status,
  ...extra,
});
const at = (ms: number) => new Date(ms).toISOString();

function setup(steps: Step[], clientOptions: { model?: DurationModelSnapshot } = {}) {
  const clock = new VirtualClock();
  const { fetch, calls } = scriptedFetch(steps, () => clock.now());
  const client = new TranslationStatusClient({
    baseUrl: BASE,
    fetch,
    clock,
    random: () => 0.5,
    ...clientOptions,
  });
  const wait = (options: WaitOptions = {}) =>
    clock.run(client.waitForCompletion({ jobId: "job_1", ...options }));
  return { clock, client, calls, wait, times: () => calls.map((c) => c.at) };
}

describe("server hints", () => {
  it("polls when Poll-After-Ms says, with no jitter", async () => {
    const pending = jsonResponse(job("pending"), 200, {
      "poll-after-ms": "4321",
      "retry-after": "5",
    });
    const { wait, times } = setup([pending, pending, { json: job("completed") }]);
    const result = await wait({ mode: "poll" });
    expect(times()).toEqual([0, 4_321, 8_642]);
    expect(result.requests).toBe(3);
  });

  it("falls back to Retry-After, then to just after the estimated completion", async () => {
    const retryAfter = jsonResponse(job("pending"), 200, { "retry-after": "3" });
    const estimate = jsonResponse(job("pending", { estimatedCompletionAt: at(20_000) }));
    const { wait, times } = setup([retryAfter, estimate, { json: job("completed") }]);
    await wait({ mode: "poll" });
    // 3 s from Retry-After; then the estimate at 20 s is 17 s away: poll 0.5% after it.
    expect(times()).toEqual([0, 3_000, 3_000 + 17_000 + 85]);
  });

  it("caps a hint at maxIntervalMs and lets the caller's pollIntervalMs override it", async () => {
    const slow = jsonResponse(job("pending"), 200, { "poll-after-ms": "3600000" });
    const capped = setup([slow, { json: job("completed") }]);
    await capped.wait({ mode: "poll", maxIntervalMs: 600_000 });
    expect(capped.times()).toEqual([0, 600_000]);

    const explicit = setup([slow, { json: job("completed") }]);
    await explicit.wait({ mode: "poll", pollIntervalMs: 2_000 });
    expect(explicit.times()).toEqual([0, 2_000]);
  });

  it("reports progress and the estimate for every status it sees", async () => {
    const pending = jsonResponse(
      job("pending", { progress: 0.4, estimatedCompletionAt: at(9_000) }),
    );
    const { wait } = setup([pending, { json: job("completed", { progress: 1 }) }]);
    const seen: ProgressEvent[] = [];
    await wait({ mode: "poll", onProgress: (e) => seen.push(e) });
    expect(seen.map((e) => [e.progress, e.estimatedCompletionAt, e.mode])).toEqual([
      [0.4, 9_000, "poll"],
      [1, undefined, "poll"],
    ]);
  });
});

describe("learned schedule", () => {
  // Twenty jobs of this kind took 10 s ± 10%.
  const learned: DurationModelSnapshot = {
    version: 1,
    kinds: { dub: Array.from({ length: 20 }, (_, i) => 9_000 + i * 100) },
  };

  it("places its polls around what it learned instead of backing off blindly", async () => {
    const createdAt = at(0);
    const steps: Step[] = [
      ...Array<Step>(3).fill({ json: job("pending", { createdAt }) }),
      { json: job("completed", { createdAt, completedAt: at(9_700) }) },
    ];
    const { wait, times } = setup(steps, { model: learned });
    const polls: PollEvent[] = [];
    await wait({ mode: "poll", kind: "dub", onPoll: (e) => polls.push(e) });
    // The plan for what was learned, replayed from the model alone: the wait follows it.
    const model = new DurationModel();
    model.import(learned);
    const target = learnedTarget(WAIT_DEFAULTS);
    const plan = [0];
    while (plan.length < 4) {
      const ageMs = plan[plan.length - 1]!;
      plan.push(
        ageMs +
          learnedDelay(
            model,
            { kind: "dub", size: undefined, expectedDurationMs: undefined, ageMs },
            target,
          )!,
      );
    }
    expect(times()).toEqual(plan);
    // One jump into the lengths seen (9..10.9 s), then polls a fraction of a second apart.
    expect(times()[1]).toBeGreaterThan(8_800);
    expect(times()[1]).toBeLessThan(9_700);
    expect(times()[3]).toBeGreaterThanOrEqual(9_700);
    expect(polls.slice(0, -1).every((p) => p.delaySource === "learned")).toBe(true);
  });

  it("places its polls by the precise samples when coarse ones would widen the window", async () => {
    const createdAt = at(0);
    const steps: Step[] = [
      ...Array<Step>(2).fill({ json: job("pending", { createdAt }) }),
      { json: job("completed", { createdAt, completedAt: at(1_850) }) },
    ];
    const { wait, times } = setup(steps, {
      model: {
        version: 1,
        kinds: { dub: [1_700, 1_800, 2_600, 1_900, 1_750, 1_850, 2_150, 1_950, 2_050, 1_900] },
        uncertaintyMs: { dub: [600, 600, 600, 600, 600, 50, 50, 50, 50, 50] },
      },
    });
    await wait({ mode: "poll", kind: "dub" });
    // The precise samples lie in 1 800..2 200: the coarse ones (a span from 1 100) do not pull
    // the first poll down to where they start.
    expect(times()[1]).toBeGreaterThan(1_700);
    expect(times()).toHaveLength(3);
  });

  it("backs off as usual for a kind it has not learned", async () => {
    const { wait, times } = setup([{ json: job("pending") }, { json: job("completed") }], {
      model: learned,
    });
    await wait({ mode: "poll", kind: "other", jitter: 0 });
    expect(times()).toEqual([0, 1_000]);
  });

  it("uses expectedDurationMs before it has learned anything", async () => {
    const { wait, times } = setup([{ json: job("pending") }, { json: job("completed") }]);
    await wait({ mode: "poll", expectedDurationMs: 60_000 });
    // Known ± 15%: the first poll lands in 51..69 s, not at backoff's 1 s.
    expect(times()[1]).toBeGreaterThanOrEqual(51_000);
    expect(times()[1]).toBeLessThan(69_000);
  });

  it("learns each job's duration from the server's createdAt and completedAt", async () => {
    const { wait, client } = setup([
      { json: job("pending", { createdAt: at(0) }) },
      { json: job("completed", { createdAt: at(0), completedAt: at(700) }) },
    ]);
    await wait({ mode: "poll", kind: "dub" });
    expect(client.exportModel()).toEqual({
      version: 2,
      kinds: { dub: [700] },
      uncertaintyMs: { dub: [0] },
      sizes: { dub: [0] },
    });
  });

  it("learns duration per unit of size, and polls a bigger job later", async () => {
    // Ten jobs took 1 s per unit of size ± 10%.
    const sized: DurationModelSnapshot = {
      version: 2,
      kinds: { dub: Array.from({ length: 10 }, (_, i) => (10 + i) * (900 + 20 * i)) },
      sizes: { dub: Array.from({ length: 10 }, (_, i) => 10 + i) },
    };
    const firstPoll = async (size: number) => {
      const { wait, times } = setup([{ json: job("pending") }, { json: job("completed") }], {
        model: sized,
      });
      await wait({ mode: "poll", kind: "dub", size });
      return times()[1]!;
    };
    const small = await firstPoll(10);
    expect(small).toBeGreaterThan(8_000);
    expect(small).toBeLessThan(10_000);
    expect(await firstPoll(20)).toBeCloseTo(2 * small, 6);
  });

  it("learns the size of each job with its duration", async () => {
    const { wait, client } = setup([
      { json: job("pending", { createdAt: at(0) }) },
      { json: job("completed", { createdAt: at(0), completedAt: at(700) }) },
    ]);
    await wait({ mode: "poll", kind: "dub", size: 12 });
    expect(client.exportModel().sizes).toEqual({ dub: [12] });
  });

  it.each([0, -1, Number.NaN, Infinity])("refuses size %s with a TypeError", async (size) => {
    const { wait } = setup([{ json: job("completed") }]);
    await expect(wait({ mode: "poll", size })).rejects.toThrow(/Option "size"/);
  });

  it("without those, learns the middle of the last pending and the first terminal answer", async () => {
    const { clock, client } = setup([
      { json: { result: "pending" } },
      { json: { result: "completed" } },
    ]);
    await clock.run(client.waitForCompletion({ mode: "poll", jitter: 0 }));
    const model = client.exportModel();
    expect(model.kinds.default).toEqual([500]);
    // Ended somewhere between the two answers: 500 ms give or take 500.
    expect(model.uncertaintyMs?.default).toEqual([500]);
  });
});

describe("long-polling", () => {
  it("asks the server to hold each request, and asks again at once when it times out", async () => {
    const clock = new VirtualClock();
    const held = async (init: RequestInit, url: string) => {
      expect(url).toBe(JOB_URL);
      expect((init.headers as Record<string, string>).prefer).toBe("wait=60");
      await clock.sleep(60_000);
      return jsonResponse(job("pending"), 200, { "preference-applied": "wait=60" });
    };
    const { fetch, calls } = scriptedFetch([held, held, { json: job("completed") }], () =>
      clock.now(),
    );
    const client = new TranslationStatusClient({ baseUrl: BASE, fetch, clock });
    const result = await clock.run(client.waitForCompletion({ jobId: "job_1", mode: "long-poll" }));
    expect(calls.map((c) => c.at)).toEqual([0, 60_000, 120_000]);
    expect(result.requests).toBe(3);
  });

  it("steps down to polling when the server ignores Prefer", async () => {
    const { wait, calls } = setup([
      { json: job("pending") },
      { json: job("pending") },
      { json: job("completed") },
    ]);
    await wait({ mode: "long-poll", jitter: 0 });
    expect(calls[0]!.headers.prefer).toBe("wait=60");
    expect(calls[1]!.headers.prefer).toBeUndefined();
    expect(calls.map((c) => c.at)).toEqual([0, 1_000, 2_500]);
  });

  it("never asks to hold past the deadline", async () => {
    const { wait, calls } = setup([{ json: job("pending") }]);
    await wait({ mode: "long-poll", maxWaitMs: 5_000 }).catch(() => {});
    expect(calls[0]!.headers.prefer).toBe("wait=5");
  });
});

describe("push stream", () => {
  it("auto mode polls once, sees the advertised stream, and takes the rest from it", async () => {
    const clock = new VirtualClock();
    const first = jsonResponse(job("pending", { progress: 0 }), 200, { link: LINKS });
    const stream = (init: RequestInit, url: string) => {
      expect(url).toBe(EVENTS_URL);
      expect((init.headers as Record<string, string>).accept).toBe("text/event-stream");
      return sseResponse(
        clock,
        [
          { text: `retry: 1000\n${sseEvent("progress", job("pending", { progress: 0 }), "1")}` },
          { afterMs: 1_000, text: sseEvent("progress", job("pending", { progress: 0.5 }), "1000") },
          { afterMs: 800, text: sseEvent("done", job("completed", { progress: 1 }), "1800") },
        ],
        { signal: init.signal },
      );
    };
    const { fetch, calls } = scriptedFetch([first, stream], () => clock.now());
    const client = new TranslationStatusClient({ baseUrl: BASE, fetch, clock });
    const progress: Array<[number | undefined, string]> = [];
    const result = await clock.run(
      client.waitForCompletion({
        jobId: "job_1",
        onProgress: (e) => progress.push([e.progress, e.mode]),
      }),
    );
    expect(result).toMatchObject({ status: "completed", requests: 2, elapsedMs: 1_800 });
    expect(calls.map((c) => c.url)).toEqual([JOB_URL, EVENTS_URL]);
    expect(progress).toEqual([
      [0, "poll"],
      [0, "stream"],
      [0.5, "stream"],
      [1, "stream"],
    ]);
  });

  it("reconnects a dropped stream with Last-Event-ID", async () => {
    const clock = new VirtualClock();
    const first = (init: RequestInit) =>
      sseResponse(clock, [{ text: `retry: 500\n${sseEvent("progress", job("pending"), "42")}` }], {
        signal: init.signal,
      });
    const second = (init: RequestInit) => {
      expect((init.headers as Record<string, string>)["last-event-id"]).toBe("42");
      return sseResponse(
        clock,
        [{ afterMs: 100, text: sseEvent("done", job("completed"), "99") }],
        {
          signal: init.signal,
        },
      );
    };
    const { fetch, calls } = scriptedFetch([first, second], () => clock.now());
    const client = new TranslationStatusClient({ baseUrl: BASE, fetch, clock });
    const result = await clock.run(client.waitForCompletion({ jobId: "job_1", mode: "stream" }));
    expect(result).toMatchObject({ status: "completed", requests: 2 });
    expect(calls.map((c) => c.at)).toEqual([0, 500]);
  });

  it("falls back to long-polling when the events URL is not a stream", async () => {
    const clock = new VirtualClock();
    const first = jsonResponse(job("pending"), 200, { link: LINKS });
    const notAStream = jsonResponse({ error: { code: "route_not_found", message: "no" } }, 404);
    const held = async () => {
      await clock.sleep(700);
      return jsonResponse(job("completed"), 200, { "preference-applied": "wait=60" });
    };
    const { fetch, calls } = scriptedFetch([first, notAStream, held], () => clock.now());
    const client = new TranslationStatusClient({ baseUrl: BASE, fetch, clock });
    const result = await clock.run(client.waitForCompletion({ jobId: "job_1" }));
    expect(result).toMatchObject({ status: "completed", requests: 3 });
    expect(calls[2]!.headers.prefer).toBe("wait=60");
  });

  it("falls back when a proxy buffers the stream and nothing arrives", async () => {
    const clock = new VirtualClock();
    const buffered = (init: RequestInit) =>
      sseResponse(clock, [], { signal: init.signal, hold: true });
    const { fetch, calls } = scriptedFetch([buffered, { json: job("completed") }], () =>
      clock.now(),
    );
    const client = new TranslationStatusClient({
      baseUrl: BASE,
      fetch,
      clock,
      requestTimeoutMs: 5_000,
    });
    const result = await clock.run(client.waitForCompletion({ jobId: "job_1", mode: "stream" }));
    expect(result.status).toBe("completed");
    expect(calls.map((c) => [c.url, c.at])).toEqual([
      [EVENTS_URL, 0],
      [JOB_URL, 5_050],
    ]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("treats a silent stream as dropped after streamIdleTimeoutMs", async () => {
    const clock = new VirtualClock();
    const quiet = (init: RequestInit) =>
      sseResponse(clock, [{ text: sseEvent("progress", job("pending"), "1") }], {
        signal: init.signal,
        hold: true,
      });
    const done = (init: RequestInit) =>
      sseResponse(clock, [{ text: sseEvent("done", job("completed"), "2") }], {
        signal: init.signal,
      });
    const { fetch, calls } = scriptedFetch([quiet, done], () => clock.now());
    const client = new TranslationStatusClient({ baseUrl: BASE, fetch, clock });
    await clock.run(
      client.waitForCompletion({ jobId: "job_1", mode: "stream", streamIdleTimeoutMs: 2_000 }),
    );
    expect(calls.map((c) => c.at)).toEqual([0, 3_000]);
  });

  it("gives up on a stream that dribbles bytes too slowly to ever deliver an event", async () => {
    const clock = new VirtualClock();
    const event = sseEvent("progress", job("pending"), "1");
    const dribble = (init: RequestInit) =>
      sseResponse(
        clock,
        [...event].map((char) => ({ afterMs: 500, text: char })),
        { signal: init.signal },
      );
    const { fetch, calls } = scriptedFetch([dribble, { json: job("completed") }], () =>
      clock.now(),
    );
    const client = new TranslationStatusClient({ baseUrl: BASE, fetch, clock });
    const result = await clock.run(
      client.waitForCompletion({ jobId: "job_1", mode: "stream", streamIdleTimeoutMs: 2_000 }),
    );
    expect(result).toMatchObject({ status: "completed", mode: "poll" });
    // Bytes kept coming, one every 500 ms: "id: 1" ended its line at 3 s, and the next line
    // would have taken 8 s more, past the 2 s idle timeout. Nothing delivered: poll instead.
    expect(calls.map((c) => c.at)).toEqual([0, 5_050]);
  });

  it("ends a stream at the deadline with WaitTimeoutError and the last status", async () => {
    const clock = new VirtualClock();
    const endless = (init: RequestInit) =>
      sseResponse(
        clock,
        Array.from({ length: 100 }, (_, i) => ({
          afterMs: 1_000,
          text: sseEvent("progress", job("pending", { progress: i / 100 }), String(i)),
        })),
        { signal: init.signal },
      );
    const { fetch } = scriptedFetch([endless], () => clock.now());
    const client = new TranslationStatusClient({ baseUrl: BASE, fetch, clock });
    const error = await clock
      .run(client.waitForCompletion({ jobId: "job_1", mode: "stream", maxWaitMs: 4_500 }))
      .catch((e) => e);
    expect(error.name).toBe("WaitTimeoutError");
    expect(error.lastStatus.progress).toBe(0.03);
    expect(clock.now()).toBe(4_500);
    expect(clock.pendingTimers).toBe(0);
  });
});
