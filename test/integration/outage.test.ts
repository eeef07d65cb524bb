import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import type { HttpError } from "@translation-status/client";
import { NetworkError, TranslationStatusClient, type PollEvent } from "@translation-status/client";
import { startServer } from "@translation-status/server";
import { VirtualClock } from "../support/virtual-clock.js";
import { jsonResponse, scriptedFetch } from "../support/scripted-fetch.js";
import { MAX_RETRY_DELAY_MS } from "../../packages/client/src/failure.js";

const refused = () =>
  Object.assign(new TypeError("fetch failed"), {
    cause: Object.assign(new Error("connect ECONNREFUSED 10.1.2.3:443"), { code: "ECONNREFUSED" }),
  });

const gatewayPage = () =>
  new Response("<html><h1>503 Service Temporarily Unavailable</h1><hr>nginx</html>", {
    status: 503,
    headers: { "content-type": "text/html" },
  });

describe("an outage in the middle of a wait", () => {
  it("ends in the job's truth, learned within one capped interval of the API's return", async () => {
    // A 10 s job; the API refuses connections from second 2 to 32, then answers 503 pages
    // until second 62, as in a deploy. The wait uses the default options.
    const clock = new VirtualClock();
    const jobEndsAt = 10_000;
    const outage = { from: 2_000, pagesFrom: 32_000, until: 62_000 };
    const { fetch, calls } = scriptedFetch(
      [
        () => {
          const now = clock.now();
          if (now >= outage.from && now < outage.pagesFrom) throw refused();
          if (now >= outage.pagesFrom && now < outage.until) return gatewayPage();
          return jsonResponse({ id: "job_1", status: now >= jobEndsAt ? "completed" : "pending" });
        },
      ],
      () => clock.now(),
    );
    const warnings: string[] = [];
    const client = new TranslationStatusClient({
      baseUrl: "https://api.test",
      fetch,
      clock,
      logger: { warn: (message: string) => warnings.push(message) },
    });
    const polls: PollEvent[] = [];
    const result = await clock.run(
      client.waitForCompletion({
        jobId: "job_1",
        maxWaitMs: 300_000,
        onPoll: (event) => polls.push(event),
      }),
    );

    expect(result.status).toBe("completed");
    const recoveryMs = result.elapsedMs - outage.until;
    expect(recoveryMs).toBeGreaterThanOrEqual(0);
    expect(recoveryMs).toBeLessThanOrEqual(MAX_RETRY_DELAY_MS);
    if (process.env.SHOW_FIGURES)
      console.info(`60 s outage: learned ${recoveryMs} ms after return`);
    // Every failed attempt was reported, to onPoll and to the logger, with its cause.
    const failed = calls.filter((c) => c.at >= outage.from && c.at < outage.until);
    const failures = polls.filter((p) => p.error !== undefined);
    expect(failures).toHaveLength(failed.length);
    expect(failures.some((p) => p.error instanceof NetworkError)).toBe(true);
    expect(failures.some((p) => (p.error as HttpError).status === 503)).toBe(true);
    expect(warnings).toHaveLength(failed.length);
    expect(warnings[0]).toMatch(/connection refused \(ECONNREFUSED\)/);
    // No retry waited longer than the cap.
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(MAX_RETRY_DELAY_MS);
  });

  it("retries 503s and timeouts before the first answer too: a flaky API is not a wrong one", async () => {
    const clock = new VirtualClock();
    const { fetch, calls } = scriptedFetch(
      [
        gatewayPage(),
        { json: { error: { code: "busy", message: "slow down" } }, status: 429 },
        gatewayPage(),
        { json: { id: "job_1", status: "completed" } },
      ],
      () => clock.now(),
    );
    const client = new TranslationStatusClient({ baseUrl: "https://api.test", fetch, clock });
    const result = await clock.run(client.waitForCompletion("job_1"));
    expect(result).toMatchObject({ status: "completed", requests: 4 });
    expect(calls).toHaveLength(4);
  });

  it("survives the real server going away and coming back on the same port", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ts-outage-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // The jobs must outlive the restart, as they do behind a real deploy.
    const storage = `sqlite:${join(dir, "jobs.db")}`;
    let server = await startServer({ port: 0, host: "127.0.0.1", storage, errorProbability: 0 });
    const port = server.port;
    onTestFinished(() => server.close());
    const client = new TranslationStatusClient({ baseUrl: server.url });
    const job = await client.createJob({ pendingDurationMs: 2_500 });

    const waiting = client.waitForCompletion({ jobId: job.jobId!, maxWaitMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await server.close();
    const downAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    server = await startServer({ port, host: "127.0.0.1", storage, errorProbability: 0 });
    const backAt = Date.now();

    const result = await waiting;
    const recoveryMs = Date.now() - backAt;
    expect(result.status).toBe("completed");
    expect(backAt - downAt).toBeGreaterThanOrEqual(3_000);
    expect(recoveryMs).toBeLessThanOrEqual(MAX_RETRY_DELAY_MS);
    if (process.env.SHOW_FIGURES)
      console.info(`real outage: learned ${recoveryMs} ms after return`);
  });
});
