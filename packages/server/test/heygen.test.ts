import { describe, expect, it } from "vitest";
import { translationPhase } from "../src/heygen/phase.js";
import type { JobRecord } from "../src/index.js";
import { createJob, injectOnClock, setup, START } from "./helpers.js";

const v2Body = { video_url: "https://example.com/a.mp4", output_language: "Spanish" };
const v3Body = {
  video: { type: "url", url: "https://example.com/a.mp4" },
  output_languages: ["French"],
};

function record(pendingDurationMs: number): JobRecord {
  return {
    id: "job_1",
    createdAt: START,
    pendingDurationMs,
    outcome: "completed",
    etaError: 0,
    etaBias: 0,
    metadata: {},
  };
}

describe("the queued and running phases", () => {
  it("is queued for the first 10% of the job, then running until it ends", () => {
    const job = record(10_000);
    expect(translationPhase(job, START)).toBe("queued");
    expect(translationPhase(job, START + 999)).toBe("queued");
    expect(translationPhase(job, START + 1_000)).toBe("running");
    expect(translationPhase(job, START + 9_999)).toBe("running");
    expect(translationPhase(job, START + 10_000)).toBe("completed");
  });

  it("is queued for 5 s at most, and never for a job that takes no time", () => {
    expect(translationPhase(record(600_000), START + 4_999)).toBe("queued");
    expect(translationPhase(record(600_000), START + 5_000)).toBe("running");
    expect(translationPhase(record(0), START)).toBe("completed");
  });
});

