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
  it("returns copies, so callers cannot change what is stored", async () => {
    const store = new MemoryJobStore();
    const original = record("job_a");
    await store.insert(original);
    original.metadata.tag = "changed";
    const read = await store.get("job_a");
    expect(read?.metadata).toEqual({ tag: "job_a" });
    read!.metadata.tag = "changed again";
    expect((await store.get("job_a"))?.metadata).toEqual({ tag: "job_a" });
    expect(await store.get("job_missing")).toBeUndefined();
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
