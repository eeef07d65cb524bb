import { describe, expect, it } from "vitest";
import { NotFoundError, TranslationStatusClient } from "@translation-status/client";
import { VirtualClock } from "../../../test/support/virtual-clock.js";
import { fakeHeygenV3, type FakeTranslation } from "../../../test/support/fake-heygen-v3.js";
import { profileFor } from "../src/profiles/index.js";

const STATUSES = "/v3/video-translations/statuses";

function setup(jobs: Record<string, FakeTranslation>, features: { bulk?: boolean } = {}) {
  const clock = new VirtualClock();
  const server = fakeHeygenV3(clock, jobs, features);
  const client = new TranslationStatusClient({
    baseUrl: "http://heygen.test",
    api: "heygen-v3",
    apiKey: "hg_1",
    fetch: server.fetch,
    clock,
    random: () => 0.5,
  });
  return { clock, client, requests: server.requests };
}

describe("waitForAll with api: heygen-v3", () => {
  it("reads every job through the bulk statuses endpoint, each outcome its own", async () => {
    const { clock, client, requests } = setup({
      vt_a: { durationMs: 20_000, outcome: "completed" },
      vt_b: { durationMs: 45_000, outcome: "failed" },
    });
    const outcomes = await clock.run(client.waitForAll(["vt_a", "vt_b", "vt_gone"]));

    expect(outcomes.map((o) => o.jobId)).toEqual(["vt_a", "vt_b", "vt_gone"]);
    expect(outcomes[0]).toMatchObject({ ok: true, result: { status: "completed" } });
    expect(outcomes[1]).toMatchObject({
      ok: true,
      result: {
        status: "error",
        snapshot: {
          error: { code: "translation_failed", message: "The source video has no speech" },
        },
      },
    });
    const missing = outcomes[2]!;
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.error).toBeInstanceOf(NotFoundError);
    expect(!missing.ok && (missing.error as NotFoundError).code).toBe("not_found");

    expect(requests.every((r) => r.path === STATUSES)).toBe(true);
    expect(requests[0]!.ids).toEqual(["vt_a", "vt_b", "vt_gone"]);
    // Backoff with no hints (HeyGen sends none): still far fewer requests than one per job.
    expect(requests.length).toBeLessThan(15);
    // Each job was last asked about at most one backoff interval (30 s) after it ended.
    const lastAskedB = Math.max(...requests.filter((r) => r.ids.includes("vt_b")).map((r) => r.at));
    expect(lastAskedB).toBeGreaterThanOrEqual(45_000);
    expect(lastAskedB).toBeLessThanOrEqual(45_000 + 30_000);
  });

  it("polls in bulk when asked to stream, HeyGen having no event stream", async () => {
    const { clock, client, requests } = setup({
      vt_a: { durationMs: 3_000, outcome: "completed" },
    });
    const [outcome] = await clock.run(client.waitForAll(["vt_a"], { mode: "stream" }));
    expect(outcome).toMatchObject({ ok: true, result: { status: "completed", mode: "poll" } });
    expect(requests.every((r) => r.path === STATUSES)).toBe(true);
  });

  it("asks at most 100 ids a request, whatever batchSize says", async () => {
    const jobs = Object.fromEntries(
      Array.from({ length: 150 }, (_, i) => [
        `vt_${i}`,
        { durationMs: 5_000, outcome: "completed" as const },
      ]),
    );
    const { clock, client, requests } = setup(jobs);
    const outcomes = await clock.run(client.waitForAll(Object.keys(jobs), { batchSize: 500 }));
    expect(outcomes.every((o) => o.ok && o.result.status === "completed")).toBe(true);
    expect(Math.max(...requests.map((r) => r.ids.length))).toBe(100);
    expect(requests.every((r) => r.path === STATUSES)).toBe(true);
  });

  it("waits on each job alone, learning its duration as its size, where there is no bulk read", async () => {
    const { clock, client, requests } = setup(
      {
        vt_a: { durationMs: 8_000, outcome: "completed", duration: 60 },
        vt_b: { durationMs: 9_000, outcome: "completed", duration: 75 },
      },
      { bulk: false },
    );
    const outcomes = await clock.run(client.waitForAll(["vt_a", "vt_b"], { kind: "dub" }));
    expect(outcomes.map((o) => o.ok && o.result.status)).toEqual(["completed", "completed"]);
    expect(requests[0]).toMatchObject({ path: STATUSES });
    expect(requests.slice(1).every((r) => r.path.startsWith("/v3/video-translations/vt_"))).toBe(
      true,
    );
    expect(client.exportModel().sizes?.dub?.sort()).toEqual([60, 75]);
  });

  it("learns each job's size given with its id, beside its duration", async () => {
    const { clock, client } = setup({
      vt_a: { durationMs: 12_000, outcome: "completed" },
      vt_b: { durationMs: 30_000, outcome: "completed" },
    });
    await clock.run(
      client.waitForAll(
        [
          { jobId: "vt_a", size: 40 },
          { jobId: "vt_b", size: 100 },
        ],
        { kind: "dub" },
      ),
    );
    expect(client.exportModel().sizes?.dub).toEqual([40, 100]);
  });
});

describe("the heygen-v3 bulk statuses answer", () => {
  const bulk = profileFor("heygen-v3").batch!;

  it("has HeyGen's URL and limit", () => {
    expect(bulk.url("http://h", ["a", "b/c"])).toBe(
      "http://h/v3/video-translations/statuses?video_translation_ids=a,b%2Fc",
    );
    expect(bulk.maxIds).toBe(100);
  });

  it("reads queued and processing as pending, and takes a duration where an item has one", () => {
    const answer = bulk.parse(
      {
        data: [
          { video_id: "a", status: "queued", error: null },
          { video_id: "b", status: "processing", error: null, duration: 42 },
          { video_id: null, status: "queued", batch_id: "bt_1", item_index: 0 },
        ],
        has_more: false,
        next_token: null,
      },
      {},
    );
    expect(answer.snapshots.map((s) => [s.jobId, s.status, s.size])).toEqual([
      ["a", "pending", undefined],
      ["b", "pending", 42],
    ]);
  });

  it("refuses a status it does not know rather than polling it forever", () => {
    expect(() => bulk.parse({ data: [{ video_id: "a", status: "thinking" }] }, {})).toThrow(
      /unknown status "thinking"/,
    );
  });
});
