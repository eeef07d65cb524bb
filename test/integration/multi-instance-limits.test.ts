import { describe, expect, it } from "vitest";
import type { JobView, RunningServer, StartServerOptions } from "@translation-status/server";
import { expectHeygenError } from "../support/heygen-error.js";
import { REDIS_URL, redisStorage } from "../support/redis.js";
import { simulator } from "../support/servers.js";

/** Two servers sharing one Redis, as behind a load balancer. */
async function pair(options: StartServerOptions = {}): Promise<[RunningServer, RunningServer]> {
  const shared = { storage: redisStorage(), ...options };
  return [await simulator(shared), await simulator(shared)];
}

function post(url: string, body: object, headers: Record<string, string> = {}) {
  return fetch(`${url}/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

async function allJobs(url: string): Promise<JobView[]> {
  const page = (await (await fetch(`${url}/jobs?limit=100`)).json()) as { data: JobView[] };
  return page.data;
}

describe.skipIf(REDIS_URL === undefined)("limits held by several servers on one Redis", () => {
  it("makes exactly one job of 50 concurrent creates with one Idempotency-Key", async () => {
    const [a, b] = await pair();
    const body = { pendingDurationMs: 60_000, metadata: { order: 42 } };
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        post(i % 2 === 0 ? a.url : b.url, body, { "idempotency-key": "order-42" }),
      ),
    );
    const bodies = await Promise.all(answers.map((answer) => answer.json()));
    const ids = new Set<string>();
    answers.forEach((answer, i) => {
      const json = bodies[i] as { id?: string; error?: { code: string } };
      if (answer.status === 201 || answer.status === 200) ids.add(json.id!);
      // A retry that arrives while the first is being created is told to come back.
      else expect([answer.status, json.error?.code]).toEqual([409, "request_in_progress"]);
    });
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    expect(ids.size).toBe(1);
    for (const server of [a, b]) {
      expect((await allJobs(server.url)).map((job) => job.id)).toEqual([...ids]);
    }
    // Once made, every retry on either server replays it.
    for (const server of [a, b]) {
      const replay = await post(server.url, body, { "idempotency-key": "order-42" });
      expect(replay.status).toBe(200);
      expect(replay.headers.get("idempotency-replayed")).toBe("true");
      expect(((await replay.json()) as JobView).id).toBe([...ids][0]);
    }
  });

  it("makes one set of HeyGen v3 jobs of 20 concurrent creates with one Idempotency-Key", async () => {
    const [a, b] = await pair({ pendingDurationMs: 60_000 });
    const body = {
      video: { type: "url", url: "https://example.com/talk.mp4" },
      output_languages: ["French", "German"],
    };
    const create = (url: string, payload: object) =>
      fetch(`${url}/v3/video-translations`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": "order:42" },
        body: JSON.stringify(payload),
      });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => create(i % 2 === 0 ? a.url : b.url, body)),
    );
    const made = new Set<string>();
    for (const answer of answers) {
      const json = (await answer.json()) as {
        data?: { video_translation_ids: string[] };
        error?: { code: string };
      };
      if (answer.status === 200) made.add(json.data!.video_translation_ids.join());
      else expectHeygenError({ status: answer.status, body: json }, 409, "request_in_progress");
    }
    expect(made.size).toBe(1);
    const ids = [...made][0]!.split(",");
    expect(ids).toHaveLength(2);
    for (const server of [a, b]) {
      expect((await allJobs(server.url)).map((job) => job.id).sort()).toEqual([...ids].sort());
      // Once made, a retry on either server replays both ids, whatever its body.
      const replay = await create(server.url, { ...body, output_languages: ["Italian"] });
      expect(replay.status).toBe(200);
      expect(await replay.json()).toEqual({ data: { video_translation_ids: ids } });
    }
  });

  it("never leaves more than MAX_CONCURRENT_JOBS pending from 40 concurrent creates", async () => {
    const [a, b] = await pair({ maxConcurrentJobs: 5 });
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        post(i % 2 === 0 ? a.url : b.url, { pendingDurationMs: 60_000 }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(35);
    const refused = answers.find((answer) => answer.status === 429)!;
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      "concurrency_limit",
    );
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    for (const server of [a, b]) {
      const pending = (await allJobs(server.url)).filter((job) => job.status === "pending");
      expect(pending).toHaveLength(5);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/^translation_jobs\{status="pending"\} 5$/m);
    }
  });

  it("counts RATE_LIMIT per key across both servers", async () => {
    const [a, b] = await pair({ rateLimit: 5 });
    const statuses: number[] = [];
    const remaining: Array<string | null> = [];
    // Sequential, alternating: well within the one-second window the first request opens.
    for (let i = 0; i < 8; i++) {
      const answer = await fetch(`${i % 2 === 0 ? a.url : b.url}/jobs?limit=1`);
      statuses.push(answer.status);
      remaining.push(answer.headers.get("x-ratelimit-remaining"));
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    expect(remaining.slice(0, 5)).toEqual(["4", "3", "2", "1", "0"]);
  });
});
