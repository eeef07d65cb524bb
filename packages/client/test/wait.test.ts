import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  HttpError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  RequestTimeoutError,
  TranslationStatusClient,
  UnexpectedResponseError,
  WaitTimeoutError,
  type PollEvent,
  type WaitOptions,
} from "@translation-status/client";
import { VirtualClock } from "../../../test/support/virtual-clock.js";
import {
  completed,
  hang,
  pending,
  scriptedFetch,
  type Step,
} from "../../../test/support/scripted-fetch.js";

/** A client on a virtual clock, answering from `steps`, with jitter off unless asked. */
function setup(steps: Step[], random: () => number = () => 0) {
  const clock = new VirtualClock();
  const { fetch, calls } = scriptedFetch(steps, () => clock.now());
  const client = new TranslationStatusClient({
    baseUrl: "http://sim.test",
    fetch,
    clock,
    random,
    requestTimeoutMs: 5_000,
  });
  const wait = (options: WaitOptions = {}) => clock.run(client.waitForCompletion(options));
  const times = () => calls.map((c) => c.at);
  return { clock, client, calls, wait, times };
}

const job = (status: string, extra: object = {}) => ({ json: { id: "job_1", status, ...extra } });

describe("waitForCompletion schedule", () => {
  it("polls at once, then grows the interval by backoffFactor", async () => {
    const { wait, times } = setup([pending, pending, pending, pending, completed]);
    const result = await wait({ initialIntervalMs: 1_000, backoffFactor: 1.5 });
    expect(times()).toEqual([0, 1_000, 2_500, 4_750, 8_125]);
    expect(result).toMatchObject({ status: "completed", requests: 5, elapsedMs: 8_125 });
  });

  it("never waits longer than maxIntervalMs", async () => {
    const { wait, times } = setup([...Array<Step>(6).fill(pending), completed]);
    await wait({ initialIntervalMs: 1_000, backoffFactor: 2, maxIntervalMs: 3_000 });
    const gaps = times()
      .slice(1)
      .map((t, i) => t - times()[i]!);
    expect(gaps).toEqual([1_000, 2_000, 3_000, 3_000, 3_000, 3_000]);
  });

  it("takes jitter off the nominal interval, never adds it", async () => {
    const { wait, times } = setup([pending, pending, completed], () => 0.5);
    await wait({ initialIntervalMs: 1_000, backoffFactor: 2, jitter: 0.2 });
    expect(times()).toEqual([0, 900, 900 + 1_800]);
  });

  it("keeps every jittered interval within [1 - jitter, 1] of nominal", async () => {
    const { wait, times } = setup([...Array<Step>(40).fill(pending), completed], Math.random);
    await wait({ initialIntervalMs: 100, backoffFactor: 1.2, maxIntervalMs: 1_000, jitter: 0.3 });
    const gaps = times()
      .slice(1)
      .map((t, i) => t - times()[i]!);
    gaps.forEach((gap, i) => {
      const nominal = Math.min(1_000, 100 * 1.2 ** i);
      expect(gap).toBeGreaterThanOrEqual(nominal * 0.7 - 1e-9);
      expect(gap).toBeLessThanOrEqual(nominal + 1e-9);
    });
    expect(new Set(gaps.map((g) => g.toFixed(3))).size).toBeGreaterThan(30);
  });

  it("makes its last poll at the deadline, then rejects with WaitTimeoutError", async () => {
    const { wait, times, clock } = setup([pending]);
    const error = await wait({ maxWaitMs: 5_000, initialIntervalMs: 1_000 }).catch((e) => e);
    expect(times()).toEqual([0, 1_000, 2_500, 4_750, 5_000]);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ attempts: 5, elapsedMs: 5_000 });
    expect(error.lastStatus.status).toBe("pending");
    expect(error.message).toMatch(/may still be running/);
    expect(clock.pendingTimers).toBe(0);
  });

  it("polls once and times out when maxWaitMs is 0", async () => {
    const { wait, times } = setup([pending]);
    await expect(wait({ maxWaitMs: 0 })).rejects.toBeInstanceOf(WaitTimeoutError);
    expect(times()).toEqual([0]);
  });

  it("resolves with error and cancelled outcomes instead of rejecting", async () => {
    const failure = { code: "unsupported_language", message: "Klingon is not supported" };
    const failed = await setup([job("pending"), job("error", { error: failure })]).wait({
      jobId: "job_1",
    });
    expect(failed.status).toBe("error");
    expect(failed.snapshot.error).toEqual(failure);
    const cancelled = await setup([job("cancelled")]).wait({ jobId: "job_1" });
    expect(cancelled).toMatchObject({ status: "cancelled", requests: 1, elapsedMs: 0 });
  });

  it("reports each poll and each status change", async () => {
    const { wait } = setup([pending, pending, completed]);
    const polls: PollEvent[] = [];
    const changes: string[] = [];
    await wait({
      onPoll: (event) => polls.push(event),
      onStatusChange: (now, before) => changes.push(`${before?.status ?? "-"}>${now.status}`),
    });
    expect(polls.map((p) => [p.attempt, p.elapsedMs, p.nextPollInMs])).toEqual([
      [1, 0, 1_000],
      [2, 1_000, 1_500],
      [3, 2_500, undefined],
    ]);
    expect(changes).toEqual(["->pending", "pending>completed"]);
  });
});