describe("HeyGen v2 routes", () => {
  it("creates a job and shows it as pending, running, then success", async () => {
    const { app, clock } = setup({ pendingDurationMs: 10_000, errorProbability: 0, etaError: 0 });
    const created = await app.inject({
      method: "POST",
      url: "/v2/video_translate",
      payload: { ...v2Body, title: "Talk", callback_id: "c1", callback_url: "https://h.test/cb" },
    });
    expect(created.statusCode).toBe(200);
    const id = created.json().data.video_translate_id as string;
    expect(created.json()).toEqual({ error: null, data: { video_translate_id: id } });
    // Our hints ride along: with an exact estimate, come back just after the end.
    expect(created.headers["poll-after-ms"]).toBe("10010");

    const read = async () => (await app.inject(`/v2/video_translate/${id}`)).json().data;
    expect(await read()).toEqual({
      video_translate_id: id,
      title: "Talk",
      status: "pending",
      url: null,
      message: null,
    });
    clock.advance(1_000);
    expect((await read()).status).toBe("running");
    clock.advance(9_000);
    expect(await read()).toMatchObject({ status: "success", url: expect.stringContaining(id) });

    // The same job, in our shape.
    const ours = await app.inject(`/jobs/${id}`);
    expect(ours.json()).toMatchObject({ id, status: "completed", metadata: {} });
  });

  it("shows a failed job's reason, and a cancelled one as failed", async () => {
    const { app, clock } = setup({ pendingDurationMs: 1_000, errorProbability: 1 });
    const failed = await app.inject({
      method: "POST",
      url: "/v2/video_translate",
      payload: v2Body,
    });
    const failedId = failed.json().data.video_translate_id as string;
    clock.advance(1_000);
    const view = (await app.inject(`/v2/video_translate/${failedId}`)).json().data;
    expect(view).toMatchObject({ status: "failed", url: null, message: expect.any(String) });
    expect(view.message.length).toBeGreaterThan(0);

    const { app: other } = setup({ pendingDurationMs: 60_000 });
    const created = await other.inject({
      method: "POST",
      url: "/v2/video_translate",
      payload: v2Body,
    });
    const id = created.json().data.video_translate_id as string;
    expect((await other.inject({ method: "DELETE", url: `/jobs/${id}` })).statusCode).toBe(200);
    const cancelled = (await other.inject(`/v2/video_translate/${id}`)).json().data;
    expect(cancelled).toMatchObject({
      status: "failed",
      message: expect.stringContaining("cancel"),
    });
  });

  it("answers every error in the v2 envelope, injected faults included", async () => {
    const { app } = setup({ apiKeys: ["k"] });
    const unauthorized = await app.inject({
      method: "POST",
      url: "/v2/video_translate",
      payload: v2Body,
    });
    expect(unauthorized.statusCode).toBe(401);
    expect(unauthorized.json()).toEqual({
      error: { code: "unauthorized", message: expect.any(String) },
      data: null,
    });
    const missing = await app.inject({
      url: "/v2/video_translate/job_nope",
      headers: { "x-api-key": "k" },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: { code: "job_not_found", message: expect.any(String) },
      data: null,
    });
    const unknownField = await app.inject({
      method: "POST",
      url: "/v2/video_translate",
      headers: { "x-api-key": "k" },
      payload: { ...v2Body, pendingDurationMs: 1 },
    });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().error.message).toBe('body has unknown field "pendingDurationMs"');

    const malformed = await app.inject({
      method: "POST",
      url: "/v2/video_translate",
      headers: { "x-api-key": "k", "content-type": "application/json" },
      payload: "{not json",
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toEqual({
      error: { code: "invalid_request", message: "Request body is not valid JSON" },
      data: null,
    });

    const { app: faulty } = setup({ faultRate: 1, faultKinds: ["500"] });
    const fault = await faulty.inject({
      method: "POST",
      url: "/v2/video_translate",
      payload: v2Body,
    });
    expect(fault.statusCode).toBe(500);
    expect(fault.json()).toEqual({
      error: { code: "injected_fault", message: expect.any(String) },
      data: null,
    });
  });

  it("applies a job's own fault settings to its reads in HeyGen's shapes", async () => {
    const { app } = setup();
    const job = await createJob(app, { faultRate: 1, faultKinds: ["500"] });
    const v2 = await app.inject(`/v2/video_translate/${job.id}`);
    expect(v2.statusCode).toBe(500);
    expect(v2.json()).toEqual({
      error: { code: "injected_fault", message: expect.any(String) },
      data: null,
    });
    const v3 = await app.inject(`/v3/video-translations/${job.id}`);
    expect(v3.statusCode).toBe(500);
    expect(v3.json()).toEqual({ error: { code: "injected_fault", message: expect.any(String) } });
    // Another job, without overrides, reads fine.
    const calm = await createJob(app);
    expect((await app.inject(`/v2/video_translate/${calm.id}`)).statusCode).toBe(200);
  });

  it("holds a read with Prefer: wait until the job ends", async () => {
    const { app, clock } = setup({ pendingDurationMs: 3_000, errorProbability: 0 });
    const created = await app.inject({
      method: "POST",
      url: "/v2/video_translate",
      payload: v2Body,
    });
    const id = created.json().data.video_translate_id as string;
    const held = await injectOnClock(app, clock, {
      url: `/v2/video_translate/${id}`,
      headers: { prefer: "wait=10" },
    });
    expect(held.json().data.status).toBe("success");
    expect(clock.now()).toBeGreaterThanOrEqual(START + 3_000);
    expect(clock.now()).toBeLessThan(START + 10_000);
    expect(held.headers["preference-applied"]).toBe("wait=10");
  });
});

describe("HeyGen v3 routes", () => {
  it("creates a job with its fields, and keeps the rest of the body in metadata", async () => {
    const { app, clock } = setup({ pendingDurationMs: 2_000, errorProbability: 0 });
    const created = await app.inject({
      method: "POST",
      url: "/v3/video-translations",
      payload: { ...v3Body, title: "Talk", callback_id: "ref", mode: "precision", speaker_num: 2 },
    });
    expect(created.statusCode).toBe(200);
    const [id] = created.json().data.video_translation_ids as string[];
    expect((await app.inject(`/v3/video-translations/${id}`)).json()).toEqual({
      data: {
        id,
        title: "Talk",
        status: "pending",
        output_language: "French",
        video_url: null,
        callback_id: "ref",
        failure_message: null,
      },
    });
    clock.advance(2_000);
    const done = (await app.inject(`/v3/video-translations/${id}`)).json().data;
    expect(done).toMatchObject({ status: "completed", video_url: expect.stringContaining(id!) });
    const ours = (await app.inject(`/jobs/${id}`)).json();
    expect(ours.metadata).toEqual({ mode: "precision", speaker_num: 2 });
  });

  it("takes an asset instead of a URL, and one output language per request", async () => {
    const { app } = setup();
    const asset = await app.inject({
      method: "POST",
      url: "/v3/video-translations",
      payload: { video: { type: "asset_id", asset_id: "a1" }, output_languages: ["German"] },
    });
    expect(asset.statusCode).toBe(200);
    const [id] = asset.json().data.video_translation_ids as string[];
    expect((await app.inject(`/jobs/${id}`)).json().metadata).toEqual({ videoAssetId: "a1" });
    const two = await app.inject({
      method: "POST",
      url: "/v3/video-translations",
      payload: { ...v3Body, output_languages: ["French", "German"] },
    });
    expect(two.statusCode).toBe(400);
    expect(two.json()).toEqual({
      error: {
        code: "invalid_request",
        message: "body.output_languages must NOT have more than 1 items",
      },
    });
  });

  it("replays a creation with the same Idempotency-Key and body", async () => {
    const { app } = setup();
    const send = (body: object, key = "k-1") =>
      app.inject({
        method: "POST",
        url: "/v3/video-translations",
        headers: { "idempotency-key": key },
        payload: body,
      });
    const first = await send(v3Body);
    const again = await send(v3Body);
    expect(again.json()).toEqual(first.json());
    expect(again.headers["idempotency-replayed"]).toBe("true");
    expect(first.headers["idempotency-replayed"]).toBeUndefined();
    expect((await send({ ...v3Body, title: "other" })).statusCode).toBe(422);
    expect((await send(v3Body, "has space")).statusCode).toBe(400);
  });
});
