import { afterAll, describe, expect, it } from "vitest";
import {
  HttpError,
  NetworkError,
  RequestTimeoutError,
  TranslationStatusClient,
  UnexpectedResponseError,
  WaitTimeoutError,
  type JobOutcome,
} from "@translation-status/client";
import { closedPortUrl, rawServer } from "../support/servers.js";

// Every broken backend meets a client with default options. A wrong URL fails at once with a
// typed error that says so; anything else is an outage, retried until the wait's deadline,
// which holds within about 100 ms whatever the server does.
const maxWaitMs = 2_000;
/** The promise is "about 100 ms"; a shared CI machine gets a little more room. */
const overshootLimitMs = 150;
const overshoots: Record<string, number> = {};

afterAll(() => {
  // The figures behind the deadline promise, per scenario: `SHOW_FIGURES=1 npx vitest run ...`.
  if (process.env.SHOW_FIGURES) console.info("deadline overshoot (ms):", overshoots);
});

async function waitOn(url: string, jobId = "job_1") {
  const client = new TranslationStatusClient({ baseUrl: url });
  const started = Date.now();
  const error = await client.waitForCompletion({ jobId, maxWaitMs }).then(
    (result) => {
      throw new Error(`expected a failure, got ${result.status}`);
    },
    (e: unknown) => e,
  );
  return { error, elapsed: Date.now() - started };
}

/** Expects a WaitTimeoutError settled within the overshoot limit, and records the overshoot. */
function expectDeadlineKept(scenario: string, error: unknown, elapsed: number) {
  expect(error).toBeInstanceOf(WaitTimeoutError);
  overshoots[scenario] = elapsed - maxWaitMs;
  expect(elapsed).toBeGreaterThanOrEqual(maxWaitMs);
  expect(elapsed).toBeLessThan(maxWaitMs + overshootLimitMs);
}

const pendingJob = JSON.stringify({ id: "job_1", status: "pending" });

describe("a client pointed at a broken server", () => {
  it("rejects garbage at once: before any answer, it means a wrong URL", async () => {
    let hits = 0;
    const { url } = await rawServer((_req, res) => {
      hits += 1;
      res.end("%PDF-1.4 \u0000\u0007 definitely not json");
    });
    const { error } = await waitOn(url);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as Error).message).toMatch(/check baseUrl/);
    expect(hits).toBe(1);
  });

  it("retries HTML error pages until the deadline, with the page in the cause", async () => {
    let hits = 0;
    const { url } = await rawServer((_req, res) => {
      hits += 1;
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html><h1>502 Bad Gateway</h1><p>nginx</p></html>");
    });
    const { error, elapsed } = await waitOn(url);
    expectDeadlineKept("502 pages", error, elapsed);
    const cause = (error as WaitTimeoutError).cause as HttpError;
    expect(cause).toBeInstanceOf(HttpError);
    expect(cause.status).toBe(502);
    expect(cause.bodyExcerpt).toContain("Bad Gateway");
    expect(hits).toBeGreaterThan(1);
  });

  it("ends by the deadline on a server that accepts and never answers", async () => {
    const { url } = await rawServer(() => {
      // Never respond.
    });
    const { error, elapsed } = await waitOn(url);
    expectDeadlineKept("hung", error, elapsed);
    expect((error as WaitTimeoutError).cause).toBeInstanceOf(RequestTimeoutError);
  });

  it("ends by the deadline on a body that starts and stalls", async () => {
    const { url } = await rawServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":"job_1","status":"pen');
    });
    const { error, elapsed } = await waitOn(url);
    expectDeadlineKept("half body", error, elapsed);
  });

  it("ends by the deadline on an advertised stream that never sends an event", async () => {
    let streams = 0;
    const { url } = await rawServer((req, res) => {
      if (req.url?.endsWith("/events")) {
        streams += 1;
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.flushHeaders();
        return;
      }
      res.writeHead(200, {
        "content-type": "application/json",
        link: '</jobs/job_1/events>; rel="events"; type="text/event-stream"',
      });
      res.end(pendingJob);
    });
    const { error, elapsed } = await waitOn(url);
    expectDeadlineKept("stream", error, elapsed);
    expect(streams).toBe(1);
  });

  it("ends by the deadline on a long-poll that is held past it", async () => {
    let held = 0;
    const { url } = await rawServer((req, res) => {
      if (req.headers.prefer !== undefined) {
        held += 1;
        return; // Held, and never answered.
      }
      res.writeHead(200, {
        "content-type": "application/json",
        link: '</jobs/job_1>; rel="long-poll"; max-wait="60"',
      });
      res.end(pendingJob);
    });
    const { error, elapsed } = await waitOn(url);
    expectDeadlineKept("long-poll", error, elapsed);
    expect(held).toBe(1);
  });

  it("keeps the deadline for every job of waitForAll on a hung server", async () => {
    const { url } = await rawServer(() => {
      // Never respond, batch or single.
    });
    const client = new TranslationStatusClient({ baseUrl: url });
    const started = Date.now();
    const outcomes: JobOutcome[] = await client.waitForAll(["a", "b", "c"], { maxWaitMs });
    const elapsed = Date.now() - started;
    overshoots["waitForAll, hung"] = elapsed - maxWaitMs;
    expect(outcomes.map((o) => (o.ok ? o.result.status : o.error))).toEqual([
      expect.any(WaitTimeoutError),
      expect.any(WaitTimeoutError),
      expect.any(WaitTimeoutError),
    ]);
    expect(elapsed).toBeLessThan(maxWaitMs + overshootLimitMs);
  });

  it("reports a refused connection at once as a NetworkError naming the cause and host", async () => {
    const url = await closedPortUrl();
    const { error, elapsed } = await waitOn(url);
    expect(error).toBeInstanceOf(NetworkError);
    const host = new URL(url).host;
    expect(error).toMatchObject({ code: "ECONNREFUSED", host });
    expect((error as Error).message).toContain(`connection refused (ECONNREFUSED) at ${host}`);
    expect((error as Error).message).toMatch(/check baseUrl/);
    expect(elapsed).toBeLessThan(1_000);
  });

  it("names a host that does not resolve, at once", async () => {
    const { error } = await waitOn("http://no-such-host.invalid");
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe("ENOTFOUND");
    expect((error as Error).message).toContain("no-such-host.invalid:80");
  });

  it("retries connections dropped mid-response until the deadline", async () => {
    let hits = 0;
    const { url } = await rawServer((req) => {
      hits += 1;
      req.socket.destroy();
    });
    const { error, elapsed } = await waitOn(url);
    expectDeadlineKept("reset", error, elapsed);
    expect((error as WaitTimeoutError).cause).toBeInstanceOf(NetworkError);
    expect(hits).toBeGreaterThan(1);
  });
});
