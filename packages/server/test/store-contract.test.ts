import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { describe, expect, it, onTestFinished } from "vitest";
import type { IdempotencyStore, JobRecord, JobStore } from "../src/index.js";
import { parseStorage } from "../src/index.js";
import { openStorage } from "../src/store/storage.js";
import { REDIS_URL, redisStorage } from "../../../test/support/redis.js";
import { START } from "./helpers.js";

/** A fresh, empty store of each kind, closed after the test. */
async function open(
  kind: string,
  redis?: string,
  retentionMs?: number,
): Promise<{ jobs: JobStore; idempotency: IdempotencyStore }> {
  let spec = kind;
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "ts-store-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    spec = `sqlite:${join(dir, "jobs.db")}`;
  } else if (kind === "redis") {
    spec = redis ?? redisStorage();
  }
  const storage = openStorage(parseStorage(spec)!, {
    idempotencyTtlMs: 60_000,
    ...(retentionMs !== undefined && { retentionMs }),
    onError: (error) => {
      throw error;
    },
  });
  await storage.connect();
  onTestFinished(() => storage.close());
  return storage;
}

let next = 0;
function record(overrides: Partial<JobRecord> = {}): JobRecord {
  next += 1;
  return {
    id: `job_contract${next}`,
    createdAt: START + next,
    pendingDurationMs: 10_000,
    outcome: "completed",
    etaError: 0.2,
    etaBias: -0.5,
    metadata: { n: next, nested: { list: [1, "two", null] } },
    ...overrides,
  };
}

