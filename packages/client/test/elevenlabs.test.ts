import { describe, expect, expectTypeOf, it } from "vitest";
import {
  AuthenticationError,
  TranslationStatusClient,
  UnexpectedResponseError,
  type ElevenlabsCreateJobOptions,
} from "@translation-status/client";
import { profileFor } from "../src/profiles/index.js";
import { VirtualClock } from "../../../test/support/virtual-clock.js";
import { jsonResponse, scriptedFetch, type Step } from "../../../test/support/scripted-fetch.js";

const profile = profileFor("elevenlabs");
const dub = (fields: Record<string, unknown>) => ({
  dubbing_id: "dub_1",
  name: "talk",
  target_languages: ["es"],
  created_at: "2026-01-01T00:00:00Z",
  error: null,
  ...fields,
});

function elevenlabsClient(steps: Step[], clock = new VirtualClock()) {
  const { fetch, calls } = scriptedFetch(steps, () => clock.now());
  const client = new TranslationStatusClient({
    baseUrl: "http://sim.test",
    api: "elevenlabs",
    apiKey: "xi_1",
    fetch,
    clock,
    random: () => 0.5,
  });
  return { client, calls, clock };
}

describe("the elevenlabs profile", () => {
  it.each([
    ["queued", "pending"],
    ["preparing", "pending"],
    ["dubbing", "pending"],
    ["dubbed", "completed"],
    ["failed", "error"],
  ])("reads %s as %s", (status, ours) => {
    const body = dub({ status, error: status === "failed" ? "no speech found" : null });
    const snapshot = profile.parseStatus(body, {});
    expect(snapshot).toMatchObject({
      status: ours,
      jobId: "dub_1",
      createdAt: "2026-01-01T00:00:00Z",
      raw: body,
    });
    expect(snapshot.error).toEqual(
      ours === "error" ? { code: "dubbing_failed", message: "no speech found" } : undefined,
    );
  });

  it("reads a creation's expected duration, and refuses answers without an id", () => {
    const created = profile.parseCreated({ dubbing_id: "dub_1", expected_duration_sec: 12.5 }, {});
    expect(created).toMatchObject({
      status: "pending",
      jobId: "dub_1",
      expectedDurationMs: 12_500,
    });
    expect(profile.parseCreated({ dubbing_id: "dub_1" }, {}).expectedDurationMs).toBeUndefined();
    expect(() => profile.parseStatus(dub({ status: "dubbing", dubbing_id: 7 }), {})).toThrow(
      /dubbing_id/,
    );
    expect(() => profile.parseStatus(dub({ status: "translating" }), {})).toThrow(/unknown status/);
  });
});

describe("the client with api: elevenlabs", () => {
  it("sends the creation as a multipart form with xi-api-key, and no Idempotency-Key", async () => {
    const forms: FormData[] = [];
    const { client, calls } = elevenlabsClient([
      (init) => {
        forms.push(init.body as FormData);
        return jsonResponse({ dubbing_id: "dub_1", expected_duration_sec: 30 });
      },
    ]);
    const file = new File(["abc"], "talk.mp4", { type: "video/mp4" });
    await client.createJob({ file, target_lang: "es", num_speakers: 2, watermark: false });
    expect(calls[0]).toMatchObject({ url: "http://sim.test/v1/dubbing", method: "POST" });
    expect(calls[0]!.headers["xi-api-key"]).toBe("xi_1");
    expect(calls[0]!.headers["x-api-key"]).toBeUndefined();
    expect(calls[0]!.headers["idempotency-key"]).toBeUndefined();
    // fetch writes the multipart type with its boundary.
    expect(calls[0]!.headers["content-type"]).toBeUndefined();
    const form = forms[0]!;
    expect([...form.keys()]).toEqual(["file", "target_lang", "num_speakers", "watermark"]);
    expect(form.get("num_speakers")).toBe("2");
    expect(form.get("watermark")).toBe("false");
    expect((form.get("file") as File).name).toBe("talk.mp4");
  });

  it("waits around the creation's expected duration: fewer polls, the end seen sooner", async () => {
    // A job of 60 s, said to take 60 s: polled on its id alone, the client backs off blindly.
    const steps = (clock: VirtualClock): Step[] => [
      (_, url) =>
        url.endsWith("/v1/dubbing")
          ? jsonResponse({ dubbing_id: "dub_1", expected_duration_sec: 60 })
          : jsonResponse(
              dub({
                status: clock.now() >= 60_000 ? "dubbed" : "dubbing",
                // Created when the virtual clock starts: the job's age counts from it.
                created_at: new Date(0).toISOString(),
              }),
            ),
    ];
    const withClock = () => {
      const clock = new VirtualClock();
      return elevenlabsClient(steps(clock), clock);
    };
    const told = withClock();
    await told.client.createJob({ source_url: "https://e.test/a.mp4", target_lang: "es" });
    const guided = await told.clock.run(told.client.waitForCompletion({ jobId: "dub_1" }));

    const blind = withClock();
    const unguided = await blind.clock.run(blind.client.waitForCompletion({ jobId: "dub_1" }));

    expect(guided.status).toBe("completed");
    expect(unguided.status).toBe("completed");
    expect(guided.requests).toBeLessThan(unguided.requests);
    expect(guided.elapsedMs).toBeLessThan(unguided.elapsedMs);
    // The caller's own expectation wins over the creation's.
    const { client, calls, clock } = withClock();
    await client.createJob({ source_url: "https://e.test/a.mp4", target_lang: "es" });
    await clock.run(client.waitForCompletion({ jobId: "dub_1", expectedDurationMs: 120_000 }));
    expect(calls[2]!.at).toBeGreaterThan(100_000);
  });

  it("names ElevenLabs' error code, and refuses what the API does not have", async () => {
    const { client } = elevenlabsClient([
      { json: { detail: { status: "invalid_api_key", message: "Invalid API key" } }, status: 401 },
    ]);
    const error = await client.getStatus("dub_1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: "invalid_api_key" });
    await expect(client.cancelJob("dub_1")).rejects.toThrow(/not available with api "elevenlabs"/);
    const wrong = elevenlabsClient([{ json: { data: { id: "x" } } }]);
    await expect(wrong.client.getStatus("dub_1")).rejects.toBeInstanceOf(UnexpectedResponseError);
    expectTypeOf(client.createJob).parameter(0).toEqualTypeOf<ElevenlabsCreateJobOptions>();
  });
});
