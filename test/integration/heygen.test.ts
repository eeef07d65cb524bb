import { describe, expect, it, vi } from "vitest";
import {
  AuthenticationError,
  HttpError,
  RateLimitError,
  TranslationStatusClient,
  type Clock,
  type FetchLike,
} from "@translation-status/client";
import { expectHeygenError } from "../support/heygen-error.js";
import { simulator } from "../support/servers.js";
import { VirtualClock } from "../support/virtual-clock.js";

const KEY = "sk_test_heygen";
// These tests check HeyGen's shapes, not the wait's promises: HeyGen's routes send no hints, so
// with the default backoff (1 s, growing) a sub-second job would cost each test seconds.
const fast = { initialIntervalMs: 50, maxIntervalMs: 200, maxWaitMs: 10_000 };
const v2Body = { video_url: "https://example.com/talk.mp4", output_language: "Spanish" };
const v3Body = {
  video: { type: "url" as const, url: "https://example.com/talk.mp4" },
  output_languages: ["French"],
};

function v2Client(url: string, options: { apiKey?: string } = { apiKey: KEY }) {
  return new TranslationStatusClient({ baseUrl: url, api: "heygen-v2", ...options });
}

function v3Client(url: string, options: { apiKey?: string } = { apiKey: KEY }) {
  return new TranslationStatusClient({ baseUrl: url, api: "heygen-v3", ...options });
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": KEY, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe("HeyGen v2 over real HTTP", () => {
  it("creates a translation and waits for its success, long-polling with vendor hints", async () => {
    // The simulator's extensions, on: this test is about the client using them.
    const server = await simulator({
      apiKeys: [KEY],
      pendingDurationMs: 300,
      errorProbability: 0,
      vendorHints: true,
    });
    const client = v2Client(server.url);
    const created = await client.createJob({ ...v2Body, title: "Talk", callback_id: "ref-1" });
    expect(created).toMatchObject({ status: "pending", jobId: expect.stringMatching(/^job_/) });
    expect(created.raw).toEqual({ error: null, data: { video_translate_id: created.jobId } });

    const result = await client.waitForCompletion({ ...fast, jobId: created.jobId! });
    expect(result.status).toBe("completed");
    // With hints on, the simulator advertises long-polling: one poll, then one held request.
    expect(result.mode).toBe("long-poll");
    expect(result.requests).toBeLessThanOrEqual(3);
    expect(result.snapshot.raw).toEqual({
      error: null,
      data: {
        video_translate_id: created.jobId,
        title: "Talk",
        status: "success",
        url: expect.stringMatching(/^https:\/\/.+\.mp4$/),
        message: null,
      },
    });

    // The same job, in our shape and in v3's.
    const jobs = new TranslationStatusClient({ baseUrl: server.url, apiKey: KEY });
    expect(await jobs.getStatus(created.jobId!)).toMatchObject({ status: "completed" });
    const v3 = await v3Client(server.url).getStatus(created.jobId!);
    expect(v3.raw).toMatchObject({ data: { status: "completed", output_language: "Spanish" } });
  });

  it("polls on the client's own schedule by default: the simulator sends no hints", async () => {
    const server = await simulator({ apiKeys: [KEY], pendingDurationMs: 300, errorProbability: 0 });
    const client = v2Client(server.url);
    const { jobId } = await client.createJob(v2Body);
    const read = await fetch(`${server.url}/v2/video_translate/${jobId}`, {
      headers: { "x-api-key": KEY, prefer: "wait=5" },
    });
    for (const header of ["poll-after-ms", "retry-after", "link", "preference-applied"]) {
      expect(read.headers.get(header)).toBeNull();
    }
    const result = await client.waitForCompletion({ ...fast, jobId: jobId! });
    expect(result).toMatchObject({ status: "completed", mode: "poll" });
    expect(result.requests).toBeGreaterThan(2);
  });

  it("reports a failed translation as an error outcome with HeyGen's message", async () => {
    const server = await simulator({ apiKeys: [KEY], pendingDurationMs: 200, errorProbability: 1 });
    const client = v2Client(server.url);
    const { jobId } = await client.createJob(v2Body);
    const result = await client.waitForCompletion({ ...fast, mode: "poll", jobId: jobId! });
    expect(result.status).toBe("error");
    const { data } = result.snapshot.raw as { data: { status: string; message: string } };
    expect(data.status).toBe("failed");
    expect(data.message.length).toBeGreaterThan(0);
    expect(result.snapshot.error).toEqual({ code: "translation_failed", message: data.message });
  });

  it("answers 401 in the v2 envelope without a key, and the client throws AuthenticationError", async () => {
    const server = await simulator({ apiKeys: [KEY] });
    const error = await v2Client(server.url, {})
      .createJob(v2Body)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: "unauthorized" });
    const raw = await post(`${server.url}/v2/video_translate`, v2Body, { "x-api-key": "wrong" });
    expect(raw.status).toBe(401);
    expect(raw.body).toEqual({
      error: { code: "unauthorized", message: expect.any(String) },
      data: null,
    });
  });

  it("answers a bad body with 400 in the v2 envelope", async () => {
    const server = await simulator({ apiKeys: [KEY] });
    const raw = await post(`${server.url}/v2/video_translate`, { video_url: "ftp://x" });
    expect(raw.status).toBe(400);
    expect(raw.body).toEqual({
      error: { code: "invalid_parameter", message: expect.stringContaining("body") },
      data: null,
    });
    const error = await v2Client(server.url)
      .createJob({ ...v2Body, speaker_num: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 400, code: "invalid_parameter" });
    expect((error as HttpError).bodyExcerpt).toContain("speaker_num");
  });
});

