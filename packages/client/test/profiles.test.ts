import { describe, expect, expectTypeOf, it } from "vitest";
import {
  HttpError,
  type CreateJobOptions,
  type SimulatorCreateJobOptions,
  type HeygenV2CreateJobOptions,
  type HeygenV3CreateJobOptions,
  NetworkError,
  TranslationStatusClient,
  UnexpectedResponseError,
} from "@translation-status/client";
import { ShapeError } from "../src/parse.js";
import { profileFor } from "../src/profiles/index.js";
import { VirtualClock } from "../../../test/support/virtual-clock.js";
import { jsonResponse, scriptedFetch, type Step } from "../../../test/support/scripted-fetch.js";

const v2 = profileFor("heygen-v2");
const v3 = profileFor("heygen-v3");

const v2Status = (data: Record<string, unknown>) => ({
  error: null,
  data: { video_translate_id: "vt_1", title: null, url: null, message: null, ...data },
});
const v3Status = (data: Record<string, unknown>) => ({
  data: {
    id: "vt_1",
    title: null,
    output_language: "French",
    video_url: null,
    callback_id: null,
    failure_message: null,
    ...data,
  },
});

describe("status normalization", () => {
  it.each([
    ["pending", "pending"],
    ["running", "pending"],
    ["success", "completed"],
    ["failed", "error"],
  ])("v2 %s is %s", (heygen, ours) => {
    const body = v2Status({ status: heygen, message: heygen === "failed" ? "bad audio" : null });
    const snapshot = v2.parseStatus(body, {});
    expect(snapshot).toMatchObject({ status: ours, jobId: "vt_1", raw: body });
    expect(snapshot.error).toEqual(
      ours === "error" ? { code: "translation_failed", message: "bad audio" } : undefined,
    );
  });

  it.each([
    ["pending", "pending"],
    ["running", "pending"],
    ["completed", "completed"],
    ["failed", "error"],
  ])("v3 %s is %s", (heygen, ours) => {
    const body = v3Status({ status: heygen, failure_message: "no speech" });
    const snapshot = v3.parseStatus(body, {});
    expect(snapshot).toMatchObject({ status: ours, jobId: "vt_1", raw: body });
    if (ours === "error") expect(snapshot.error?.message).toBe("no speech");
  });

  it("refuses the other version's words and unknown ones, unless statusMap names them", () => {
    expect(() => v2.parseStatus(v2Status({ status: "completed" }), {})).toThrow(ShapeError);
    expect(() => v3.parseStatus(v3Status({ status: "success" }), {})).toThrow(ShapeError);
    expect(() => v3.parseStatus(v3Status({ status: "processing" }), {})).toThrow(
      /unknown status "processing"/,
    );
    const mapped = v3.parseStatus(v3Status({ status: "processing" }), { processing: "pending" });
    expect(mapped.status).toBe("pending");
    // The caller's map wins over the profile's own names.
    expect(v2.parseStatus(v2Status({ status: "running" }), { running: "error" }).status).toBe(
      "error",
    );
  });

  it("gives a failure without a message a generic one", () => {
    expect(v2.parseStatus(v2Status({ status: "failed" }), {}).error?.message).toBe(
      "The translation failed",
    );
  });
});

