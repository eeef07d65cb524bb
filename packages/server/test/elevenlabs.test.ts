import type { FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { ConfigError } from "../src/config-error.js";
import { START, iso, setup } from "./helpers.js";

const KEY = "sk_test";
const SOURCE = "https://example.com/talk.mp4";
const auth = { "xi-api-key": KEY };

/** A multipart body as fetch (and so the official SDK) encodes it, for inject(). */
async function multipart(fields: Record<string, string | Blob>) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value instanceof Blob) form.append(name, value, (value as File).name);
    else form.append(name, value);
  }
  const request = new Request("http://localhost/", { method: "POST", body: form });
  return {
    headers: { "content-type": request.headers.get("content-type")! },
    payload: Buffer.from(await request.arrayBuffer()),
  };
}

async function dub(
  app: FastifyInstance,
  fields: Record<string, string | Blob>,
  headers: Record<string, string> = auth,
) {
  const body = await multipart(fields);
  return app.inject({
    method: "POST",
    url: "/v1/dubbing",
    headers: { ...headers, ...body.headers },
    payload: body.payload,
  });
}

/** The detail of an error answer in ElevenLabs' shape, checked; returns it. */
function expectDetail(
  response: Awaited<ReturnType<FastifyInstance["inject"]>>,
  status: number,
  code: string,
) {
  expect(response.statusCode).toBe(status);
  const { detail } = response.json<{ detail: Record<string, string> }>();
  expect(detail).toEqual({
    status: code,
    code,
    message: expect.any(String),
    request_id: response.headers["x-request-id"],
  });
  return detail;
}

// Jobs never fail here unless a test says so: the default draws one failure in ten.
const options = { apiKeys: [KEY], errorProbability: 0 };

describe("POST /v1/dubbing", () => {
  it("creates a dub from a URL, the other fields kept with the job, typed", async () => {
    const { app } = setup({ ...options, etaError: 0 });
    const response = await dub(app, {
      source_url: SOURCE,
      target_lang: "es",
      num_speakers: "0",
      watermark: "True",
      start_time: "1.5",
      mode: "automatic",
    });
    expect(response.statusCode).toBe(200);
    // etaError 0 above: the estimate is then the job's exact default length, 10 s.
    expect(response.json()).toEqual({
      dubbing_id: expect.stringMatching(/^job_/),
      expected_duration_sec: 10,
    });
    const { dubbing_id } = response.json<{ dubbing_id: string }>();
    const job = await app.inject({ url: `/jobs/${dubbing_id}`, headers: { "x-api-key": KEY } });
    expect(job.json()).toMatchObject({
      metadata: { num_speakers: 0, watermark: true, start_time: 1.5, mode: "automatic" },
    });
  });

  it("takes a file instead, reading it through without keeping it", async () => {
    const { app } = setup(options);
    const file = new File(["x".repeat(10_000)], "clip.wav", { type: "audio/wav" });
    const response = await dub(app, { file, target_lang: "fr" });
    expect(response.statusCode).toBe(200);
    const { dubbing_id } = response.json<{ dubbing_id: string }>();
    const read = await app.inject({ url: `/v1/dubbing/${dubbing_id}`, headers: auth });
    expect(read.json()).toMatchObject({ name: "clip.wav", target_languages: ["fr"] });
    const job = await app.inject({ url: `/jobs/${dubbing_id}`, headers: { "x-api-key": KEY } });
    expect(job.json()).toMatchObject({
      metadata: { file: { filename: "clip.wav", content_type: "audio/wav", bytes: 10_000 } },
    });
  });

  it.each([
    [{ foo: "1" }, "foo", "extra_forbidden", "Extra inputs are not permitted"],
    [{ num_speakers: "two" }, "num_speakers", "int_parsing", expect.stringContaining("integer")],
    [{ watermark: "maybe" }, "watermark", "bool_parsing", expect.stringContaining("boolean")],
    [{ end_time: "1e" }, "end_time", "float_parsing", expect.stringContaining("number")],
    [{ mode: "auto" }, "mode", "enum", "Input should be 'automatic' or 'manual'"],
    [{ csv_file: "a,b" }, "csv_file", "value_error", expect.stringContaining("UploadFile")],
    [{ name: new File(["x"], "n.txt") }, "name", "string_type", "Input should be a valid string"],
  ])("answers %j with FastAPI's 422", async (extra, field, type, msg) => {
    const { app } = setup(options);
    const response = await dub(app, { source_url: SOURCE, target_lang: "es", ...extra });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ detail: [{ loc: ["body", field], msg, type }] });
  });

  it("refuses a field given twice", async () => {
    const { app } = setup(options);
    const form = new FormData();
    form.append("source_url", SOURCE);
    form.append("target_lang", "es");
    form.append("target_lang", "fr");
    const request = new Request("http://localhost/", { method: "POST", body: form });
    const response = await app.inject({
      method: "POST",
      url: "/v1/dubbing",
      headers: { ...auth, "content-type": request.headers.get("content-type")! },
      payload: Buffer.from(await request.arrayBuffer()),
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ detail: [{ loc: ["body", "target_lang"] }] });
  });

  it.each([
    [{ target_lang: "es" }, /source_url or file/],
    [{ source_url: SOURCE, target_lang: "es", file: new File(["x"], "a.mp4") }, /not both/],
    [{ source_url: SOURCE }, /target_lang/],
  ])("answers an incomplete form %# with 400 invalid_parameters", async (fields, message) => {
    const { app } = setup(options);
    const detail = expectDetail(await dub(app, fields), 400, "invalid_parameters");
    expect(detail.message).toMatch(message);
  });

  it.each([
    ["multipart/form-data; boundary=xyz", "garbage"],
    ["multipart/form-data", "--xyz\r\n"],
    [
      "multipart/form-data; boundary=xyz",
      '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb',
    ],
  ])("answers a form it cannot read (%s) with 400, not 500", async (type, payload) => {
    const { app } = setup(options);
    const response = await app.inject({
      method: "POST",
      url: "/v1/dubbing",
      headers: { ...auth, "content-type": type },
      payload,
    });
    const detail = expectDetail(response, 400, "invalid_parameters");
    expect(detail.message).toMatch(/multipart form could not be read/);
  });

  it("takes multipart only, here alone: JSON gets 415, and /jobs still refuses multipart", async () => {
    const { app } = setup(options);
    const json = await app.inject({
      method: "POST",
      url: "/v1/dubbing",
      headers: auth,
      payload: { source_url: SOURCE, target_lang: "es" },
    });
    expect(expectDetail(json, 415, "unsupported_media_type").message).toMatch(/multipart/);
    const jobs = await multipart({ pendingDurationMs: "5" });
    const refused = await app.inject({
      method: "POST",
      url: "/jobs",
      headers: { "x-api-key": KEY, ...jobs.headers },
      payload: jobs.payload,
    });
    expect(refused.statusCode).toBe(415);
    expect(refused.json()).toMatchObject({ error: { code: "unsupported_media_type" } });
  });
});