describe("waitForCompletion failures", () => {
  it("retries network errors and 5xx inside the deadline", async () => {
    const html = new Response("<html><body>Bad gateway</body></html>", {
      status: 502,
      headers: { "content-type": "text/html" },
    });
    const { wait, calls } = setup([new TypeError("fetch failed"), html, pending, completed]);
    const events: PollEvent[] = [];
    const result = await wait({ onPoll: (e) => events.push(e) });
    expect(result).toMatchObject({ status: "completed", requests: 4 });
    expect(calls).toHaveLength(4);
    expect(events[0]!.error).toBeInstanceOf(NetworkError);
    expect(events[1]!.error).toBeInstanceOf(HttpError);
    expect((events[1]!.error as HttpError).bodyExcerpt).toContain("Bad gateway");
  });

  it("honours a failure's Retry-After without jitter, capped at 15 s", async () => {
    const busy = (seconds: string) => ({
      json: { error: { code: "busy", message: "try later" } },
      status: 503,
      headers: { "retry-after": seconds },
    });
    const { wait, times } = setup([busy("7"), busy("120"), completed], () => 0.9);
    // jitter 0.5 with random 0.9 would show as a shortened interval: it must not.
    await wait({ jitter: 0.5 });
    expect(times()).toEqual([0, 7_000, 22_000]);
  });

  it("fails fast on 404, 401 and 400 with the job id and attempt count", async () => {
    const notFound = { json: { error: { code: "job_not_found", message: "no" } }, status: 404 };
    const error = await setup([pending, notFound])
      .wait({ jobId: "job_9" })
      .catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      status: 404,
      code: "job_not_found",
      jobId: "job_9",
      attempts: 2,
    });
    expect(error.message).toContain("GET http://sim.test/jobs/job_9");

    const unauthorized = setup([{ json: { error: { code: "x", message: "x" } }, status: 401 }]);
    await expect(unauthorized.wait()).rejects.toBeInstanceOf(AuthenticationError);
    expect(unauthorized.calls).toHaveLength(1);

    const bad = setup([
      { json: { error: { code: "invalid_request", message: "x" } }, status: 400 },
    ]);
    const badError = await bad.wait().catch((e) => e);
    expect(badError).toBeInstanceOf(HttpError);
    expect(badError.status).toBe(400);
    expect(bad.calls).toHaveLength(1);
  });

  it("does not retry a body it cannot understand", async () => {
    const garbage = new Response("\u0000\u0001 not json", { status: 200 });
    const first = setup([garbage]);
    const error = await first.wait().catch((e) => e);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error.bodyExcerpt).toContain("not json");
    expect(first.calls).toHaveLength(1);

    const unknown = setup([{ json: { status: "processing" } }]);
    await expect(unknown.wait()).rejects.toThrow(/unknown status "processing"/);
    expect(unknown.calls).toHaveLength(1);
  });

  it("gives up after maxConsecutiveFailures with the real error", async () => {
    const down = { json: { error: { code: "internal_error", message: "boom" } }, status: 500 };
    const { wait, calls } = setup([down]);
    const error = await wait({ maxConsecutiveFailures: 3 }).catch((e) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 500, attempts: 3 });
    expect(calls).toHaveLength(3);
  });

  it("counts only consecutive failures: a success resets the count", async () => {
    const down = { json: {}, status: 503 };
    const { wait } = setup([down, down, pending, down, down, completed]);
    await expect(wait({ maxConsecutiveFailures: 3 })).resolves.toMatchObject({ requests: 6 });
  });

  it("surfaces a RateLimitError when the server keeps answering 429", async () => {
    const limited = { json: {}, status: 429, headers: { "retry-after": "1" } };
    const error = await setup([limited])
      .wait({ maxConsecutiveFailures: 2 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(1_000);
  });

  it("times out a hung request and retries it", async () => {
    const { wait, times } = setup([hang, completed]);
    const events: PollEvent[] = [];
    const result = await wait({ requestTimeoutMs: 2_000, onPoll: (e) => events.push(e) });
    expect(events[0]!.error).toBeInstanceOf(RequestTimeoutError);
    expect(times()).toEqual([0, 3_000]);
    expect(result.elapsedMs).toBe(3_000);
  });

  it("reports the last failure as the cause of a timeout when no poll succeeded", async () => {
    const error = await setup([new TypeError("connect ECONNREFUSED")])
      .wait({ maxWaitMs: 2_000, maxConsecutiveFailures: Infinity })
      .catch((e) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error.lastStatus).toBeUndefined();
    expect(error.cause).toBeInstanceOf(NetworkError);
    expect(error.message).toContain("no status received");
  });
});

