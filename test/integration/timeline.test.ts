import { describe, expect, it } from "vitest";
import { TranslationStatusClient, type WaitMode } from "@translation-status/client";
import { simulator } from "../support/servers.js";

interface Timeline {
  status: string;
  completedAt: string;
  learned: { at: string; delayMs: number; client: string; mode: string };
  entries: Array<{ mode: string; client: string; statusCode: number; terminalAt?: string }>;
}

interface Summary {
  clients: Array<{ client: string; requests: number; detections: number; maxDelayMs: number }>;
}

describe("request timelines over real HTTP", () => {
  it("records the real client polling, long-polling and streaming the same job", async () => {
    const server = await simulator({ errorProbability: 0, sseProgressIntervalMs: 200 });
    const creator = new TranslationStatusClient({ baseUrl: server.url });
    const job = await creator.createJob({ pendingDurationMs: 1_200 });
    const id = job.jobId!;

    const modes: WaitMode[] = ["poll", "long-poll", "stream"];
    const results = await Promise.all(
      modes.map((mode) =>
        new TranslationStatusClient({
          baseUrl: server.url,
          headers: { "x-client-name": `${mode}-client` },
        }).waitForCompletion({ jobId: id, mode }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(["completed", "completed", "completed"]);

    const response = await fetch(`${server.url}/jobs/${id}/timeline`);
    expect(response.status).toBe(200);
    const timeline = (await response.json()) as Timeline;
    expect(timeline.status).toBe("completed");
    expect(timeline.completedAt).toBe(results[0]!.snapshot.completedAt);

    // Each client appears with its own mode, and each was told the end exactly once.
    for (const mode of modes) {
      const mine = timeline.entries.filter((e) => e.client === `${mode}-client`);
      expect(mine.some((e) => e.mode === mode)).toBe(true);
      expect(mine.filter((e) => e.terminalAt !== undefined)).toHaveLength(1);
    }
    const polls = timeline.entries.filter((e) => e.client === "poll-client");
    expect(polls.length).toBeGreaterThanOrEqual(2);

    // The first to know: a held request or the stream, right at the end; never before it.
    const completedAt = Date.parse(timeline.completedAt);
    expect(Date.parse(timeline.learned.at)).toBeGreaterThanOrEqual(completedAt);
    expect(timeline.learned.delayMs).toBeLessThan(300);
    expect(["long-poll", "stream"]).toContain(timeline.learned.mode);

    const summary = (await (await fetch(`${server.url}/timelines/summary`)).json()) as Summary;
    const byName = new Map(summary.clients.map((c) => [c.client, c]));
    for (const mode of modes) expect(byName.get(`${mode}-client`)?.detections).toBe(1);
    expect(byName.get("stream-client")!.maxDelayMs).toBeLessThan(300);
    expect(byName.get("poll-client")!.requests).toBe(polls.length);
  });
});