describe.each([
  { kind: "memory", skip: false },
  { kind: "sqlite", skip: false },
  { kind: "redis", skip: REDIS_URL === undefined },
])("the $kind store", ({ kind, skip }) => {
  describe.skipIf(skip)("jobs", () => {
    it("gets what was inserted, every field intact, and nothing for an unknown id", async () => {
      const { jobs } = await open(kind);
      const failed = record({
        outcome: "error",
        failure: { code: "render_failed", message: "Boom" },
        owner: "key_abc",
        faults: { rate: 0.5, kinds: ["500", "hang"], latency: { min: 1, max: 9 } },
      });
      await jobs.insert(failed);
      expect(await jobs.get(failed.id)).toEqual(failed);
      expect(await jobs.get("job_nope")).toBeUndefined();
    });

    it("gets many at once, in the order asked, nothing for unknown ids", async () => {
      const { jobs } = await open(kind);
      const [a, b] = [record(), record({ owner: "key_abc" })];
      await jobs.insert(a);
      await jobs.insert(b);
      expect(await jobs.getMany!([b.id, "job_nope", a.id, b.id])).toEqual([b, undefined, a, b]);
      expect(await jobs.getMany!([])).toEqual([]);
    });

    it("refuses a second insert with the same id", async () => {
      const { jobs } = await open(kind);
      const first = record();
      await jobs.insert(first);
      await expect(jobs.insert({ ...first, pendingDurationMs: 1 })).rejects.toThrow(/exists/);
      expect(await jobs.get(first.id)).toEqual(first);
    });

    it("replaces a record on update, and refuses to update one it does not hold", async () => {
      const { jobs } = await open(kind);
      const first = record();
      await jobs.insert(first);
      const cancelled = { ...first, cancelledAt: first.createdAt + 5 };
      await jobs.update(cancelled);
      expect(await jobs.get(first.id)).toEqual(cancelled);
      await expect(jobs.update(record())).rejects.toThrow(/does not exist/);
    });

    it("hands out copies or frozen records: changing one changes nothing stored", async () => {
      const { jobs } = await open(kind);
      const original = record();
      const expected = structuredClone(original);
      await jobs.insert(original);
      original.metadata.n = "changed after insert";
      // A copy takes the change; a frozen record refuses it with a TypeError. Either way the
      // store keeps what it was given.
      const tryTo = (change: () => void) => {
        try {
          change();
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
        }
      };
      const read = (await jobs.get(original.id))!;
      tryTo(() => (read.metadata.nested as { list: unknown[] }).list.push("changed after get"));
      const [listed] = await jobs.list({ limit: 1 });
      tryTo(() => (listed!.metadata.n = "changed after list"));
      expect(await jobs.get(original.id)).toEqual(expected);
    });

    it("lists in creation order, by pages after an id; an unknown id gives an empty page", async () => {
      const { jobs } = await open(kind);
      const records = Array.from({ length: 7 }, () => record());
      // Creation order is insertion order, even against the clock.
      records.reverse();
      for (const each of records) await jobs.insert(each);
      const ids = records.map((each) => each.id);
      expect((await jobs.list({ limit: 100 })).map((each) => each.id)).toEqual(ids);
      expect((await jobs.list({ limit: 3 })).map((each) => each.id)).toEqual(ids.slice(0, 3));
      const page = await jobs.list({ after: ids[2]!, limit: 3 });
      expect(page.map((each) => each.id)).toEqual(ids.slice(3, 6));
      expect((await jobs.list({ after: ids[6]!, limit: 3 })).map((each) => each.id)).toEqual([]);
      expect(await jobs.list({ after: "job_unknown", limit: 3 })).toEqual([]);
      const cancelled = { ...records[0]!, cancelledAt: records[0]!.createdAt + 1 };
      await jobs.update(cancelled);
      expect((await jobs.list({ limit: 1 }))[0]).toEqual(cancelled);
    });

    it("finds an owner's jobs still pending at a moment: not ended, not cancelled", async () => {
      const { jobs } = await open(kind);
      const at = START + 1_000_000;
      const short = record({ owner: "a", createdAt: at - 500, pendingDurationMs: 1_000 });
      const long = record({ owner: "a", createdAt: at - 400, pendingDurationMs: 60_000 });
      const ended = record({ owner: "a", createdAt: at - 2_000, pendingDurationMs: 1_000 });
      const endsNow = record({ owner: "a", createdAt: at - 1_000, pendingDurationMs: 1_000 });
      const gone = record({ owner: "a", createdAt: at - 300, pendingDurationMs: 9_000 });
      const other = record({ owner: "b", createdAt: at - 200, pendingDurationMs: 9_000 });
      const unowned = record({ createdAt: at - 100, pendingDurationMs: 9_000 });
      for (const each of [short, long, ended, endsNow, gone, other, unowned]) {
        await jobs.insert(each);
      }
      await jobs.update({ ...gone, cancelledAt: at - 10 });
      expect(await jobs.pendingOf("a", at)).toEqual([short, long]);
      expect(await jobs.pendingOf("a", at + 500)).toEqual([long]);
      expect(await jobs.pendingOf("b", at)).toEqual([other]);
      expect(await jobs.pendingOf("", at)).toEqual([unowned]);
      expect(await jobs.pendingOf("c", at)).toEqual([]);
    });

    it("answers a ping", async () => {
      const { jobs } = await open(kind);
      await expect(jobs.ping?.()).resolves.toBeUndefined();
    });

    it("inserts within a limit of pending jobs, counted in the same step, per owner", async () => {
      const { jobs } = await open(kind);
      const at = START + 2_000_000;
      const ended = record({ owner: "a", createdAt: at - 5_000, pendingDurationMs: 1_000 });
      await jobs.insert(ended);
      // Twenty at once: however the store interleaves them, exactly five find room.
      const contenders = Array.from({ length: 20 }, () => record({ owner: "a", createdAt: at }));
      const admitted = await Promise.all(contenders.map((each) => jobs.insertWithin!(each, 5)));
      expect(admitted.filter(Boolean)).toHaveLength(5);
      expect(await jobs.pendingOf("a", at)).toHaveLength(5);
      const refused = contenders.filter((_, index) => !admitted[index]);
      expect(await jobs.getMany!(refused.map((each) => each.id))).toEqual(
        refused.map(() => undefined),
      );
      expect(await jobs.insertWithin!(record({ owner: "b", createdAt: at }), 5)).toBe(true);
      // Once the five have ended there is room again.
      expect(await jobs.insertWithin!(record({ owner: "a", createdAt: at + 20_000 }), 5)).toBe(
        true,
      );
    });
  });

  describe.skipIf(skip || kind === "redis")("retention", () => {
    it("forgets jobs that ended before a moment, by their end; pending ones stay", async () => {
      const { jobs } = await open(kind);
      const at = START + 3_000_000;
      const old = record({ createdAt: at - 10_000, pendingDurationMs: 1_000 });
      const recent = record({ createdAt: at - 10_000, pendingDurationMs: 9_500 });
      const cancelledEarly = record({ createdAt: at - 9_000, pendingDurationMs: 60_000 });
      const pending = record({ createdAt: at - 8_000, pendingDurationMs: 60_000 });
      for (const each of [old, recent, cancelledEarly, pending]) await jobs.insert(each);
      await jobs.update({ ...cancelledEarly, cancelledAt: at - 8_500 });
      await jobs.expire!(at - 1_000);
      expect(await jobs.get(old.id)).toBeUndefined();
      expect(await jobs.get(cancelledEarly.id)).toBeUndefined();
      expect((await jobs.list({ limit: 10 })).map((each) => each.id)).toEqual([
        recent.id,
        pending.id,
      ]);
      expect(await jobs.list({ after: recent.id, limit: 10 })).toEqual([pending]);
    });

    it("forgets idempotency keys created before a moment", async () => {
      const { idempotency } = await open(kind);
      const base = { fingerprint: "f".repeat(64), jobId: "job_1" };
      await idempotency.put({ ...base, scope: "a", key: "old", createdAt: START });
      await idempotency.put({ ...base, scope: "a", key: "new", createdAt: START + 5_000 });
      await idempotency.put({ ...base, scope: "b", key: "old", createdAt: START + 1 });
      await idempotency.expire!(START + 1_000);
      expect(await idempotency.get("a", "old")).toBeUndefined();
      expect(await idempotency.get("b", "old")).toBeUndefined();
      expect(await idempotency.get("a", "new")).toMatchObject({ key: "new" });
    });
  });

  describe.skipIf(skip)("idempotency keys", () => {
    const saved = (over: Partial<{ scope: string; key: string; jobId: string }> = {}) => ({
      scope: "key_a",
      key: "order-1",
      fingerprint: "f".repeat(64),
      jobId: "job_1",
      createdAt: START,
      ...over,
    });

    it("gets what was put, per scope and key; a put replaces", async () => {
      const { idempotency } = await open(kind);
      await idempotency.put(saved());
      await idempotency.put(saved({ scope: "key_b", jobId: "job_2" }));
      // Scope and key are kept apart however they are spelled.
      await idempotency.put(saved({ scope: "key_a:order", key: "1", jobId: "job_3" }));
      expect(await idempotency.get("key_a", "order-1")).toEqual(saved());
      expect(await idempotency.get("key_b", "order-1")).toEqual(
        saved({ scope: "key_b", jobId: "job_2" }),
      );
      expect(await idempotency.get("key_a:order", "1")).toMatchObject({ jobId: "job_3" });
      expect(await idempotency.get("key_a", "order-2")).toBeUndefined();
      await idempotency.put(saved({ jobId: "job_4" }));
      expect(await idempotency.get("key_a", "order-1")).toMatchObject({ jobId: "job_4" });
    });

    it("keeps every job of a key whose request made several", async () => {
      const { idempotency } = await open(kind);
      const record = { ...saved(), jobIds: ["job_1", "job_2", "job_3"] };
      await idempotency.put(record);
      expect(await idempotency.get("key_a", "order-1")).toEqual(record);
    });

    it("hands out copies", async () => {
      const { idempotency } = await open(kind);
      const record = saved();
      await idempotency.put(record);
      record.jobId = "job_changed";
      const read = (await idempotency.get("key_a", "order-1"))!;
      read.jobId = "job_changed_too";
      expect(await idempotency.get("key_a", "order-1")).toEqual(saved());
    });
  });
});