describe("GET and DELETE /v1/dubbing/{dubbing_id}", () => {
  it("reads dubbing, then dubbed, with every field the SDK requires", async () => {
    const { app, clock } = setup(options);
    const created = await dub(app, { source_url: SOURCE, target_lang: "es", source_lang: "en" });
    const { dubbing_id } = created.json<{ dubbing_id: string }>();
    const read = () => app.inject({ url: `/v1/dubbing/${dubbing_id}`, headers: auth });
    expect((await read()).json()).toEqual({
      dubbing_id,
      name: "talk.mp4",
      status: "dubbing",
      target_languages: ["es"],
      editable: false,
      created_at: iso(START),
      error: null,
    });
    clock.advance(10_000);
    expect((await read()).json()).toMatchObject({ status: "dubbed", source_language: "en" });
  });

  it("reads a failed dub with its reason", async () => {
    const { app } = setup({ ...options, errorProbability: 1, pendingDurationMs: 0 });
    const created = await dub(app, { source_url: SOURCE, target_lang: "es", name: "Talk" });
    const { dubbing_id } = created.json<{ dubbing_id: string }>();
    const read = await app.inject({ url: `/v1/dubbing/${dubbing_id}`, headers: auth });
    expect(read.json()).toMatchObject({
      name: "Talk",
      status: "failed",
      error: expect.any(String),
    });
  });

  it("deletes: a running dub stops, a finished one stays; an unknown one is a 404", async () => {
    const { app, clock } = setup(options);
    const create = async () =>
      (await dub(app, { source_url: SOURCE, target_lang: "es" })).json<{ dubbing_id: string }>()
        .dubbing_id;
    const remove = (id: string) =>
      app.inject({ method: "DELETE", url: `/v1/dubbing/${id}`, headers: auth });
    const read = (id: string) => app.inject({ url: `/v1/dubbing/${id}`, headers: auth });
    const done = await create();
    clock.advance(10_000);
    const running = await create();

    expect((await remove(done)).json()).toEqual({ status: "ok" });
    expect((await read(done)).json()).toMatchObject({ status: "dubbed", error: null });
    expect((await remove(running)).json()).toEqual({ status: "ok" });
    expect((await read(running)).json()).toMatchObject({
      status: "failed",
      error: "The dub was deleted before it finished",
    });
    expectDetail(await remove("job_unknown"), 404, "dubbing_not_found");
    expectDetail(await read("job_unknown"), 404, "dubbing_not_found");
  });
});