describe("shape parsing", () => {
  it.each([
    ["not an object", "nope"],
    ["no data", { error: null }],
    ["data not an object", { data: [] }],
    ["an error beside the data", { error: { code: "x" }, data: { status: "pending" } }],
    ["no id", { error: null, data: { status: "pending" } }],
  ])("refuses a v2 answer with %s", (_, body) => {
    expect(() => v2.parseStatus(body, {})).toThrow(ShapeError);
  });

  it("reads creation answers as pending jobs with their id", () => {
    const created2 = v2.parseCreated({ error: null, data: { video_translate_id: "vt_9" } }, {});
    expect(created2).toMatchObject({ status: "pending", jobId: "vt_9" });
    const created3 = v3.parseCreated({ data: { video_translation_ids: ["vt_3", "vt_4"] } }, {});
    expect(created3).toMatchObject({ status: "pending", jobId: "vt_3" });
    expect(() => v3.parseCreated({ data: { video_translation_ids: [] } }, {})).toThrow(ShapeError);
  });

  it("takes a v3 answer's duration, the video's seconds, as the job's size", () => {
    expect(v3.parseStatus(v3Status({ status: "running", duration: 93.5 }), {}).size).toBe(93.5);
    for (const duration of [undefined, null, 0, -3, "93"]) {
      expect(v3.parseStatus(v3Status({ status: "running", duration }), {}).size).toBeUndefined();
    }
  });

  it("learns a v3 job's duration with its size, from the status answers", async () => {
    const { client, clock } = heygenClient("heygen-v3", [
      { json: v3Status({ status: "running", duration: 60 }) },
      { json: v3Status({ status: "completed", duration: 60 }) },
    ]);
    await clock.run(client.waitForCompletion({ jobId: "vt_1", kind: "dub" }));
    expect(client.exportModel().sizes).toEqual({ dub: [60] });
  });

  it("knows each profile's paths", () => {
    expect(v2.jobUrl("http://h", "a/b")).toBe("http://h/v2/video_translate/a%2Fb");
    expect(v3.createUrl("http://h")).toBe("http://h/v3/video-translations");
    expect(profileFor("jobs").jobUrl("http://h", "job_1")).toBe("http://h/jobs/job_1");
  });

  it("names the option for an unknown api", () => {
    expect(() => profileFor("heygen-v4")).toThrow(/Option "api" must be one of jobs, heygen-v2/);
  });
});

function heygenClient(api: "heygen-v2" | "heygen-v3", steps: Step[]) {
  const clock = new VirtualClock();
  const { fetch, calls } = scriptedFetch(steps, () => clock.now());
  const client = new TranslationStatusClient({
    baseUrl: "http://sim.test",
    api,
    apiKey: "sk_1",
    fetch,
    clock,
    random: () => 0.5,
  });
  return { client, calls, clock };
}

const v2Created = { json: { error: null, data: { video_translate_id: "vt_1" } } };

