import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { translationPhase } from "../src/heygen/phase.js";
import { translationLength } from "../src/heygen/video-length.js";
import {
  loadConfig,
  MemoryIdempotencyStore,
  type IdempotencyRecord,
  type JobRecord,
} from "../src/index.js";
import { expectHeygenError } from "../../../test/support/heygen-error.js";
import { createJob, injectOnClock, settle, setup, START } from "./helpers.js";

const v2Body = { video_url: "https://example.com/a.mp4", output_language: "Spanish" };

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
    // HeyGen sends no hints, and neither does its copy by default.
    for (const header of ["poll-after-ms", "retry-after", "link"]) {
      expect(created.headers[header]).toBeUndefined();
    }

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

  it("answers every error in the v2 envelope and HeyGen's codes, injected faults included", async () => {
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
      error: { code: "not_found", message: expect.any(String) },
      data: null,
    });
    const unknownField = await app.inject({
      method: "POST",
      url: "/v2/video_translate",
      headers: { "x-api-key": "k" },
      payload: { ...v2Body, pendingDurationMs: 1 },
    });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().error).toEqual({
      code: "invalid_parameter",
      message: 'body has unknown field "pendingDurationMs"',
    });

    const malformed = await app.inject({
      method: "POST",
      url: "/v2/video_translate",
      headers: { "x-api-key": "k", "content-type": "application/json" },
      payload: "{not json",
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toEqual({
      error: { code: "invalid_parameter", message: "Request body is not valid JSON" },
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
      error: { code: "internal_error", message: expect.any(String) },
      data: null,
    });
    expect(fault.headers["x-injected-fault"]).toBe("500");
  });

  it("applies a job's own fault settings to its reads in HeyGen's shapes", async () => {
    const { app } = setup();
    const job = await createJob(app, { faultRate: 1, faultKinds: ["500"] });
    const v2 = await app.inject(`/v2/video_translate/${job.id}`);
    expect(v2.statusCode).toBe(500);
    expect(v2.json()).toEqual({
      error: { code: "internal_error", message: expect.any(String) },
      data: null,
    });
    expectHeygenError(await app.inject(`/v3/video-translations/${job.id}`), 500, "internal_error");
    // Another job, without overrides, reads fine.
    const calm = await createJob(app);
    expect((await app.inject(`/v2/video_translate/${calm.id}`)).statusCode).toBe(200);
  });

  it("ignores Prefer: wait by default, as HeyGen does", async () => {
    const { app } = setup({ pendingDurationMs: 3_000 });
    const created = await app.inject({
      method: "POST",
      url: "/v2/video_translate",
      payload: v2Body,
    });
    const id = created.json().data.video_translate_id as string;
    const read = await app.inject({
      url: `/v2/video_translate/${id}`,
      headers: { prefer: "wait=10" },
    });
    expect(read.json().data.status).toBe("pending");
    expect(read.headers["preference-applied"]).toBeUndefined();
  });

  it("holds a read with Prefer: wait until the job ends, with vendorHints", async () => {
    const { app, clock } = setup({
      pendingDurationMs: 3_000,
      errorProbability: 0,
      vendorHints: true,
    });
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

const V3 = "/v3/video-translations";

/** Every field of HeyGen's v3 request schema, as its documentation describes them. */
const everyField = {
  video: { type: "url", url: "https://example.com/talk.mp4" },
  output_languages: ["Spanish (Spain)", "Chinese (Cantonese, Traditional)", "English"],
  title: "Quarterly talk",
  callback_id: "order-42",
  callback_url: "https://hooks.example.com/heygen",
  input_language: "en",
  mode: "precision",
  translate_audio_only: true,
  enable_caption: true,
  start_time: 30,
  end_time: 90,
  speaker_num: 2,
  audio: { type: "asset_id", asset_id: "asset_audio_1" },
  srt: { type: "url", url: "https://example.com/talk.srt" },
  srt_role: "input",
  fps_mode: "passthrough",
  brand_glossary_id: "glossary_1",
  brand_voice_id: "glossary_1",
  folder_id: "folder_1",
  keep_the_same_format: true,
  disable_music_track: true,
  enable_dynamic_duration: false,
  enable_speech_enhancement: true,
  enable_watermark: false,
  stock_voice_config: { use_stock_voice: true, preferred_stock_voice_ids: ["voice_1"] },
};

const create = (app: ReturnType<typeof setup>["app"], payload: object, key?: string) =>
  app.inject({
    method: "POST",
    url: V3,
    payload,
    ...(key !== undefined && { headers: { "idempotency-key": key } }),
  });

const idsOf = (response: { json: () => { data: { video_translation_ids: string[] } } }) =>
  response.json().data.video_translation_ids;

describe("HeyGen v3 creation", () => {
  it("takes every documented field, one job per output language, ids in order", async () => {
    const { app, clock } = setup({ errorProbability: 0, etaError: 0 });
    const created = await create(app, everyField);
    expect(created.statusCode).toBe(200);
    const ids = idsOf(created);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    const read = async (id: string) => (await app.inject(`${V3}/${id}`)).json().data;
    const languages = await Promise.all(ids.map(async (id) => (await read(id)).output_language));
    expect(languages).toEqual(everyField.output_languages);

    // 60 s of video at the default 0.1 s of work per second: 6 s.
    expect(await read(ids[0]!)).toEqual({
      id: ids[0],
      title: "Quarterly talk",
      status: "pending",
      output_language: "Spanish (Spain)",
      input_language: "en",
      created_at: START / 1_000,
      duration: 60,
      translate_audio_only: true,
      video_url: null,
      audio_url: null,
      srt_caption_url: null,
      vtt_caption_url: null,
      callback_id: "order-42",
      failure_message: null,
    });
    clock.advance(5_999);
    expect((await read(ids[0]!)).status).toBe("running");
    clock.advance(1);
    const done = await read(ids[0]!);
    const file = `https://videos.simulator.invalid/translations/${ids[0]}`;
    expect(done).toMatchObject({
      status: "completed",
      video_url: `${file}.mp4`,
      audio_url: `${file}.mp3`,
      srt_caption_url: `${file}.srt`,
      vtt_caption_url: `${file}.vtt`,
    });

    // What the simulator does not act on is kept with the job, as sent.
    const { metadata } = (await app.inject(`/jobs/${ids[0]}`)).json();
    const acted = ["video", "output_languages", "title", "callback_id", "callback_url"];
    const kept = Object.entries(everyField).filter(([name]) => !acted.includes(name));
    expect(metadata).toEqual(Object.fromEntries(kept));
  });

  it("takes null for every nullable field, and shows no captions or audio unless asked", async () => {
    const { app, clock } = setup({ pendingDurationMs: 1_000, errorProbability: 0 });
    const nulls = Object.fromEntries(
      [
        "title",
        "callback_id",
        "callback_url",
        "input_language",
        "start_time",
        "end_time",
        "speaker_num",
        "audio",
        "srt",
        "srt_role",
        "fps_mode",
        "brand_glossary_id",
        "brand_voice_id",
        "folder_id",
        "keep_the_same_format",
        "stock_voice_config",
      ].map((name) => [name, null]),
    );
    const created = await create(app, {
      video: { type: "asset_id", asset_id: "asset_1" },
      output_languages: ["German"],
      ...nulls,
    });
    expect(created.statusCode).toBe(200);
    const [id] = idsOf(created);
    clock.advance(1_000);
    expect((await app.inject(`${V3}/${id}`)).json().data).toMatchObject({
      status: "completed",
      title: null,
      input_language: null,
      // Nothing said of the video: the server's job length, and the video it stands for.
      duration: 10,
      translate_audio_only: false,
      video_url: expect.stringMatching(/\.mp4$/),
      audio_url: null,
      srt_caption_url: null,
      vtt_caption_url: null,
    });
    expect((await app.inject(`/jobs/${id}`)).json().metadata).toEqual({ videoAssetId: "asset_1" });
  });

  it("refuses an undocumented field with 400 validation_error naming it", async () => {
    const { app } = setup();
    const response = await create(app, { ...everyField, pendingDurationMs: 1 });
    expect(expectHeygenError(response, 400, "validation_error")).toBe(
      'body has unknown field "pendingDurationMs"',
    );
    expect(response.json().error.param).toBe("pendingDurationMs");
    const nested = await create(app, {
      ...everyField,
      stock_voice_config: { use_stock_voice: true, voice: "x" },
    });
    expectHeygenError(nested, 400, "validation_error");
    expect(nested.json().error.param).toBe("stock_voice_config.voice");
  });

  it.each([
    [{ mode: "fast" }, "mode"],
    [{ fps_mode: "60" }, "fps_mode"],
    [{ enable_caption: "yes" }, "enable_caption"],
    [{ speaker_num: 1.5 }, "speaker_num"],
    [{ output_languages: [] }, "output_languages"],
    [{ video: { type: "url" } }, "video"],
    [{ start_time: -1 }, "start_time"],
    [{ start_time: 90, end_time: 30 }, "end_time"],
    // The simulator's videos are 100 s long at the defaults.
    [{ start_time: 100, end_time: null }, "start_time"],
  ])("refuses %j with 400 validation_error about %s", async (change, param) => {
    const { app } = setup();
    const response = await create(app, { ...everyField, ...change });
    expectHeygenError(response, 400, "validation_error");
    expect(response.json().error.param).toMatch(new RegExp(`^${param}`));
  });

  it("sets duration from start_time and end_time, and the job's length from duration", async () => {
    const { app } = setup({ workSecondsPerVideoSecond: 2, etaError: 0 });
    const body = { video: everyField.video, output_languages: ["French"] };
    const cases = [
      [{ end_time: 12.5 }, 12.5, 25_000],
      [{ start_time: 2, end_time: 3 }, 1, 2_000],
      // The simulator's videos are 10 s / 2 = 5 s long: the rest of it.
      [{ start_time: 1 }, 4, 8_000],
      [{}, 5, 10_000],
    ] as const;
    for (const [range, duration, lengthMs] of cases) {
      const [id] = idsOf(await create(app, { ...body, ...range }));
      expect((await app.inject(`${V3}/${id}`)).json().data.duration).toBe(duration);
      const ours = (await app.inject(`/jobs/${id}`)).json();
      expect(Date.parse(ours.estimatedCompletionAt) - Date.parse(ours.createdAt)).toBe(lengthMs);
    }
  });

  it("answers 404 not_found, and 429 rate_limit_exceeded past the concurrency limit", async () => {
    const { app } = setup({ maxConcurrentJobs: 2, pendingDurationMs: 60_000 });
    expectHeygenError(await app.inject(`${V3}/job_nope`), 404, "not_found");
    const body = { video: everyField.video, output_languages: ["French", "German"] };
    expect((await create(app, body)).statusCode).toBe(200);
    const full = await create(app, { ...body, output_languages: ["Italian"] });
    expectHeygenError(full, 429, "rate_limit_exceeded");
    expect(full.headers["retry-after"]).toBeDefined();
    // More languages than may ever be pending at once: never, so 400 rather than 429.
    const tooMany = await create(app, { ...body, output_languages: ["a", "b", "c"] });
    expectHeygenError(tooMany, 400, "validation_error");
    // All or none: the refused requests made no job.
    expect((await app.inject("/jobs")).json().data).toHaveLength(2);
  });

  it("answers 429 rate_limit_exceeded past the rate limit, and 413 payload_too_large", async () => {
    const { app } = setup({ rateLimit: 1 });
    const body = { video: everyField.video, output_languages: ["French"] };
    expect((await create(app, body)).statusCode).toBe(200);
    const limited = await create(app, body);
    expectHeygenError(limited, 429, "rate_limit_exceeded");
    const { app: small } = setup({ bodyLimit: 1_024 });
    const large = await create(small, { ...body, title: "x".repeat(2_000) });
    expectHeygenError(large, 413, "payload_too_large");
  });
});

/** An idempotency store whose reads wait for `open()`, to catch a request mid-way. */
class GatedStore extends MemoryIdempotencyStore {
  #gate: Promise<void> | undefined;
  open: () => void = () => {};

  hold(): void {
    this.#gate = new Promise((resolve) => (this.open = resolve));
  }

  override async get(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    await this.#gate;
    return super.get(scope, key);
  }
}

describe("HeyGen v3 idempotency", () => {
  const body = { video: everyField.video, output_languages: ["French", "German"] };

  it("replays the first answer, every id of it, even for another body, and logs a warning", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const { app } = setup({ logger: { level: "warn", stream } });
    const first = await create(app, body, "order-42");
    expect(idsOf(first)).toHaveLength(2);
    const same = await create(app, body, "order-42");
    expect(same.json()).toEqual(first.json());
    expect(lines).toEqual([]);
    const other = await create(app, { ...body, output_languages: ["Italian"] }, "order-42");
    expect(other.statusCode).toBe(200);
    expect(other.json()).toEqual(first.json());
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, idempotencyKey: "order-42" });
    // HeyGen sends no replay header; the simulator's extensions are off.
    expect(other.headers["idempotency-replayed"]).toBeUndefined();
    expect((await app.inject("/jobs")).json().data).toHaveLength(2);
  });

  it("answers 409 request_in_progress while the first request is under way", async () => {
    const idempotencyStore = new GatedStore();
    const { app } = setup({ idempotencyStore });
    idempotencyStore.hold();
    const first = create(app, body, "k-1");
    await settle();
    const retry = await create(app, body, "k-1");
    expectHeygenError(retry, 409, "request_in_progress");
    expect(retry.headers["retry-after"]).toBe("1");
    idempotencyStore.open();
    expect((await first).statusCode).toBe(200);
    expect(idsOf(await create(app, body, "k-1"))).toEqual(idsOf(await first));
  });

  it("takes keys of [A-Za-z0-9_-:.] only", async () => {
    const { app } = setup();
    expect((await create(app, body, "order_42-a:b.c")).statusCode).toBe(200);
    for (const key of ["has space", "slash/key", "é", "x".repeat(256)]) {
      const response = await create(app, body, key);
      expectHeygenError(response, 400, "validation_error");
      expect(response.json().error.param).toBe("Idempotency-Key");
    }
  });

  it("scopes keys per endpoint: the same key on /jobs makes another job", async () => {
    const { app } = setup();
    const headers = { "idempotency-key": "shared-key" };
    const [v3] = idsOf(await create(app, body, "shared-key"));
    const jobs = await app.inject({ method: "POST", url: "/jobs", headers, payload: {} });
    expect(jobs.statusCode).toBe(201);
    expect(jobs.json().id).not.toBe(v3);
    // /jobs keeps its own rule: another body under its key is refused.
    const reused = await app.inject({
      method: "POST",
      url: "/jobs",
      headers,
      payload: { metadata: { other: true } },
    });
    expect(reused.statusCode).toBe(422);
    const again = await app.inject({ method: "POST", url: "/jobs", headers, payload: {} });
    expect(again.json().id).toBe(jobs.json().id);
  });
});

