import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { parseStorage } from "../src/index.js";
import { openStorage } from "../src/store/storage.js";
import type { WebhookStore, WebhookTask } from "../src/store/webhook-store.js";
import type { DeliveryAttempt } from "../src/webhooks/delivery-log.js";
import type { WebhookEndpoint } from "../src/webhooks/endpoints.js";
import { REDIS_URL, redisStorage } from "../../../test/support/redis.js";
import { START } from "./helpers.js";

/** A fresh, empty webhook store of each kind, closed after the test. */
async function open(kind: string): Promise<WebhookStore> {
  let spec = kind;
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "ts-webhooks-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    spec = `sqlite:${join(dir, "jobs.db")}`;
  } else if (kind === "redis") {
    spec = redisStorage();
  }
  const storage = openStorage(parseStorage(spec)!, {
    idempotencyTtlMs: 60_000,
    onError: (error) => {
      throw error;
    },
  });
  await storage.connect();
  onTestFinished(() => storage.close());
  return storage.webhooks;
}

let next = 0;
function endpoint(owner: string | undefined, createdAt = START): WebhookEndpoint {
  next += 1;
  return {
    id: `wh_contract${String(next).padStart(9, "0")}abcdefghi`,
    url: `http://receiver.test/${next}`,
    events: ["job.completed"],
    secret: "whsec_secret",
    createdAt,
    ...(owner !== undefined && { owner }),
  };
}

function task(id: string, dueAt: number): WebhookTask {
  return { id, dueAt, leasedUntil: 0, lease: "", work: { type: "job", jobId: id } };
}

function attempt(n: number): DeliveryAttempt {
  return {
    eventId: "msg_1",
    eventType: "job.completed",
    jobId: "job_1",
    webhookId: null,
    url: "http://receiver.test/",
    attempt: n,
    attemptedAt: new Date(START + n).toISOString(),
    statusCode: 500,
    error: null,
    durationMs: 1,
    outcome: "retrying",
    nextRetryAt: null,
  };
}

describe.each([
  { kind: "memory", skip: false },
  { kind: "sqlite", skip: false },
  { kind: "redis", skip: REDIS_URL === undefined },
])("the $kind webhook store", ({ kind, skip }) => {
  it.skipIf(skip)("caps endpoints per owner, lists them oldest first, deletes", async () => {
    const store = await open(kind);
    const [first, second] = [endpoint("a", START), endpoint("a", START + 1)];
    const results = await Promise.all([
      store.addEndpoint(first, 2),
      store.addEndpoint(second, 2),
      store.addEndpoint(endpoint("a", START + 2), 2),
    ]);
    expect(results.filter(Boolean)).toHaveLength(2);
    const unowned = endpoint(undefined);
    expect(await store.addEndpoint(unowned, 2)).toBe(true);
    expect((await store.endpoints("a")).length).toBe(2);
    expect(await store.endpoints("")).toEqual([unowned]);
    expect(await store.endpoint(unowned.id)).toEqual(unowned);
    expect(await store.deleteEndpoint(unowned.id)).toBe(true);
    expect(await store.deleteEndpoint(unowned.id)).toBe(false);
    expect(await store.endpoint(unowned.id)).toBeUndefined();
  });

  it.skipIf(skip)("changes an endpoint's fields, two changes at once included", async () => {
    const store = await open(kind);
    const first = { ...endpoint("a"), api: "heygen-v3" as const, entityId: "job_x" };
    await store.addEndpoint(first, 20);
    await Promise.all([
      store.updateEndpoint(first.id, { url: "http://receiver.test/moved" }),
      store.updateEndpoint(first.id, { secret: "whsec_rotated" }),
    ]);
    const changed = { ...first, url: "http://receiver.test/moved", secret: "whsec_rotated" };
    expect(await store.endpoint(first.id)).toEqual(changed);
    // null is a value (every event), not a missing field.
    const all = await store.updateEndpoint(first.id, { events: null });
    expect(all).toEqual({ ...changed, events: null });
    expect(await store.endpoints("a")).toEqual([{ ...changed, events: null }]);
    expect(await store.updateEndpoint(first.id, { events: ["a.b", "c.d"] })).toEqual({
      ...changed,
      events: ["a.b", "c.d"],
    });
    expect(await store.updateEndpoint("wh_missing", { url: "http://x.test/" })).toBeUndefined();
    expect(await store.endpoint("wh_missing")).toBeUndefined();
  });

  it.skipIf(skip)("keeps the first callback secret an owner got", async () => {
    const store = await open(kind);
    const secrets = await Promise.all(["s1", "s2", "s3"].map((s) => store.callbackSecret("a", s)));
    expect(new Set(secrets).size).toBe(1);
    expect(await store.callbackSecret("a", "s4")).toBe(secrets[0]);
    expect(await store.callbackSecret("b", "s5")).toBe("s5");
  });

  it.skipIf(skip)("claims a due task once, until its lease ends", async () => {
    const store = await open(kind);
    await store.addTasks([task("job:due", START), task("job:later", START + 10_000)]);
    // Added again: the first stays.
    await store.addTasks([task("job:due", START + 99_999)]);
    const claims = await Promise.all([
      store.claimDue(START, 1_000, 10),
      store.claimDue(START, 1_000, 10),
    ]);
    expect(claims.flat().map((claimed) => claimed.id)).toEqual(["job:due"]);
    const [held] = claims.flat() as [WebhookTask];
    expect(held.leasedUntil).toBe(START + 1_000);
    expect(await store.claim("job:due", START + 999, 1_000)).toBeUndefined();
    // The holder died: once the lease ends, another claims it, and the first can no longer end it.
    const taken = (await store.claim("job:due", START + 1_000, 1_000))!;
    expect(taken.lease).not.toBe(held.lease);
    expect(await store.complete(held, [])).toBe(false);
    expect(await store.complete(taken, [task("send:x", START + 2_000)])).toBe(true);
    expect(await store.claim("job:due", START + 5_000, 1_000)).toBeUndefined();
    // Claimed by id before it is due (a cancel), but by one claimer only.
    const early = await Promise.all([
      store.claim("job:later", START, 1_000),
      store.claim("job:later", START, 1_000),
    ]);
    expect(early.filter((claimed) => claimed !== undefined)).toHaveLength(1);
    expect((await store.claimDue(START + 2_000, 1_000, 10)).map((t) => t.id)).toEqual(["send:x"]);
  });

  it.skipIf(skip)("keeps the latest attempts per key", async () => {
    const store = await open(kind);
    for (let n = 1; n <= 105; n++) await store.addAttempt("job:job_1", attempt(n));
    const kept = await store.attempts("job:job_1");
    expect(kept.map((each) => each.attempt)).toEqual(Array.from({ length: 100 }, (_, i) => i + 6));
    expect(await store.attempts("job:other")).toEqual([]);
  });
});