describe("the client with a HeyGen profile", () => {
  it("sends the v2 body as given, with X-Api-Key and no Idempotency-Key", async () => {
    const { client, calls } = heygenClient("heygen-v2", [v2Created]);
    const created = await client.createJob({
      video_url: "https://e.test/a.mp4",
      output_language: "Spanish",
      callback_id: "c1",
    });
    expect(created.jobId).toBe("vt_1");
    expect(calls[0]).toMatchObject({ url: "http://sim.test/v2/video_translate", method: "POST" });
    expect(JSON.parse(calls[0]!.body!)).toEqual({
      video_url: "https://e.test/a.mp4",
      output_language: "Spanish",
      callback_id: "c1",
    });
    expect(calls[0]!.headers["x-api-key"]).toBe("sk_1");
    expect(calls[0]!.headers["idempotency-key"]).toBeUndefined();
  });

  it("retries a v2 creation only when refused with 429, never after a 503 or a lost answer", async () => {
    const refused = { json: { error: { code: "rate_limited" } }, status: 429 };
    const slow = heygenClient("heygen-v2", [
      { ...refused, headers: { "retry-after": "2" } },
      v2Created,
    ]);
    const created = slow.clock.run(
      slow.client.createJob({ video_url: "https://e.test/a", output_language: "de" }),
    );
    expect((await created).jobId).toBe("vt_1");
    expect(slow.calls.map((c) => c.at)).toEqual([0, 2_000]);

    const unavailable = heygenClient("heygen-v2", [
      { json: { error: { code: "busy" } }, status: 503 },
      v2Created,
    ]);
    const error = await unavailable.client
      .createJob({ video_url: "https://e.test/a", output_language: "de" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(unavailable.calls).toHaveLength(1);

    const lost = heygenClient("heygen-v2", [new TypeError("socket hang up"), v2Created]);
    const lostError = await lost.client
      .createJob({ video_url: "https://e.test/a", output_language: "de" })
      .catch((e: unknown) => e);
    expect(lostError).toBeInstanceOf(NetworkError);
    expect(lost.calls).toHaveLength(1);
  });

  it("retries a v3 creation after a 503 with the same Idempotency-Key", async () => {
    const { client, calls, clock } = heygenClient("heygen-v3", [
      { json: {}, status: 503 },
      { json: { data: { video_translation_ids: ["vt_5"] } } },
    ]);
    const created = await clock.run(
      client.createJob({
        video: { type: "url", url: "https://e.test/a.mp4" },
        output_languages: ["French"],
        idempotencyKey: "k-1",
      }),
    );
    expect(created.jobId).toBe("vt_5");
    expect(calls.map((c) => c.headers["idempotency-key"])).toEqual(["k-1", "k-1"]);
    expect(JSON.parse(calls[1]!.body!)).toEqual({
      video: { type: "url", url: "https://e.test/a.mp4" },
      output_languages: ["French"],
    });
  });

  it("waits by polling the profile's status URL with the server's hints", async () => {
    const { client, calls, clock } = heygenClient("heygen-v3", [
      { json: v3Status({ status: "pending" }), headers: { "poll-after-ms": "1500" } },
      { json: v3Status({ status: "running" }), headers: { "retry-after": "3" } },
      { json: v3Status({ status: "completed", video_url: "https://v.test/1.mp4" }) },
    ]);
    const result = await clock.run(client.waitForCompletion({ jobId: "vt_1", jitter: 0 }));
    expect(result).toMatchObject({ status: "completed", mode: "poll", requests: 3 });
    expect(calls.map((c) => c.url)).toEqual(
      Array(3).fill("http://sim.test/v3/video-translations/vt_1"),
    );
    expect(calls.map((c) => c.at)).toEqual([0, 1_500, 4_500]);
  });

  it("turns an answer in the wrong shape into UnexpectedResponseError", async () => {
    const { client } = heygenClient("heygen-v2", [{ json: { id: "job_1", status: "pending" } }]);
    await expect(client.getStatus("job_1")).rejects.toBeInstanceOf(UnexpectedResponseError);
  });

  it("refuses what HeyGen's APIs do not have, naming it", async () => {
    const { client } = heygenClient("heygen-v2", [v2Created]);
    await expect(client.cancelJob("vt_1")).rejects.toThrow(
      'cancelJob is not available with api "heygen-v2"',
    );
    await expect(client.waitForCompletion({ jobId: "vt_1", mode: "stream" })).rejects.toThrow(
      TypeError,
    );
    await expect(client.getStatus()).rejects.toThrow(
      'A call without a jobId is not available with api "heygen-v2"',
    );
    expect(client.api).toBe("heygen-v2");
    expect(
      () => new TranslationStatusClient({ baseUrl: "http://sim.test", apiKey: "has space" }),
    ).toThrow(/Option "apiKey"/);
  });

  it("types createJob's body per api, and the default api is ours", () => {
    const fetch = () => Promise.reject(new Error("not called"));
    const v2Client = new TranslationStatusClient({ api: "heygen-v2", fetch });
    const v3Client = new TranslationStatusClient({ api: "heygen-v3", fetch });
    const ours = new TranslationStatusClient({ fetch });
    expectTypeOf(v2Client.createJob).parameter(0).toEqualTypeOf<HeygenV2CreateJobOptions>();
    expectTypeOf(v3Client.createJob).parameter(0).toEqualTypeOf<HeygenV3CreateJobOptions>();
    expectTypeOf(ours.createJob)
      .parameter(0)
      .toEqualTypeOf<(CreateJobOptions & SimulatorCreateJobOptions) | undefined>();
    expect([v2Client.api, v3Client.api, ours.api]).toEqual(["heygen-v2", "heygen-v3", "jobs"]);
  });

  it("waits on many HeyGen jobs one by one, with no batch request", async () => {
    const { client, calls, clock } = heygenClient("heygen-v2", [
      (_, url) =>
        jsonResponse(v2Status({ video_translate_id: url.split("/").at(-1), status: "success" })),
    ]);
    const outcomes = await clock.run(client.waitForAll(["vt_1", "vt_2"]));
    expect(outcomes.map((o) => o.ok && o.result.snapshot.jobId)).toEqual(["vt_1", "vt_2"]);
    expect(outcomes.map((o) => o.ok && o.result.status)).toEqual(["completed", "completed"]);
    expect(calls.every((c) => c.url.includes("/v2/video_translate/"))).toBe(true);
  });
});
