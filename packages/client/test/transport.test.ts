import { describe, expect, it } from "vitest";
import {
  HttpError,
  NetworkError,
  NotFoundError,
  TranslationStatusClient,
  UnexpectedResponseError,
} from "@translation-status/client";
import { parseRetryAfter } from "../src/transport/retry-after.js";
import { VirtualClock } from "../../../test/support/virtual-clock.js";
import { scriptedFetch, type Step } from "../../../test/support/scripted-fetch.js";

function client(step: Step, options: { maxResponseBytes?: number } = {}) {
  const clock = new VirtualClock();
  const { fetch, calls } = scriptedFetch([step], () => clock.now());
  const c = new TranslationStatusClient({
    baseUrl: "http://sim.test",
    fetch,
    clock,
    maxRetries: 0,
    ...options,
  });
  return { client: c, calls, clock };
}

/** A client that retries, on a virtual clock, with jitter fixed at its middle. */
function retrying(steps: Step[]) {
  const clock = new VirtualClock();
  const { fetch, calls } = scriptedFetch(steps, () => clock.now());
  const c = new TranslationStatusClient({
    baseUrl: "http://sim.test",
    fetch,
    clock,
    random: () => 0.5,
  });
  return { client: c, calls, clock, times: () => calls.map((call) => call.at) };
}

/** A body delivered in chunks, with no Content-Length, so only counting can catch its size. */
function streamed(chunks: number, chunkBytes: number, status = 200): Response {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ < chunks) controller.enqueue(new Uint8Array(chunkBytes).fill(32));
      else controller.close();
    },
  });
  return new Response(body, { status });
}

describe("getStatus", () => {
  it("reads the original shape from the status URL", async () => {
    const { client: c, calls } = client({ json: { result: "completed" } });
    const snapshot = await c.getStatus();
    expect(calls[0]!.url).toBe("http://sim.test/status");
    expect(snapshot).toMatchObject({
      status: "completed",
      jobId: undefined,
      raw: { result: "completed" },
    });
  });

  it("reads the job shape from /jobs/:id, escaping the id", async () => {
    const body = { id: "job/1", status: "pending", result: "pending", progress: 0.25 };
    const { client: c, calls } = client({ json: body });
    const snapshot = await c.getStatus("job/1");
    expect(calls[0]!.url).toBe("http://sim.test/jobs/job%2F1");
    expect(calls[0]!.headers.accept).toBe("application/json");
    expect(snapshot).toMatchObject({ status: "pending", jobId: "job/1", progress: 0.25 });
  });

  it("keeps the server's request id and error code on an HTTP error", async () => {
    const { client: c } = client({
      json: { error: { code: "job_not_pending", message: "already done" } },
      status: 409,
      headers: { "x-request-id": "req-42" },
    });
    const error = await c.getStatus("job_1").catch((e) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 409, code: "job_not_pending", requestId: "req-42" });
    expect(error.bodyExcerpt).toContain("already done");
  });

  it("wraps a failed connection in NetworkError with the cause attached", async () => {
    const cause = new TypeError("fetch failed");
    const error = await client(cause)
      .client.getStatus()
      .catch((e) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.cause).toBe(cause);
    expect(error.message).toContain("GET http://sim.test/status");
  });

  it("refuses a body over maxResponseBytes by its declared length", async () => {
    const big = new Response("x".repeat(2_000), {
      headers: { "content-length": "2000" },
    });
    const error = await client(big, { maxResponseBytes: 1_000 })
      .client.getStatus()
      .catch((e) => e);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error.message).toMatch(/exceeds maxResponseBytes \(1000 bytes\)/);
  });

  it("stops reading a streamed body once it passes maxResponseBytes", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(512));
      },
    });
    const error = await client(new Response(body), { maxResponseBytes: 4_096 })
      .client.getStatus()
      .catch((e) => e);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(pulled).toBeLessThan(20);
  });

  it("truncates an oversized error page instead of refusing it", async () => {
    const error = await client(streamed(100, 1_024, 502), { maxResponseBytes: 4_096 })
      .client.getStatus()
      .catch((e) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(502);
    expect(error.bodyExcerpt.length).toBe(500);
  });

  it("calls an empty 200 body unexpected", async () => {
    const error = await client(new Response(null))
      .client.getStatus()
      .catch((e) => e);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error.message).toContain("empty response body");
  });
});

