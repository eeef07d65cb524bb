import { describe, expect, it, vi } from "vitest";
import type { FastifyInstance } from "fastify";
import type { JobView, LegacyStatusView } from "../src/index.js";
import { FAILURES } from "../src/jobs/failures.js";
import { createRandom, mulberry32, toSeed } from "../src/jobs/random.js";
import { createJob, setup } from "./helpers.js";

/** The /status outcome, then each job's outcome (with its failure code), once all have finished. */
async function outcomes(seed: number | string, count = 50): Promise<string[]> {
  const { app, clock } = setup({ seed, pendingDurationMs: 1_000, errorProbability: 0.5 });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await createJob(app)).id);
  clock.advance(1_000);
  const legacy = (await app.inject({ url: "/status" })).json<LegacyStatusView>();
  const jobs = await Promise.all(ids.map((id) => getJob(app, id)));
  return [legacy, ...jobs].map((job) => `${job.status}:${job.error?.code ?? "-"}`);
}

async function getJob(app: FastifyInstance, id: string): Promise<JobView> {
  return (await app.inject({ url: `/jobs/${id}` })).json<JobView>();
}

describe("seeded outcomes", () => {
  it("repeat exactly for the same seed", async () => {
    const first = await outcomes(1234);
    expect(await outcomes(1234)).toEqual(first);
    // With p = 0.5 over 51 jobs, both outcomes must show up or the draws are not being used.
    expect(first.some((o) => o.startsWith("error:"))).toBe(true);
    expect(first.some((o) => o.startsWith("completed:"))).toBe(true);
  });

  it("differ for a different seed", async () => {
    expect(await outcomes(1)).not.toEqual(await outcomes(2));
  });

  it("treat string seeds by hash, and a numeric string like the number", async () => {
    expect(await outcomes("demo-run")).toEqual(await outcomes("demo-run"));
    expect(await outcomes("demo-run")).not.toEqual(await outcomes("other-run"));
    expect(await outcomes("42", 10)).toEqual(await outcomes(42, 10));
  });

  it("give /status the first draw, then two draws per job", async () => {
    const draws = [0.05, 0.99, 0.5, 0.1, 0.0, 0.0];
    const random = vi.fn(() => draws.shift() ?? 0.5);
    const { app, clock } = setup({ random, pendingDurationMs: 0, errorProbability: 0.1 });
    expect(random).toHaveBeenCalledTimes(2);
    const job1 = await createJob(app);
    const job2 = await createJob(app);
    clock.advance(1);
    const legacy = (await app.inject({ url: "/status" })).json<LegacyStatusView>();
    expect(legacy.result).toBe("error");
    expect(legacy.error).toEqual(FAILURES.at(-1));
    expect((await getJob(app, job1.id)).status).toBe("completed");
    expect((await getJob(app, job2.id)).status).toBe("error");
    expect((await getJob(app, job2.id)).error).toEqual(FAILURES[0]);
  });

  it("are exactly what the seed gave before estimates existed: two draws per job", async () => {
    // Recomputed from the raw stream: /status takes draws 1-2, job n draws 2n+1 and 2n+2.
    const draws = mulberry32(toSeed(1234));
    const expected = Array.from({ length: 51 }, () => {
      const failed = draws() < 0.5;
      const failure = FAILURES[Math.floor(draws() * FAILURES.length)]!;
      return failed ? `error:${failure.code}` : "completed:-";
    });
    expect(await outcomes(1234)).toEqual(expected);
  });

  it("give each job a reproducible estimate bias from a stream of its own", async () => {
    const estimates = async (seed: number | string) => {
      const { app } = setup({ seed, pendingDurationMs: 10_000 });
      const jobs = [];
      for (let i = 0; i < 20; i++) jobs.push((await createJob(app)).estimatedCompletionAt);
      const legacy = (await app.inject({ url: "/status" })).json<LegacyStatusView>();
      return [legacy.estimatedCompletionAt, ...jobs];
    };
    const first = await estimates(1234);
    expect(await estimates(1234)).toEqual(first);
    expect(await estimates("1234")).toEqual(first);
    expect(await estimates(4321)).not.toEqual(first);
    // Biases differ from job to job, so the estimates do too.
    expect(new Set(first).size).toBeGreaterThan(15);
  });

  it("draw one bias per job from etaRandom, overrides or not", async () => {
    const etaRandom = vi.fn(() => 0.5);
    const { app } = setup({ etaRandom, random: () => 0.5 });
    expect(etaRandom).toHaveBeenCalledTimes(1);
    await createJob(app);
    await createJob(app, { etaError: 0, pendingDurationMs: 5 });
    expect(etaRandom).toHaveBeenCalledTimes(3);
  });

  it("use Math.random when no seed is given", async () => {
    const { app, clock } = setup({ pendingDurationMs: 0, errorProbability: 0.5 });
    vi.spyOn(Math, "random").mockReturnValue(0.25);
    const jobs = [];
    for (let i = 0; i < 10; i++) jobs.push(await createJob(app));
    clock.advance(1);
    for (const job of jobs) expect((await getJob(app, job.id)).status).toBe("error");
  });
});

describe("random helpers", () => {
  it("mulberry32 yields a fixed sequence in [0, 1) for a seed", () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const values = Array.from({ length: 1_000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1_000 }, () => b()));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(990);
    expect(mulberry32(8)()).not.toBe(values[0]);
  });

  it("hashes strings with FNV-1a and keeps integers modulo 2^32", () => {
    expect(toSeed("")).toBe(0x811c9dc5);
    expect(toSeed("a")).toBe(0xe40c292c);
    expect(toSeed("foobar")).toBe(0xbf9cf968);
    expect(toSeed(42)).toBe(42);
    expect(toSeed("42")).toBe(42);
    expect(toSeed(-1)).toBe(0xffffffff);
    expect(toSeed(2 ** 32 + 5)).toBe(5);
  });

  it("createRandom is seeded only when given a seed", () => {
    expect(createRandom(3)()).toBe(mulberry32(3)());
    vi.spyOn(Math, "random").mockReturnValue(0.123);
    expect(createRandom()()).toBe(0.123);
  });
});
