import { describe, expect, it } from "vitest";
import { clientNameOf } from "../src/timeline/client-name.js";
import { TimelineRecorder, type RecordedRequest } from "../src/timeline/recorder.js";

const poll = (
  jobId: string,
  at: number,
  extra: Partial<RecordedRequest> = {},
): RecordedRequest => ({
  jobId,
  owner: undefined,
  at,
  endedAt: at + 5,
  endpoint: "GET /jobs/:id",
  mode: "poll",
  statusCode: 200,
  result: "pending",
  client: "poller",
  ...extra,
});

describe("TimelineRecorder", () => {
  it("keeps the last entries of a job, counting the ones it dropped", () => {
    const recorder = new TimelineRecorder({ maxEntriesPerJob: 3 });
    for (let i = 0; i < 5; i++) recorder.record(poll("a", 1_000 * i), true);
    const timeline = recorder.get("a")!;
    expect(timeline.entries.map((e) => e.at)).toEqual([2_000, 3_000, 4_000]);
    expect(timeline.requestCount).toBe(5);
  });

  it("forgets the job it tracked first once it tracks too many", () => {
    const recorder = new TimelineRecorder({ maxJobs: 2 });
    recorder.record(poll("a", 0), true);
    recorder.record(poll("b", 0), true);
    recorder.record(poll("c", 0), true);
    expect(recorder.size).toBe(2);
    expect(recorder.get("a")).toBeUndefined();
    expect(recorder.get("c")?.entries).toHaveLength(1);
  });

  it("starts no timeline for a request that did not find its job, nor for another owner", () => {
    const recorder = new TimelineRecorder();
    expect(recorder.record(poll("a", 0, { statusCode: 503, result: undefined }), false)).toBe(
      undefined,
    );
    expect(recorder.size).toBe(0);
    recorder.record(poll("a", 0, { owner: "alice" }), true);
    expect(recorder.record(poll("a", 10, { owner: "bob", statusCode: 429 }), false)).toBe(
      undefined,
    );
    recorder.record(poll("a", 20, { owner: "alice", statusCode: 503, result: undefined }), false);
    expect(recorder.get("a")!.entries.map((e) => e.statusCode)).toEqual([200, 503]);
  });

  it("learns the end from the first answer that carried it, per job and per client", () => {
    const recorder = new TimelineRecorder();
    recorder.record(poll("a", 0, { mode: "create", client: "ui" }), true);
    recorder.record(poll("a", 1_000), true);
    recorder.record(poll("a", 3_000, { result: "completed", completedAt: 2_500 }), true);
    recorder.record(
      poll("a", 4_000, { client: "waiter", mode: "long-poll", result: "completed" }),
      true,
    );
    const timeline = recorder.get("a")!;
    expect(timeline.completedAt).toBe(2_500);
    expect(timeline.learned).toEqual({
      at: 3_005,
      client: "poller",
      mode: "poll",
      endpoint: "GET /jobs/:id",
    });
    expect(timeline.entries.map((e) => e.terminalAt)).toEqual([undefined, undefined, 3_005, 4_005]);
    expect(recorder.summary(undefined)).toEqual([
      {
        client: "poller",
        jobs: 1,
        requests: 2,
        requestsPerJob: 2,
        detections: 1,
        meanDelayMs: 505,
        medianDelayMs: 505,
        maxDelayMs: 505,
      },
      {
        client: "waiter",
        jobs: 1,
        requests: 1,
        requestsPerJob: 1,
        detections: 1,
        meanDelayMs: 1_505,
        medianDelayMs: 1_505,
        maxDelayMs: 1_505,
      },
    ]);
  });

  it("takes a stream's done event as its moment, and an earlier one over a later", () => {
    const recorder = new TimelineRecorder();
    const stream = recorder.record(
      { ...poll("a", 0), endedAt: undefined, mode: "stream", endpoint: "GET /jobs/:id/events" },
      true,
    )!;
    expect(recorder.get("a")!.learned).toBeUndefined();
    recorder.record(poll("a", 2_100, { result: "error", completedAt: 2_000 }), true);
    recorder.terminal("a", stream, "error", 2_001, 2_000);
    expect(stream).toMatchObject({ result: "error", terminalAt: 2_001 });
    expect(recorder.get("a")!.learned).toMatchObject({ at: 2_001, mode: "stream" });
  });

  it("summarises only the caller's jobs, skipping create and cancel requests", () => {
    const recorder = new TimelineRecorder();
    recorder.record(poll("a", 0, { owner: "alice", mode: "create" }), true);
    recorder.record(poll("b", 0, { owner: "bob" }), true);
    expect(recorder.summary("alice")).toEqual([]);
    expect(recorder.summary("bob")).toMatchObject([
      { client: "poller", jobs: 1, requests: 1, detections: 0, meanDelayMs: null },
    ]);
  });

  it("rejects bounds that are not positive integers, naming them", () => {
    expect(() => new TimelineRecorder({ maxJobs: 0 })).toThrow(/`maxJobs`/);
    expect(() => new TimelineRecorder({ maxEntriesPerJob: 1.5 })).toThrow(/`maxEntriesPerJob`/);
  });
});

describe("clientNameOf", () => {
  it("prefers X-Client-Name, then the User-Agent's product, then anonymous", () => {
    expect(clientNameOf({ "x-client-name": " dashboard ", "user-agent": "curl/8" })).toBe(
      "dashboard",
    );
    expect(clientNameOf({ "user-agent": "Mozilla/5.0 (X11; Linux)" })).toBe("Mozilla/5.0");
    expect(clientNameOf({})).toBe("anonymous");
    expect(clientNameOf({ "x-client-name": "a\u0007b".padEnd(100, "c") })).toHaveLength(64);
  });
});
