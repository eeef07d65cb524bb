import { describe, expect, it, vi } from "vitest";
import { buildApp, MemoryJobStore, type AppOptions } from "../src/index.js";
import { createJob, setup } from "./helpers.js";
import { faultsInjected } from "./observe.js";

const base: AppOptions = { pendingDurationMs: 10_000, errorProbability: 0, etaError: 0 };

/** Store reads made by `read()`. */
async function readsDuring(read: () => Promise<unknown>): Promise<number> {
  const get = vi.spyOn(MemoryJobStore.prototype, "get");
  try {
    await read();
    return get.mock.calls.length;
  } finally {
    get.mockRestore();
  }
}

describe("the fault hook's job lookup", () => {
  it("is skipped while no job carries overrides, and the job still reads once", async () => {
    const { app } = setup(base);
    const job = await createJob(app);
    const reads = await readsDuring(async () => {
      const response = await app.inject({ url: `/jobs/${job.id}` });
      expect(response.statusCode).toBe(200);
    });
    expect(reads).toBe(1);
  });

  it("resumes once a job with overrides exists, and applies them", async () => {
    const { app } = setup(base);
    const plain = await createJob(app);
    const faulty = await createJob(app, { faultRate: 1, faultKinds: ["503"] });
    // The hook must look each job up now: one read for it, one for the route.
    expect(await readsDuring(() => app.inject({ url: `/jobs/${plain.id}` }))).toBe(2);
    expect((await app.inject({ url: `/jobs/${plain.id}` })).statusCode).toBe(200);
    const response = await app.inject({ url: `/jobs/${faulty.id}` });
    expect(response.statusCode).toBe(503);
    expect(response.headers["x-injected-fault"]).toBe("503");
    expect(await faultsInjected(app, "503")).toBe(1);
  });

  it("always looks up in a store the caller gave, which may hold jobs with overrides", async () => {
    const store = new MemoryJobStore();
    const first = buildApp({ ...base, store });
    const faulty = await createJob(first, { faultRate: 1, faultKinds: ["500"] });
    await first.close();
    // A new app on the same store has created no job itself.
    const { app } = setup({ ...base, store });
    const response = await app.inject({ url: `/jobs/${faulty.id}` });
    expect(response.statusCode).toBe(500);
    expect(response.headers["x-injected-fault"]).toBe("500");
  });

  it("counts only created jobs: a refused request with overrides turns nothing on", async () => {
    const { app } = setup(base);
    const job = await createJob(app);
    const refused = await app.inject({
      method: "POST",
      url: "/jobs",
      payload: { faultRate: 2 },
    });
    expect(refused.statusCode).toBe(400);
    expect(await readsDuring(() => app.inject({ url: `/jobs/${job.id}` }))).toBe(1);
  });
});