describe("HeyGen v3 over real HTTP", () => {
  it("creates a translation and waits until it is completed", async () => {
    const server = await simulator({ apiKeys: [KEY], pendingDurationMs: 300, errorProbability: 0 });
    const client = v3Client(server.url);
    const created = await client.createJob({ ...v3Body, title: "Talk", callback_id: "ref-7" });
    expect(created.raw).toEqual({ data: { video_translation_ids: [created.jobId] } });
    const result = await client.waitForCompletion({ ...fast, mode: "poll", jobId: created.jobId! });
    expect(result.status).toBe("completed");
    expect(result.snapshot.raw).toEqual({
      data: {
        id: created.jobId,
        title: "Talk",
        status: "completed",
        output_language: "French",
        input_language: null,
        created_at: expect.any(Number),
        // 0.3 s of work at 0.1 s per second of video.
        duration: 3,
        translate_audio_only: false,
        video_url: expect.stringMatching(/^https:\/\/.+\.mp4$/),
        audio_url: null,
        srt_caption_url: null,
        vtt_caption_url: null,
        callback_id: "ref-7",
        failure_message: null,
      },
    });
    // The duration is the wait's size, for learning.
    expect(result.snapshot.size).toBe(3);
  });

  it("makes one job per output language, with captions and audio as asked", async () => {
    const server = await simulator({ apiKeys: [KEY], pendingDurationMs: 200, errorProbability: 0 });
    const created = await post(`${server.url}/v3/video-translations`, {
      ...v3Body,
      output_languages: ["Spanish (Spain)", "German"],
      enable_caption: true,
      translate_audio_only: true,
      input_language: "en",
      start_time: 10,
      end_time: 12,
    });
    expect(created.status).toBe(200);
    const ids = created.body.data.video_translation_ids as string[];
    expect(ids).toHaveLength(2);
    const client = v3Client(server.url);
    const results = await Promise.all(
      ids.map((jobId) => client.waitForCompletion({ ...fast, mode: "poll", jobId })),
    );
    const data = results.map((r) => (r.snapshot.raw as { data: Record<string, unknown> }).data);
    expect(data.map((d) => d.output_language)).toEqual(["Spanish (Spain)", "German"]);
    for (const [i, d] of data.entries()) {
      expect(d).toMatchObject({
        status: "completed",
        input_language: "en",
        duration: 2,
        translate_audio_only: true,
        audio_url: expect.stringContaining(`${ids[i]}.mp3`),
        srt_caption_url: expect.stringContaining(`${ids[i]}.srt`),
        vtt_caption_url: expect.stringContaining(`${ids[i]}.vtt`),
      });
    }
  });

  it("reports a failed translation with its failure_message", async () => {
    const server = await simulator({ apiKeys: [KEY], pendingDurationMs: 200, errorProbability: 1 });
    const client = v3Client(server.url);
    const { jobId } = await client.createJob(v3Body);
    const result = await client.waitForCompletion({ ...fast, jobId: jobId! });
    expect(result.status).toBe("error");
    const { data } = result.snapshot.raw as { data: { failure_message: string } };
    expect(result.snapshot.error?.message).toBe(data.failure_message);
    expect(data).toMatchObject({ status: "failed", video_url: null });
  });

  it("makes one job for one Idempotency-Key, and replays it even for another body", async () => {
    const server = await simulator({ apiKeys: [KEY], pendingDurationMs: 60_000 });
    const client = v3Client(server.url);
    const first = await client.createJob({ ...v3Body, idempotencyKey: "order-42" });
    const again = await client.createJob({ ...v3Body, idempotencyKey: "order-42" });
    expect(again.jobId).toBe(first.jobId);

    const replay = await post(`${server.url}/v3/video-translations`, v3Body, {
      "idempotency-key": "order-42",
    });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ data: { video_translation_ids: [first.jobId] } });
    // HeyGen replays the first answer even when the body differs.
    const otherBody = await post(
      `${server.url}/v3/video-translations`,
      { ...v3Body, output_languages: ["German"] },
      { "idempotency-key": "order-42" },
    );
    expect(otherBody.status).toBe(200);
    expect(otherBody.body).toEqual({ data: { video_translation_ids: [first.jobId] } });
    const badKey = await post(`${server.url}/v3/video-translations`, v3Body, {
      "idempotency-key": "order 42",
    });
    expect(expectHeygenError(badKey, 400, "validation_error")).toContain("Idempotency-Key");
    expect(badKey.body).toMatchObject({ error: { param: "Idempotency-Key" } });
    const other = await client.createJob({ ...v3Body, idempotencyKey: "order-43" });
    expect(other.jobId).not.toBe(first.jobId);
  });

  it("answers 401 without a key and 400 for a bad body, in v3's envelope", async () => {
    const server = await simulator({ apiKeys: [KEY] });
    const error = await v3Client(server.url, {})
      .getStatus("job_whatever")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    const bad = await post(`${server.url}/v3/video-translations`, {
      ...v3Body,
      output_languages: [],
    });
    expect(expectHeygenError(bad, 400, "validation_error")).toContain("output_languages");
    expect(bad.body).toMatchObject({ error: { param: "output_languages" } });
    const missing = await fetch(`${server.url}/v3/video-translations/job_unknown`, {
      headers: { "x-api-key": KEY },
    });
    const read = { status: missing.status, body: await missing.json() };
    expectHeygenError(read, 404, "not_found");
  });
});