describe.skipIf(REDIS_URL === undefined)("the redis store, shared by several servers", () => {
  it("claims an idempotency key once: the holder is told to the others until released", async () => {
    const { idempotency } = await open("redis");
    const claim = { scope: "a", key: "k", fingerprint: "f", jobId: "", createdAt: START };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => idempotency.claim!(claim, 60_000)),
    );
    expect(answers.filter((answer) => answer === undefined)).toHaveLength(1);
    expect(answers.filter((answer) => answer !== undefined)).toEqual(Array(9).fill(claim));
    await idempotency.release!("a", "k");
    expect(await idempotency.claim!(claim, 60_000)).toBeUndefined();
    await idempotency.put({ ...claim, jobId: "job_1" });
    expect(await idempotency.claim!(claim, 60_000)).toEqual({ ...claim, jobId: "job_1" });
  });

  it("lets Redis expire a record a retention period after the job's end", async () => {
    const storage = redisStorage();
    const { jobs } = await open("redis", storage, 60_000);
    const raw = new Redis(REDIS_URL!);
    onTestFinished(() => raw.disconnect());
    const prefix = new URL(storage).searchParams.get("prefix")!;
    const job = record({ pendingDurationMs: 10_000 });
    await jobs.insert(job);
    const ttl = await raw.pttl(`${prefix}job:${job.id}`);
    expect(ttl).toBeGreaterThan(69_000);
    expect(ttl).toBeLessThanOrEqual(70_000);
    await jobs.update({ ...job, cancelledAt: job.createdAt + 1_000 });
    const afterCancel = await raw.pttl(`${prefix}job:${job.id}`);
    expect(afterCancel).toBeGreaterThan(59_000);
    expect(afterCancel).toBeLessThanOrEqual(60_000);
    // A record Redis dropped leaves the creation index on the next clean-up.
    await raw.del(`${prefix}job:${job.id}`);
    const kept = record();
    await jobs.insert(kept);
    await jobs.expire!(0);
    expect(await raw.zrange(`${prefix}jobs`, 0, -1)).toEqual([kept.id]);
  });
});