describe("auth and errors on the ElevenLabs routes", () => {
  it("takes the key in xi-api-key, not X-Api-Key, and says 401 invalid_api_key", async () => {
    const { app } = setup(options);
    const wrong = await dub(app, { source_url: SOURCE, target_lang: "es" }, { "xi-api-key": "x" });
    expectDetail(wrong, 401, "invalid_api_key");
    const other = await dub(app, { source_url: SOURCE, target_lang: "es" }, { "x-api-key": KEY });
    expect(expectDetail(other, 401, "invalid_api_key").message).toMatch(/xi-api-key/);
    const bearer = await app.inject({
      url: "/v1/dubbing/job_unknown",
      headers: { authorization: `Bearer ${KEY}` },
    });
    expectDetail(bearer, 404, "dubbing_not_found");
  });

  it("answers an injected fault, the concurrency and the rate limits in ElevenLabs' shape", async () => {
    const faulty = setup({ ...options, faultRate: 1, faultKinds: ["500"] }).app;
    const fault = await faulty.inject({ url: "/v1/dubbing/job_x", headers: auth });
    expect(fault.headers["x-injected-fault"]).toBe("500");
    expectDetail(fault, 500, "internal_server_error");

    const { app } = setup({ ...options, maxConcurrentJobs: 1 });
    expect((await dub(app, { source_url: SOURCE, target_lang: "es" })).statusCode).toBe(200);
    const refused = await dub(app, { source_url: SOURCE, target_lang: "es" });
    expectDetail(refused, 429, "concurrent_limit_exceeded");
    expect(refused.headers["retry-after"]).toMatch(/^\d+$/);

    const limited = setup({ ...options, rateLimit: 1 }).app;
    const read = () => limited.inject({ url: "/v1/dubbing/job_x", headers: auth });
    expectDetail(await read(), 404, "dubbing_not_found");
    expectDetail(await read(), 429, "rate_limit_exceeded");
  });
});

describe("vendor hints", () => {
  const hintHeaders = ["poll-after-ms", "retry-after", "link", "preference-applied", "vary"];

  it("are off by default: no hint, and Prefer: wait is not honoured", async () => {
    const { app } = setup(options);
    const created = await dub(app, { source_url: SOURCE, target_lang: "es" });
    const { dubbing_id } = created.json<{ dubbing_id: string }>();
    const read = await app.inject({
      url: `/v1/dubbing/${dubbing_id}`,
      headers: { ...auth, prefer: "wait=30" },
    });
    // Answered at once, on the fake clock that never moved.
    expect(read.json()).toMatchObject({ status: "dubbing" });
    for (const response of [created, read]) {
      for (const name of hintHeaders) expect(response.headers[name]).toBeUndefined();
    }
  });

  it("are on with vendorHints, and come from VENDOR_HINTS", async () => {
    const { app } = setup({ ...options, vendorHints: true, etaError: 0 });
    const created = await dub(app, { source_url: SOURCE, target_lang: "es" });
    const { dubbing_id } = created.json<{ dubbing_id: string }>();
    const read = await app.inject({
      url: `/v1/dubbing/${dubbing_id}`,
      headers: { ...auth, prefer: "wait=0" },
    });
    expect(read.headers).toMatchObject({
      "poll-after-ms": expect.stringMatching(/^\d+$/),
      "retry-after": expect.stringMatching(/^\d+$/),
      link: `</v1/dubbing/${dubbing_id}>; rel="long-poll"; max-wait="60"`,
      "preference-applied": "wait=0",
    });
    expect(loadConfig({ VENDOR_HINTS: "1" }).vendorHints).toBe(true);
    expect(loadConfig({ VENDOR_HINTS: "false" }).vendorHints).toBe(false);
    expect(loadConfig({}).vendorHints).toBeUndefined();
    expect(() => loadConfig({ VENDOR_HINTS: "constructor" })).toThrow(ConfigError);
    expect(() => setup({ vendorHints: "yes" as never })).toThrow(/vendorHints/);
  });

  it("go on the job's timeline like any read", async () => {
    const { app } = setup(options);
    const created = await dub(app, { source_url: SOURCE, target_lang: "es" });
    const { dubbing_id } = created.json<{ dubbing_id: string }>();
    await app.inject({ url: `/v1/dubbing/${dubbing_id}`, headers: auth });
    const timeline = await app.inject({
      url: `/jobs/${dubbing_id}/timeline`,
      headers: { "x-api-key": KEY },
    });
    expect(timeline.json()).toMatchObject({
      entries: [
        { endpoint: "POST /v1/dubbing", mode: "create", statusCode: 200 },
        { endpoint: "GET /v1/dubbing/:dubbing_id", mode: "poll", statusCode: 200 },
      ],
    });
  });
});
