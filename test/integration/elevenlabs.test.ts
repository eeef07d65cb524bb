import { describe, expect, it } from "vitest";
import { ElevenLabs, ElevenLabsClient, ElevenLabsError } from "@elevenlabs/elevenlabs-js";
import {
  AuthenticationError,
  TranslationStatusClient,
  type PollEvent,
} from "@translation-status/client";
import { simulator } from "../support/servers.js";
import { VirtualClock } from "../support/virtual-clock.js";

const KEY = "sk_test_elevenlabs";
const SOURCE = "https://example.com/media/talk.mp4";
const HINT_HEADERS = ["poll-after-ms", "retry-after", "link", "preference-applied"];

/** The official SDK, changed in nothing but its base URL. */
function officialSdk(baseUrl: string, apiKey = KEY) {
  return new ElevenLabsClient({ apiKey, baseUrl });
}

/** The simulator on a virtual clock: dubs advance only when the test says so. */
async function simulatorOnClock(clock: VirtualClock, hintsOn = false) {
  return simulator({
    apiKeys: [KEY],
    now: () => clock.now(),
    // These tests follow a dub to its success; by default one job in ten fails.
    errorProbability: 0,
    ...(hintsOn && { vendorHints: true }),
  });
}

describe("ElevenLabs' official JS SDK against the simulator", () => {
  it("creates a dub from a URL and reads it until it is dubbed", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const server = await simulatorOnClock(clock);
    const sdk = officialSdk(server.url);

    const created = await sdk.dubbing.create({
      sourceUrl: SOURCE,
      targetLang: "es",
      sourceLang: "en",
      name: "Quarterly talk",
      numSpeakers: 2,
      watermark: true,
    });
    expect(created.dubbingId).toMatch(/^job_/);
    // The default job takes 10 s; its estimate errs by at most the default 20%.
    expect(created.expectedDurationSec).toBeGreaterThanOrEqual(8);
    expect(created.expectedDurationSec).toBeLessThanOrEqual(12);

    const seen: string[] = [];
    let dub = await sdk.dubbing.get(created.dubbingId);
    expect(dub).toMatchObject({
      dubbingId: created.dubbingId,
      name: "Quarterly talk",
      targetLanguages: ["es"],
      createdAt: new Date(Date.UTC(2026, 0, 1)),
      editable: false,
    });
    // Told only once dubbed, as ElevenLabs does.
    expect(dub.sourceLanguage).toBeUndefined();
    for (let reads = 0; dub.status === "dubbing" && reads < 30; reads++) {
      seen.push(dub.status);
      await clock.advance(1_000);
      dub = await sdk.dubbing.get(created.dubbingId);
    }
    expect(seen.length).toBe(10);
    expect(dub).toMatchObject({ status: "dubbed", sourceLanguage: "en", error: undefined });

    // The same job, under /jobs: jobs are shared, the form's other fields kept with it.
    const job = await fetch(`${server.url}/jobs/${created.dubbingId}`, {
      headers: { "x-api-key": KEY },
    });
    expect(await job.json()).toMatchObject({
      status: "completed",
      metadata: { source_lang: "en", num_speakers: 2, watermark: true },
    });
  });

  it("uploads a file, and deletes a dub still running", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const server = await simulatorOnClock(clock);
    const sdk = officialSdk(server.url);
    const file = new File([new Uint8Array(4_096)], "interview.mp4", { type: "video/mp4" });

    const { dubbingId } = await sdk.dubbing.create({ file, targetLang: "fr" });
    expect(await sdk.dubbing.get(dubbingId)).toMatchObject({
      name: "interview.mp4",
      status: "dubbing",
    });
    expect(await sdk.dubbing.delete(dubbingId)).toEqual({ status: "ok" });
    // The simulator keeps the job: it stopped, and reads as failed.
    expect(await sdk.dubbing.get(dubbingId)).toMatchObject({
      status: "failed",
      error: "The dub was deleted before it finished",
    });
    const job = await fetch(`${server.url}/jobs/${dubbingId}`, { headers: { "x-api-key": KEY } });
    expect(await job.json()).toMatchObject({
      status: "cancelled",
      metadata: { file: { filename: "interview.mp4", content_type: "video/mp4", bytes: 4_096 } },
    });
  });

  it("gets 401 with a bad key, as the SDK's own ElevenLabsError", async () => {
    const server = await simulator({ apiKeys: [KEY] });
    const error = await officialSdk(server.url, "sk_wrong")
      .dubbing.create({ sourceUrl: SOURCE, targetLang: "es" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabsError);
    expect(error).toMatchObject({
      statusCode: 401,
      body: { detail: { status: "invalid_api_key", message: expect.any(String) } },
    });
  });

  it("gets 422 for a field of the wrong type, as the SDK's UnprocessableEntityError", async () => {
    const server = await simulator({ apiKeys: [KEY] });
    const error = await officialSdk(server.url)
      .dubbing.create({ sourceUrl: SOURCE, targetLang: "es", startTime: Number.NaN })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ElevenLabs.UnprocessableEntityError);
    expect(error).toMatchObject({
      statusCode: 422,
      body: { detail: [{ loc: ["body", "start_time"], type: "float_parsing" }] },
    });
  });

  it("gets none of the simulator's hints by default, as from ElevenLabs", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const server = await simulatorOnClock(clock);
    const sdk = officialSdk(server.url);
    const created = await sdk.dubbing
      .create({ sourceUrl: SOURCE, targetLang: "es" })
      .withRawResponse();
    // Asked for a long-poll, the route answers at once: the real API knows no `Prefer: wait`.
    const read = await sdk.dubbing
      .get(created.data.dubbingId, { headers: { prefer: "wait=30" } })
      .withRawResponse();
    expect(read.data.status).toBe("dubbing");
    for (const { headers } of [created.rawResponse, read.rawResponse]) {
      for (const name of HINT_HEADERS) expect(headers.get(name)).toBeNull();
    }
  });

  it("gets the simulator's hints, and Prefer: wait is honoured, with vendorHints on", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const server = await simulatorOnClock(clock, true);
    const sdk = officialSdk(server.url);
    const created = await sdk.dubbing
      .create({ sourceUrl: SOURCE, targetLang: "es" })
      .withRawResponse();
    const path = `/v1/dubbing/${created.data.dubbingId}`;
    expect(created.rawResponse.headers.get("poll-after-ms")).toMatch(/^\d+$/);
    expect(created.rawResponse.headers.get("link")).toBe(
      `<${path}>; rel="long-poll"; max-wait="60"`,
    );
    const read = await sdk.dubbing
      .get(created.data.dubbingId, { headers: { prefer: "wait=0" } })
      .withRawResponse();
    expect(read.rawResponse.headers.get("preference-applied")).toBe("wait=0");
    expect(read.rawResponse.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});

