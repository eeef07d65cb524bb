import { describe, expect, it } from "vitest";
import { pollHintMs } from "../src/index.js";
import { START, createJob, setup } from "./helpers.js";

// etaRandom 0.75 draws u = 0.5: with E = 0.2 a 10 s job is first estimated at 11 s.
const options = { pendingDurationMs: 10_000, errorProbability: 0, etaRandom: () => 0.75 };

const jobLink = (id: string, maxWait = 60) =>
  `</jobs/${id}/events>; rel="events"; type="text/event-stream", ` +
  `</jobs/${id}>; rel="long-poll"; max-wait="${maxWait}"`;

describe("poll hints", () => {
  it("come from the estimate and its error bound on every pending response", async () => {
    const { app, clock } = setup(options);
    const created = await app.inject({ method: "POST", url: "/jobs" });
    // R = 11 000, window [9 166.7, 13 750]: wide, so come back at its start.
    expect(created.headers["poll-after-ms"]).toBe("9167");
    expect(created.headers["retry-after"]).toBe("10");
    const { id } = created.json<{ id: string }>();

    clock.advance(9_167);
    const read = await app.inject({ url: `/jobs/${id}` });
    // E·u = 0.1, so the total is D·(1 + 0.1·(1 − p)²) at p = 0.9167.
    const estimated = START + Math.round(10_000 * (1 + 0.1 * (1 - 0.9167) ** 2));
    expect(read.json().estimatedCompletionAt).toBe(new Date(estimated).toISOString());
    const expected = pollHintMs({
      now: START + 9_167,
      createdAt: START,
      estimatedCompletionAt: estimated,
      etaError: 0.2,
      progress: 0.9167,
    });
    expect(read.headers["poll-after-ms"]).toBe(String(expected));
    expect(read.headers["retry-after"]).toBe("1");

    const status = await app.inject({ url: "/status" });
    expect(Number(status.headers["poll-after-ms"])).toBeGreaterThanOrEqual(50);
    expect(Number(status.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  });

  it("are absent once the job is terminal, and on list pages", async () => {
    const { app, clock } = setup(options);
    const done = await createJob(app, { pendingDurationMs: 0 });
    const cancelled = await createJob(app);
    const responses = [
      await app.inject({ url: `/jobs/${done.id}` }),
      await app.inject({ method: "DELETE", url: `/jobs/${cancelled.id}` }),
      await app.inject({ url: `/jobs/${cancelled.id}` }),
      await app.inject({ url: "/jobs" }),
    ];
    clock.advance(10_000);
    responses.push(await app.inject({ url: "/status" }));
    for (const response of responses) {
      expect(response.statusCode).toBe(200);
      expect(response.headers["poll-after-ms"]).toBeUndefined();
      expect(response.headers["retry-after"]).toBeUndefined();
    }
  });

  it("say 'just after the end' with an exact estimate", async () => {
    const { app } = setup({ ...options, etaError: 0 });
    const created = await app.inject({ method: "POST", url: "/jobs" });
    expect(created.headers["poll-after-ms"]).toBe("10010");
    expect(created.headers["retry-after"]).toBe("11");
  });
});

describe("Link", () => {
  it("advertises the event stream and long-polling on every job response", async () => {
    const { app } = setup(options);
    const created = await app.inject({ method: "POST", url: "/jobs" });
    const { id } = created.json<{ id: string }>();
    expect(created.headers.link).toBe(jobLink(id));
    expect((await app.inject({ url: `/jobs/${id}` })).headers.link).toBe(jobLink(id));
    const held = app.inject({ url: `/jobs/${id}`, headers: { prefer: "wait=1" } });
    expect((await app.inject({ method: "DELETE", url: `/jobs/${id}` })).headers.link).toBe(
      jobLink(id),
    );
    expect((await held).headers.link).toBe(jobLink(id));
    expect((await app.inject({ url: "/status" })).headers.link).toBe(
      '</status/events>; rel="events"; type="text/event-stream", ' +
        '</status>; rel="long-poll"; max-wait="60"',
    );
  });

  it("states the configured maximum wait, and is absent from lists and errors", async () => {
    const { app } = setup({ ...options, maxWaitSeconds: 5 });
    const job = await createJob(app);
    expect((await app.inject({ url: `/jobs/${job.id}` })).headers.link).toBe(jobLink(job.id, 5));
    expect((await app.inject({ url: "/jobs" })).headers.link).toBeUndefined();
    expect((await app.inject({ url: "/jobs/job_missing" })).headers.link).toBeUndefined();
  });
});