describe("createJob and cancelJob", () => {
  it("posts the overrides as JSON and reads the new job", async () => {
    const { client: c, calls } = client({ json: { id: "job_2", status: "pending" }, status: 201 });
    const job = await c.createJob({ pendingDurationMs: 500, metadata: { lang: "fr" } });
    expect(job.jobId).toBe("job_2");
    expect(calls[0]).toMatchObject({ method: "POST", url: "http://sim.test/jobs" });
    expect(calls[0]!.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(calls[0]!.body!)).toEqual({
      pendingDurationMs: 500,
      metadata: { lang: "fr" },
    });
  });

  it("deletes the job to cancel it", async () => {
    const { client: c, calls } = client({ json: { id: "job_3", status: "cancelled" } });
    expect((await c.cancelJob("job_3")).status).toBe("cancelled");
    expect(calls[0]).toMatchObject({ method: "DELETE", url: "http://sim.test/jobs/job_3" });
  });
});

describe("retries of single requests", () => {
  const unavailable = { json: { error: { code: "busy", message: "later" } }, status: 503 };

  it("retries a transient failure twice, with backoff, by default", async () => {
    const {
      client: c,
      clock,
      times,
    } = retrying([unavailable, unavailable, { json: { result: "pending" } }]);
    expect((await clock.run(c.getStatus())).status).toBe("pending");
    expect(times()).toEqual([0, 450, 450 + 900]);
  });

  it("gives up with the last error after maxRetries", async () => {
    const { client: c, clock, calls } = retrying([unavailable]);
    const error = await clock.run(c.getStatus("job_1")).catch((e) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 503, attempts: 3, jobId: "job_1" });
    expect(calls).toHaveLength(3);
  });

  it("honours Retry-After, but not one longer than a minute", async () => {
    const soon = { json: {}, status: 429, headers: { "retry-after": "2" } };
    const short = retrying([soon, { json: { result: "completed" } }]);
    await short.clock.run(short.client.getStatus());
    expect(short.times()).toEqual([0, 2_000]);

    const late = retrying([{ json: {}, status: 429, headers: { "retry-after": "3600" } }]);
    await expect(late.clock.run(late.client.getStatus())).rejects.toMatchObject({ status: 429 });
    expect(late.calls).toHaveLength(1);
  });

  it("does not retry what cannot get better", async () => {
    const { client: c, clock, calls } = retrying([{ json: {}, status: 404 }]);
    await expect(clock.run(c.getStatus("job_1"))).rejects.toBeInstanceOf(NotFoundError);
    expect(calls).toHaveLength(1);
  });

  it("sends one Idempotency-Key for every attempt of a creation", async () => {
    const created = { json: { id: "job_1", status: "pending" }, status: 201 };
    const { client: c, clock, calls } = retrying([new TypeError("socket hang up"), created]);
    await clock.run(c.createJob());
    const keys = calls.map((call) => call.headers["idempotency-key"]);
    expect(keys[0]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(keys[1]).toBe(keys[0]);

    const mine = retrying([created]);
    await mine.clock.run(mine.client.createJob({ idempotencyKey: "order-42" }));
    expect(mine.calls[0]!.headers["idempotency-key"]).toBe("order-42");
    expect(JSON.parse(mine.calls[0]!.body!)).toEqual({});
  });
});

describe("statusMap", () => {
  it("reads a server's own status names, and still refuses unknown ones", async () => {
    const clock = new VirtualClock();
    const { fetch } = scriptedFetch([
      { json: { status: "running" } },
      { json: { status: "weird" } },
    ]);
    const c = new TranslationStatusClient({
      baseUrl: "http://sim.test",
      fetch,
      clock,
      statusMap: { running: "pending", succeeded: "completed" },
    });
    expect((await c.getStatus()).status).toBe("pending");
    await expect(c.getStatus()).rejects.toBeInstanceOf(UnexpectedResponseError);
  });

  it("refuses a mapping to a status it does not know", () => {
    expect(() => new TranslationStatusClient({ statusMap: { running: "busy" as never } })).toThrow(
      /statusMap/,
    );
  });
});

describe("the original constructor form", () => {
  it("takes a status URL and puts jobs beside it", () => {
    const c = new TranslationStatusClient("http://localhost:8000/status");
    expect(c.statusUrl).toBe("http://localhost:8000/status");
    expect(c.baseUrl).toBe("http://localhost:8000");
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it.each([
    ["3", 3_000],
    ["0", 0],
    [" 1.5 ", 1_500],
    ["Thu, 01 Jan 2026 00:00:10 GMT", 10_000],
    ["Wed, 31 Dec 2025 23:59:00 GMT", 0],
    ["soon", undefined],
    ["-5", undefined],
    [null, undefined],
  ])("reads %j as %j ms", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