describe.each([
  { api: "heygen-v2" as const, body: v2Body },
  { api: "heygen-v3" as const, body: v3Body },
])("$api past the concurrency limit", ({ api, body }) => {
  it("gets 429 with Retry-After, and the client waits it out to the millisecond", async () => {
    // One virtual clock for the server's jobs and the client's sleeps: the wait costs no time.
    const clock = new VirtualClock(Date.UTC(2025, 0, 1));
    const sleeps: number[] = [];
    const clientClock: Clock = {
      now: () => clock.now(),
      sleep: (ms, signal) => {
        sleeps.push(ms);
        return clock.sleep(ms, signal);
      },
    };
    const statuses: number[] = [];
    const recording: FetchLike = async (url, init) => {
      const response = await fetch(url, init);
      statuses.push(response.status);
      return response;
    };
    const server = await simulator({
      apiKeys: [KEY],
      now: () => clock.now(),
      pendingDurationMs: 500,
      errorProbability: 0,
      maxConcurrentJobs: 1,
      etaError: 0,
    });
    const client = new TranslationStatusClient({
      baseUrl: server.url,
      api,
      apiKey: KEY,
      clock: clientClock,
      fetch: recording,
    });
    // Typed per profile; the cast only picks the body for the profile at hand.
    const create = () => client.createJob(body as never);
    const first = await create();

    // Refused without retries: a RateLimitError carrying the server's Retry-After.
    const impatient = new TranslationStatusClient({
      baseUrl: server.url,
      api,
      apiKey: KEY,
      maxRetries: 0,
    });
    const refused = await impatient.createJob(body as never).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitError);
    expect(refused).toMatchObject({
      status: 429,
      code: "rate_limit_exceeded",
      retryAfterMs: 1_000,
    });

    const second = create();
    await vi.waitFor(() => expect(sleeps).toContain(1_000));
    expect(statuses).toEqual([200, 429]);
    await clock.advance(999);
    expect(statuses).toEqual([200, 429]);
    // At Retry-After the first job has ended (after 500 ms), so the retry gets through.
    await clock.advance(1);
    const created = await second;
    expect(statuses).toEqual([200, 429, 200]);
    expect(created.jobId).not.toBe(first.jobId);
  });
});