describe("HeyGen vendor hints", () => {
  const body = { video: everyField.video, output_languages: ["French"] };

  it("are off by default: no Poll-After-Ms, Retry-After, Link or Preference-Applied", async () => {
    const { app } = setup({ pendingDurationMs: 10_000 });
    const created = await create(app, body);
    const [id] = idsOf(created);
    const read = await app.inject({ url: `${V3}/${id}`, headers: { prefer: "wait=5" } });
    for (const response of [created, read]) {
      for (const header of ["poll-after-ms", "retry-after", "link", "preference-applied"]) {
        expect(response.headers[header]).toBeUndefined();
      }
    }
    expect(read.json().data.status).toBe("pending");
  });

  it("are on with vendorHints, and Prefer: wait holds a read", async () => {
    const { app, clock } = setup({
      pendingDurationMs: 10_000,
      errorProbability: 0,
      etaError: 0,
      vendorHints: true,
    });
    const created = await create(app, body, "key-1");
    const [id] = idsOf(created);
    expect(created.headers["poll-after-ms"]).toBe("10010");
    expect(created.headers.link).toBe(`<${V3}/${id}>; rel="long-poll"; max-wait="60"`);
    const replay = await create(app, body, "key-1");
    expect(replay.headers["idempotency-replayed"]).toBe("true");
    const held = await injectOnClock(app, clock, {
      url: `${V3}/${id}`,
      headers: { prefer: "wait=30" },
    });
    expect(held.json().data.status).toBe("completed");
    expect(held.headers["preference-applied"]).toBe("wait=30");
  });
});