describe("the client with api: elevenlabs", () => {
  it("creates a dub and waits for it, its polls placed by the expected duration", async () => {
    const server = await simulator({
      apiKeys: [KEY],
      // A short real job, so that a wait over real HTTP with the client's default schedule
      // takes about 2 s rather than the default 10 s; and one that succeeds.
      pendingDurationMs: 2_000,
      errorProbability: 0,
      // An exact estimate, so that the job ends inside the window the expected duration opens
      // (its 85% to 115%) and the polls' placement can be asserted; with the default 20%, it
      // may end before the window opens.
      etaError: 0,
    });
    const client = new TranslationStatusClient({
      baseUrl: server.url,
      api: "elevenlabs",
      apiKey: KEY,
    });
    const created = await client.createJob({ source_url: SOURCE, target_lang: "de" });
    const { expected_duration_sec } = created.raw as { expected_duration_sec: number };
    expect(created).toMatchObject({
      status: "pending",
      jobId: expect.stringMatching(/^job_/),
      expectedDurationMs: Math.round(expected_duration_sec * 1_000),
    });

    const polls: PollEvent[] = [];
    const result = await client.waitForCompletion({
      jobId: created.jobId!,
      onPoll: (event) => polls.push(event),
    });
    expect(result).toMatchObject({ status: "completed", mode: "poll" });
    expect(result.snapshot.raw).toMatchObject({ status: "dubbed", target_languages: ["de"] });
    // No hint from the server: the creation's expected duration placed every poll, close
    // together around the expected end, where backing off blindly from 1 s by 1.5 would wait
    // 1.5 s between its second and third polls. (The counts are compared on a virtual clock in
    // packages/client/test/elevenlabs.test.ts; real time on a busy machine only bounds them.)
    const delays = polls.slice(0, -1);
    expect(delays.length).toBeGreaterThan(0);
    expect(delays.map((poll) => poll.delaySource)).toEqual(delays.map(() => "learned"));
    expect(delays.at(-1)!.nextPollInMs).toBeLessThan(500);
  });

  it("sends the key as xi-api-key; a wrong one is an AuthenticationError in ElevenLabs' words", async () => {
    const server = await simulator({ apiKeys: [KEY] });
    const client = new TranslationStatusClient({
      baseUrl: server.url,
      api: "elevenlabs",
      apiKey: "sk_wrong",
    });
    const error = await client.getStatus("job_unknown").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: "invalid_api_key" });
  });
});