describe("waitForCompletion cancellation", () => {
  it("rejects with the signal's reason at once and leaves no timer behind", async () => {
    const { client, clock, calls } = setup([pending]);
    const controller = new AbortController();
    const waiting = client.waitForCompletion({ signal: controller.signal }).catch((e) => e);
    await clock.advance(2_600);
    expect(calls).toHaveLength(3);
    const reason = new Error("user went away");
    controller.abort(reason);
    expect(await waiting).toBe(reason);
    expect(clock.now()).toBe(2_600);
    expect(clock.pendingTimers).toBe(0);
  });

  it("removes every listener it put on a long-lived signal once it settles", async () => {
    const { wait } = setup([pending, pending, completed]);
    const { signal } = new AbortController();
    let live = 0;
    let added = 0;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = (...args: Parameters<AbortSignal["addEventListener"]>) => {
      live += 1;
      added += 1;
      add(...args);
    };
    signal.removeEventListener = (...args: Parameters<AbortSignal["removeEventListener"]>) => {
      live -= 1;
      remove(...args);
    };
    await wait({ signal });
    expect(added).toBeGreaterThanOrEqual(5);
    expect(live).toBe(0);
  });

  it("rejects before any request when the signal is already aborted", async () => {
    const { wait, calls } = setup([pending]);
    const signal = AbortSignal.abort(new Error("too late"));
    await expect(wait({ signal })).rejects.toThrow("too late");
    expect(calls).toHaveLength(0);
  });

  it("aborts a request in flight", async () => {
    const { client, clock } = setup([hang]);
    const controller = new AbortController();
    const waiting = client.waitForCompletion({ signal: controller.signal }).catch((e) => e);
    await clock.advance(100);
    controller.abort(new Error("stop"));
    expect((await waiting).message).toBe("stop");
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("options", () => {
  it.each([
    [{ maxWaitMs: -1 }, "maxWaitMs"],
    [{ backoffFactor: 0.5 }, "backoffFactor"],
    [{ jitter: 2 }, "jitter"],
    [{ initialIntervalMs: Number.NaN }, "initialIntervalMs"],
    [{ maxConsecutiveFailures: 0 }, "maxConsecutiveFailures"],
    [{ requestTimeoutMs: 0 }, "requestTimeoutMs"],
  ])("rejects %o with a TypeError naming the option", async (options, name) => {
    const { client, calls } = setup([pending]);
    const error = await client.waitForCompletion(options as WaitOptions).catch((e) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain(`"${name}"`);
    expect(calls).toHaveLength(0);
  });

  it("rejects a bad base URL when the client is made", () => {
    expect(() => new TranslationStatusClient({ baseUrl: "localhost:8000" })).toThrow(/baseUrl/);
    expect(() => new TranslationStatusClient({ baseUrl: "ftp://x" })).toThrow(/http/);
  });
});
