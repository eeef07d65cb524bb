import { describe, expect, it, vi } from "vitest";
import { MemoryJobStore } from "../src/index.js";
import { createJob, expectError, setup } from "./helpers.js";

// Hostile input, case by case; test/fuzz.test.ts sends thousands more at random.

const post = (payload: string, contentType = "application/json") => ({
  method: "POST" as const,
  url: "/jobs",
  headers: { "content-type": contentType },
  payload,
});

describe("hostile input", () => {
  it("refuses prototype pollution in any body, and pollutes nothing", async () => {
    const { app } = setup();
    for (const payload of [
      '{"__proto__":{"polluted":1}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
      '{"metadata":{"__proto__":{"polluted":1}}}',
      '{"metadata":{"a":[{"constructor":{"prototype":{"polluted":1}}}]}}',
    ]) {
      expectError(await app.inject(post(payload)), 400, "invalid_request");
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await app.inject({ url: "/jobs" })).json().data).toEqual([]);
  });

  it("refuses deep nesting before walking it", async () => {
    const { app } = setup();
    const deep = (n: number) => `{"metadata":${'{"a":'.repeat(n)}1${"}".repeat(n + 1)}`;
    expect(expectError(await app.inject(post(deep(10_000))), 400, "invalid_request")).toContain(
      "16 levels",
    );
    expectError(
      await app.inject(post(`${"[".repeat(30_000)}${"]".repeat(30_000)}`)),
      400,
      "invalid_request",
    );
    expect((await app.inject(post(deep(15)))).statusCode).toBe(201);
  });

  it("takes JSON only, and says so", async () => {
    const { app } = setup();
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/xml"]) {
      expectError(await app.inject(post("{}", type)), 415, "unsupported_media_type");
    }
    for (const payload of ["{", "[1,", "nul", '{"a":1}x', "\u0000"]) {
      expectError(await app.inject(post(payload)), 400, "invalid_request");
    }
  });

  it("answers ids that cannot be ours with 404, without asking the store", async () => {
    const store = new MemoryJobStore();
    const get = vi.spyOn(store, "get");
    const { app } = setup({ store });
    for (const id of [
      "__proto__",
      "constructor",
      "job_",
      "job_a-b",
      "JOB_abc",
      "job_%C3%A9",
      `job_${"a".repeat(65)}`,
    ]) {
      expectError(await app.inject({ url: `/jobs/${id}` }), 404, "job_not_found");
      expectError(await app.inject({ method: "DELETE", url: `/jobs/${id}` }), 404, "job_not_found");
    }
    expect(get).not.toHaveBeenCalled();
    expectError(await app.inject({ url: "/jobs/job_abc" }), 404, "job_not_found");
    expect(get).toHaveBeenCalledWith("job_abc");
  });

  it("ignores huge or malformed Prefer and Last-Event-ID", async () => {
    const { app, clock } = setup({ pendingDurationMs: 1_000, errorProbability: 0 });
    const job = await createJob(app);
    for (const prefer of ["x".repeat(10_000), 'wait="', "wait=-1", "wait=1.5", ",".repeat(5_000)]) {
      const response = await app.inject({ url: `/jobs/${job.id}`, headers: { prefer } });
      expect(response.statusCode).toBe(200);
      expect(response.headers["preference-applied"]).toBeUndefined();
    }
    clock.advance(1_000);
    for (const lastEventId of ["9".repeat(5_000), "1e9", "-5", "0x10", " "]) {
      const response = await app.inject({
        url: `/jobs/${job.id}/events`,
        headers: { "last-event-id": lastEventId },
      });
      expect(response.statusCode).toBe(200);
    }
  });

  it("refuses unknown and duplicated list parameters", async () => {
    const { app } = setup();
    for (const query of [
      "x=1",
      "limit=1&limit=2",
      "__proto__=1",
      "status=done",
      "limit=1e3",
      "cursor=",
    ]) {
      expectError(await app.inject({ url: `/jobs?${query}` }), 400, "invalid_request");
    }
  });
});
