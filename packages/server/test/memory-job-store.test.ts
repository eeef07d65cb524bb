import { describe, expect, it } from "vitest";
import { MemoryJobStore, type JobRecord } from "../src/index.js";

const record = (id: string, createdAt = 0): JobRecord => ({
  id,
  createdAt,
  pendingDurationMs: 1_000,
  outcome: "completed",
  etaError: 0.2,
  etaBias: 0,
  metadata: { tag: id },
});

describe("MemoryJobStore", () => {
  it("keeps its own frozen copy, so neither writers nor readers can change what is stored", async () => {
    const store = new MemoryJobStore();
    const original = { ...record("job_a"), metadata: { tag: "job_a", nested: { list: [1, 2] } } };
    await store.insert(original);
    original.metadata.tag = "changed";
    original.metadata.nested.list.push(3);
    const read = await store.get("job_a");
    expect(read?.metadata).toEqual({ tag: "job_a", nested: { list: [1, 2] } });
    // Reads share one frozen record: assignments throw (modules run in strict mode), deep down too.
    const metadata = read!.metadata as { tag: string; nested: { list: number[] } };
    expect(() => (metadata.tag = "changed again")).toThrow(TypeError);
    expect(() => metadata.nested.list.push(3)).toThrow(TypeError);
    expect(() => ((read as { outcome: string }).outcome = "error")).toThrow(TypeError);
    // No copy per read: the same record every time.
    expect(await store.get("job_a")).toBe(read);
    expect((await store.get("job_a"))?.metadata).toEqual({
      tag: "job_a",
      nested: { list: [1, 2] },
    });
    expect(await store.get("job_missing")).toBeUndefined();
  });

  it("freezes updates and listed records too", async () => {
    const store = new MemoryJobStore();
    await store.insert(record("job_a"));
    const cancelled = { ...record("job_a"), cancelledAt: 5, metadata: { tag: "later" } };
    await store.update(cancelled);
    cancelled.metadata.tag = "changed";
    const [listed] = await store.list({ limit: 1 });
    expect(listed?.metadata).toEqual({ tag: "later" });
    expect(Object.isFrozen(listed) && Object.isFrozen(listed!.metadata)).toBe(true);
    expect(() => ((listed as { cancelledAt?: number }).cancelledAt = 9)).toThrow(TypeError);
    expect((await store.get("job_a"))?.cancelledAt).toBe(5);
  });

  it("refuses duplicate inserts and updates of missing records", async () => {
    const store = new MemoryJobStore();
    await store.insert(record("job_a"));
    await expect(store.insert(record("job_a"))).rejects.toThrow("already exists");
    await expect(store.update(record("job_b"))).rejects.toThrow("does not exist");
  });

  it("updates in place, keeping creation order", async () => {
    const store = new MemoryJobStore();
    for (const id of ["job_a", "job_b", "job_c"]) await store.insert(record(id));
    await store.update({ ...record("job_a"), cancelledAt: 5 });
    const all = await store.list({ limit: 10 });
    expect(all.map((r) => r.id)).toEqual(["job_a", "job_b", "job_c"]);
    expect(all[0]?.cancelledAt).toBe(5);
  });

  it("lists after a given id, up to the limit", async () => {
    const store = new MemoryJobStore();
    for (const id of ["job_a", "job_b", "job_c", "job_d"]) await store.insert(record(id));
    const ids = async (options: { after?: string; limit: number }) =>
      (await store.list(options)).map((r) => r.id);
    expect(await ids({ limit: 2 })).toEqual(["job_a", "job_b"]);
    expect(await ids({ after: "job_b", limit: 5 })).toEqual(["job_c", "job_d"]);
    expect(await ids({ after: "job_d", limit: 5 })).toEqual([]);
    expect(await ids({ after: "job_zzz", limit: 5 })).toEqual([]);
  });
});
