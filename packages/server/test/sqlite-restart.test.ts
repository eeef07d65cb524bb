import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { describe, expect, it, onTestFinished } from "vitest";
import { buildApp, SqliteStore, type JobView } from "../src/index.js";
import { Webhook } from "standardwebhooks";
import { expectError, fakeClock, injectOnClock, settle, START, type FakeClock } from "./helpers.js";
import { fakeReceiver, register } from "./webhook-helpers.js";

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "ts-sqlite-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "jobs.db");
}

const KEY = { "x-api-key": "alpha" };

function app(path: string, clock: FakeClock): FastifyInstance {
  const built = buildApp({
    storage: `sqlite:${path}`,
    now: clock.now,
    setTimer: clock.setTimer,
    apiKeys: ["alpha"],
    maxConcurrentJobs: 2,
    errorProbability: 0,
  });
  onTestFinished(() => built.close());
  return built;
}

async function post(target: FastifyInstance, payload: object, headers: object = {}) {
  return target.inject({ method: "POST", url: "/jobs", headers: { ...KEY, ...headers }, payload });
}

async function everything(target: FastifyInstance, ids: string[]) {
  const list = (await target.inject({ url: "/jobs?limit=2", headers: KEY })).json();
  const rest = (
    await target.inject({ url: `/jobs?cursor=${list.nextCursor}`, headers: KEY })
  ).json();
  const each = await Promise.all(
    ids.map(async (id) => (await target.inject({ url: `/jobs/${id}`, headers: KEY })).json()),
  );
  return { list, rest, each };
}

describe("the SQLite store across a restart", () => {
  it("keeps pending, finished and cancelled jobs, their schedule, idempotency keys and limits", async () => {
    const path = tempFile();
    const clock = fakeClock();
    const first = app(path, clock);
    const done = (
      await post(first, { pendingDurationMs: 1_000, errorProbability: 1 })
    ).json<JobView>();
    clock.advance(2_000);
    const pending = (
      await post(
        first,
        { pendingDurationMs: 10_000, metadata: { v: 1 } },
        { "idempotency-key": "k1" },
      )
    ).json<JobView>();
    const cancelled = (await post(first, { pendingDurationMs: 10_000 })).json<JobView>();
    clock.advance(1_000);
    expect(
      (await first.inject({ method: "DELETE", url: `/jobs/${cancelled.id}`, headers: KEY }))
        .statusCode,
    ).toBe(200);
    const third = (await post(first, { pendingDurationMs: 5_000 })).json<JobView>();
    const ids = [done.id, pending.id, cancelled.id, third.id];
    const before = await everything(first, ids);
    expect(before.each.map((job) => job.status)).toEqual([
      "error",
      "pending",
      "cancelled",
      "pending",
    ]);
    await first.close();

    const second = app(path, clock);
    expect(await everything(second, ids)).toEqual(before);
    // Two jobs pending for this key: the limit, counted from the store, still holds.
    const refused = await post(second, {});
    expectError(refused, 429, "concurrency_limit");
    expect(refused.headers["retry-after"]).toEqual(expect.any(String));
    // The same key and body is a replay of the job made before the restart.
    const replay = await post(
      second,
      { pendingDurationMs: 10_000, metadata: { v: 1 } },
      {
        "idempotency-key": "k1",
      },
    );
    expect(replay.statusCode).toBe(200);
    expect(replay.json().id).toBe(pending.id);

    // The pending job ends exactly when it was due: a long-poll on the new app is woken then.
    const endsAt = START + 2_000 + 10_000;
    const held = injectOnClock(
      second,
      clock,
      {
        url: `/jobs/${pending.id}`,
        headers: { ...KEY, prefer: "wait=60" },
      },
      50,
    );
    const answer = await held;
    expect(clock.now()).toBeGreaterThanOrEqual(endsAt);
    expect(clock.now()).toBeLessThan(endsAt + 100);
    expect(answer.json()).toMatchObject({
      status: "completed",
      completedAt: new Date(endsAt).toISOString(),
    });
    // Both of the key's jobs have ended (the other at +8 s): room again.
    expect((await post(second, {})).statusCode).toBe(201);
  });

  it("forgets the oldest idempotency keys of a scope past the bound", async () => {
    const store = new SqliteStore({ path: tempFile(), maxKeysPerScope: 2 });
    onTestFinished(() => store.close());
    const record = (key: string, scope = "a") => ({
      scope,
      key,
      fingerprint: "f",
      jobId: `job_${key}`,
      createdAt: START,
    });
    await store.idempotency.put(record("k1"));
    await store.idempotency.put(record("k2"));
    await store.idempotency.put(record("k1", "b"));
    await store.idempotency.put(record("k3"));
    expect(await store.idempotency.get("a", "k1")).toBeUndefined();
    expect(await store.idempotency.get("a", "k2")).toEqual(record("k2"));
    expect(await store.idempotency.get("a", "k3")).toEqual(record("k3"));
    expect(await store.idempotency.get("b", "k1")).toEqual(record("k1", "b"));
    // Replacing a key makes it the newest.
    await store.idempotency.put(record("k2"));
    await store.idempotency.put(record("k4"));
    expect(await store.idempotency.get("a", "k3")).toBeUndefined();
    expect(await store.idempotency.get("a", "k2")).toEqual(record("k2"));
  });
});

describe("webhooks on the SQLite store across a restart", () => {
  it("delivers, once, what a job that ended while the server was down had to send", async () => {
    const path = tempFile();
    // The real time, so that the signature's timestamp verifies.
    const clock = fakeClock(Date.now());
    const receiver = fakeReceiver(clock);
    const open = () => {
      const built = buildApp({
        storage: `sqlite:${path}`,
        now: clock.now,
        setTimer: clock.setTimer,
        errorProbability: 0,
        webhookFetch: receiver.fetch,
      });
      onTestFinished(() => built.close());
      return built;
    };
    const first = open();
    await first.ready();
    const endpoint = await register(first, { url: "http://receiver.test/hook" });
    const job = (
      await first.inject({
        method: "POST",
        url: "/jobs",
        payload: { pendingDurationMs: 1_000 },
      })
    ).json<JobView>();
    await first.close();
    clock.advance(5_000);
    expect(receiver.sent).toHaveLength(0);

    const second = open();
    await second.ready();
    await settle();
    expect(receiver.sent).toHaveLength(1);
    const payload = new Webhook(endpoint.secret).verify(
      receiver.sent[0]!.body,
      receiver.sent[0]!.headers,
    );
    expect(payload).toMatchObject({ type: "job.completed", data: { id: job.id } });
    clock.advance(60_000);
    await settle();
    expect(receiver.sent).toHaveLength(1);
    const attempts = (await second.inject({ url: `/webhooks/${endpoint.id}/deliveries` })).json();
    expect(attempts.data).toMatchObject([{ jobId: job.id, outcome: "delivered" }]);
  });
});