describe("the video's length and the job's", () => {
  const timing = { workSecondsPerVideoSecond: 0.5, pendingDurationMs: 30_000 };

  it("keeps the server's job length when the request names no part of the video", () => {
    expect(translationLength({}, timing)).toEqual({ videoSeconds: 60 });
  });

  it("scales the job with the seconds of video, to the millisecond", () => {
    expect(translationLength({ start_time: 0.1, end_time: 0.4 }, timing)).toEqual({
      videoSeconds: 0.3,
      pendingDurationMs: 150,
    });
    expect(translationLength({ start_time: 45 }, timing)).toEqual({
      videoSeconds: 15,
      pendingDurationMs: 7_500,
    });
  });

  it("refuses an empty range and a job longer than a day", () => {
    expect(() => translationLength({ start_time: 5, end_time: 5 }, timing)).toThrow(/end_time/);
    expect(() => translationLength({ start_time: 60 }, timing)).toThrow(/60 s long/);
    expect(() =>
      translationLength({ end_time: 86_400 }, { ...timing, workSecondsPerVideoSecond: 2 }),
    ).toThrow(/more than the 86400 s/);
  });

  it("reads WORK_PER_VIDEO_SECOND, and refuses a rate that is not positive", () => {
    expect(loadConfig({ WORK_PER_VIDEO_SECOND: "2.5" }).workSecondsPerVideoSecond).toBe(2.5);
    expect(loadConfig({}).workSecondsPerVideoSecond).toBeUndefined();
    expect(() => loadConfig({ WORK_PER_VIDEO_SECOND: "0" })).toThrow(/WORK_PER_VIDEO_SECOND/);
    expect(() => setup({ workSecondsPerVideoSecond: -1 })).toThrow(/workSecondsPerVideoSecond/);
  });
});
