import { describe, expect, it } from "vitest";
import type { JobView } from "../src/index.js";
import { START, createJob, expectError, iso, setup } from "./helpers.js";

const post = (payload: string, contentType = "application/json") => ({
  method: "POST" as const,
  url: "/jobs",
  headers: { "content-type": contentType },
  payload,
});

describe("POST /jobs", () => {
  it("creates a pending job with defaults, a Location header and nothing hidden exposed", async () => {
    const { app } = setup();
    const response = await app.inject({ method: "POST", url: "/jobs", payload: {} });
    expect(response.statusCode).toBe(201);
    const job = response.json<JobView>();
    expect(job.id).toMatch(/^job_[A-Za-z0-9]{20}$/);
    expect(response.headers.location).toBe(`/jobs/${job.id}`);
    expect(Object.keys(job)).toEqual([
      "id",
      "status",
      "result",
      "progress",
      "createdAt",
      "updatedAt",
      "estimatedCompletionAt",
      "metadata",
    ]);
    expect(job).toMatchObject({
      status: "pending",
      result: "pending",
      progress: 0,
      createdAt: iso(START),
      updatedAt: iso(START),
      metadata: {},
    });
    const fetched = await app.inject({ url: response.headers.location as string });
    expect(fetched.json()).toEqual(job);
  });

  it("uses the server's pendingDurationMs and errorProbability by default", async () => {
    const { app, clock } = setup({ pendingDurationMs: 3_000, errorProbability: 1 });
    const job = await createJob(app);
    clock.advance(2_999);
    expect((await app.inject({ url: `/jobs/${job.id}` })).json().status).toBe("pending");
    clock.advance(1);
    const done = (await app.inject({ url: `/jobs/${job.id}` })).json<JobView>();
    expect(done.status).toBe("error");
    expect(done.updatedAt).toBe(iso(START + 3_000));
  });

  it("lets a job override duration and error probability, and echoes metadata", async () => {
    const { app, clock } = setup({ pendingDurationMs: 60_000, errorProbability: 1 });
    const metadata = { video: "v-1", languages: ["fr", "de"], nested: { ok: true } };
    const job = await createJob(app, { pendingDurationMs: 500, errorProbability: 0, metadata });
    expect(job.metadata).toEqual(metadata);
    clock.advance(500);
    const done = (await app.inject({ url: `/jobs/${job.id}` })).json<JobView>();
    expect(done).toMatchObject({ status: "completed", progress: 1, metadata });
    expect(done).not.toHaveProperty("error");
  });

  it("takes an empty JSON body, a blank one, or no body at all as all defaults", async () => {
    const { app } = setup();
    for (const request of [
      post(""),
      post("  \n"),
      post("{}", "application/json; charset=utf-8"),
      { method: "POST" as const, url: "/jobs" },
    ]) {
      const response = await app.inject(request);
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ status: "pending", metadata: {} });
    }
  });

  it("rejects unknown fields, naming them", async () => {
    const { app } = setup();
    const response = await app.inject(post('{"pendingDuration": 5}'));
    expect(expectError(response, 400, "invalid_request")).toContain('"pendingDuration"');
  });

  it.each([
    [{ pendingDurationMs: -1 }, "body.pendingDurationMs"],
    [{ pendingDurationMs: 86_400_001 }, "body.pendingDurationMs"],
    [{ pendingDurationMs: 1.5 }, "body.pendingDurationMs"],
    [{ pendingDurationMs: "100" }, "body.pendingDurationMs"],
    [{ errorProbability: 1.01 }, "body.errorProbability"],
    [{ errorProbability: -0.1 }, "body.errorProbability"],
    [{ errorProbability: true }, "body.errorProbability"],
    [{ metadata: [1, 2] }, "body.metadata"],
    [{ metadata: "x" }, "body.metadata"],
    [{ metadata: { big: "x".repeat(20_000) } }, "body.metadata"],
    [
      { metadata: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])) },
      "body.metadata",
    ],
  ])("rejects %j with a message naming %s", async (body, field) => {
    const { app } = setup();
    const response = await app.inject(post(JSON.stringify(body)));
    expect(expectError(response, 400, "invalid_request")).toContain(field);
  });

  it("rejects metadata nested too deeply to echo safely", async () => {
    const { app } = setup();
    const deep = `${'{"a":'.repeat(30)}1${"}".repeat(30)}`;
    const response = await app.inject(post(`{"metadata":${deep}}`));
    expect(expectError(response, 400, "invalid_request")).toMatch(/^body\.metadata must not nest/);
  });

  it("rejects a body that is not an object", async () => {
    const { app } = setup();
    for (const payload of ["null", "[]", "5"]) {
      expectError(await app.inject(post(payload)), 400, "invalid_request");
    }
  });

  it("answers 400 to malformed JSON", async () => {
    const { app } = setup();
    expectError(await app.inject(post('{"metadata": ')), 400, "invalid_request");
  });

  it("answers 415 to anything but JSON", async () => {
    const { app } = setup();
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/xml"]) {
      const message = expectError(
        await app.inject(post("a=1", type)),
        415,
        "unsupported_media_type",
      );
      expect(message).toContain(type);
    }
  });

  it("answers 413 to a body over the limit", async () => {
    const { app } = setup();
    const payload = JSON.stringify({ metadata: { blob: "x".repeat(70_000) } });
    expectError(await app.inject(post(payload)), 413, "payload_too_large");
  });
});
