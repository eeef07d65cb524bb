import { describe, expect, it } from "vitest";
import { DurationModel, learnedDelay, learnedTarget } from "../src/internal/index.js";
import { learnedGrid } from "../src/learned-distribution.js";
import { delayOnPlan } from "../src/learned-schedule.js";
import { WAIT_DEFAULTS } from "../src/options.js";

describe("DurationModel", () => {
  it("keeps the most recent samples of a kind, within its bound", () => {
    const model = new DurationModel({ maxSamplesPerKind: 3 });
    for (const d of [1, 2, 3, 4, 5]) model.record("dub", d);
    expect(model.samples("dub")).toEqual([3, 4, 5]);
    expect(model.samples("other")).toEqual([]);
  });

  it("forgets the least recently used kind past maxKinds", () => {
    const model = new DurationModel({ maxKinds: 2 });
    model.record("a", 1);
    model.record("b", 1);
    model.record("a", 2);
    model.record("c", 1);
    expect(Object.keys(model.export().kinds).sort()).toEqual(["a", "c"]);
  });

  it("ignores durations that cannot be right", () => {
    const model = new DurationModel();
    for (const d of [-1, Number.NaN, Infinity]) model.record("x", d);
    expect(model.samples("x")).toEqual([]);
  });

  it("exports plain JSON that imports into another model", () => {
    const a = new DurationModel();
    a.record("dub", 1_000);
    a.record("dub", 1_200);
    const b = new DurationModel();
    b.import(JSON.parse(JSON.stringify(a.export())));
    expect(b.samples("dub")).toEqual([1_000, 1_200]);
  });

  it("keeps each sample's uncertainty beside it, through export and import", () => {
    const a = new DurationModel({ maxSamplesPerKind: 2 });
    a.record("dub", 1_000, 0);
    a.record("dub", 1_500, 250);
    a.record("dub", 2_000, 40);
    expect(a.samples("dub")).toEqual([1_500, 2_000]);
    expect(a.uncertainties("dub")).toEqual([250, 40]);
    const b = new DurationModel();
    b.import(JSON.parse(JSON.stringify(a.export())));
    expect(b.uncertainties("dub")).toEqual([250, 40]);
  });

  it("imports a snapshot without uncertainties as exact samples", () => {
    const model = new DurationModel();
    model.import({ version: 1, kinds: { dub: [1_000, 1_100] } });
    expect(model.uncertainties("dub")).toEqual([0, 0]);
  });

  it("keeps each sample's size, through export and import", () => {
    const a = new DurationModel();
    a.record("dub", 60_000, 0, 60);
    a.record("dub", 30_000, 500);
    const snapshot = JSON.parse(JSON.stringify(a.export()));
    expect(snapshot).toMatchObject({ version: 2, sizes: { dub: [60, 0] } });
    const b = new DurationModel();
    b.import(snapshot);
    expect(b.sizes("dub")).toEqual([60, 0]);
  });

  it("imports a version 1 snapshot, from before sizes, as samples without size", () => {
    const model = new DurationModel();
    model.import({ version: 1, kinds: { dub: [1_000, 1_100] }, uncertaintyMs: { dub: [0, 50] } });
    expect(model.samples("dub")).toEqual([1_000, 1_100]);
    expect(model.uncertainties("dub")).toEqual([0, 50]);
    expect(model.sizes("dub")).toEqual([0, 0]);
  });

  it("ignores an uncertainty that cannot be right", () => {
    const model = new DurationModel();
    for (const u of [-1, Number.NaN, Infinity]) model.record("x", 1_000, u);
    expect(model.samples("x")).toEqual([]);
  });

  it.each([
    null,
    {},
    { version: 3, kinds: {} },
    { version: 2, kinds: { x: [1] }, sizes: { x: [-1] } },
    { version: 2, kinds: { x: [1, 2] }, sizes: { x: [3] } },
    { version: 1, kinds: { x: ["1"] } },
    { version: 1, kinds: { x: [1] }, uncertaintyMs: { x: [-1] } },
    { version: 1, kinds: { x: [1, 2] }, uncertaintyMs: { x: [0] } },
    { version: 1, kinds: { x: [1] }, uncertaintyMs: null },
  ])("refuses to import %j with a TypeError, and records nothing", (snapshot) => {
    const model = new DurationModel();
    expect(() => model.import(snapshot as never)).toThrow(TypeError);
    expect(model.export().kinds).toEqual({});
  });
});

/** A seeded generator, so every run of these tests sees the same jobs. */
function seeded(seed: number): () => number {
  return () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
}

const target = learnedTarget(WAIT_DEFAULTS);

describe("learnedGrid", () => {
  it("does not let coarse samples widen what precise ones pinned down", () => {
    // Five coarse samples (±600 ms) from sparse cold polls, twenty precise ones (±20 ms).
    const random = seeded(7);
    const centers = [1_700, 1_800, 2_600, 1_900, 1_750];
    const halves = [600, 600, 600, 600, 600];
    for (let i = 0; i < 20; i++) {
      centers.push(1_800 + 400 * random());
      halves.push(20);
    }
    const grid = learnedGrid(centers, halves)!;
    let outside = 0;
    grid.mass.forEach((p, i) => {
      const middle = grid.startMs + (i + 0.5) * grid.stepMs;
      if (middle < 1_700 || middle > 2_300) outside += p;
    });
    // Spread evenly over their spans, the coarse samples alone would put 14% out there.
    expect(outside).toBeLessThan(0.03);
  });
});

describe("learnedDelay", () => {
  const job = { kind: "dub", size: undefined, expectedDurationMs: undefined, ageMs: 0 };

  it("leaves the delay to backoff until five jobs of the kind are known", () => {
    const model = new DurationModel();
    for (const d of [10_000, 11_000, 12_000, 13_000]) model.record("dub", d);
    expect(learnedDelay(model, job, target)).toBeUndefined();
    model.record("dub", 14_000);
    expect(learnedDelay(model, job, target)).toBeGreaterThan(9_000);
  });

  it("plans from the caller's expected duration, ± 15%, before that", () => {
    const model = new DurationModel();
    const first = learnedDelay(model, { ...job, expectedDurationMs: 100_000 }, target)!;
    expect(first).toBeGreaterThanOrEqual(85_000);
    expect(first).toBeLessThanOrEqual(115_000);
  });

  it("meets its delay target on fresh jobs with about the optimum's checks", () => {
    // 15 min ±10%, learned from 50 jobs known within ±10 s; the target is capped at 13.5 s.
    const random = seeded(42);
    const draw = () => 900_000 * (0.9 + 0.2 * random());
    const model = new DurationModel();
    for (let i = 0; i < 50; i++) model.record("dub", draw(), 10_000);
    let checks = 0;
    let delay = 0;
    const jobs = 2_000;
    for (let i = 0; i < jobs; i++) {
      const length = draw();
      let age = 0;
      while (age < length) {
        age += learnedDelay(model, { ...job, ageMs: age }, target)!;
        checks += 1;
      }
      delay += age - length;
    }
    expect(delay / jobs).toBeLessThan(16_000);
    // The optimum for this law at 13.5 s: 3.7 checks after the first (the bench's frontier).
    expect(checks / jobs).toBeLessThan(1.2 * 3.7);
  });

  it("scales the plan with the job's size", () => {
    const random = seeded(3);
    const model = new DurationModel();
    for (let i = 0; i < 30; i++) {
      const size = 10 + 20 * random();
      model.record("dub", size * 1_000 * (0.9 + 0.2 * random()), 0, size);
    }
    const at = (size: number, ageMs = 0) => learnedDelay(model, { ...job, size, ageMs }, target)!;
    expect(at(20)).toBeCloseTo(2 * at(10), 6);
    expect(at(10)).toBeGreaterThan(8_000);
    expect(at(10)).toBeLessThan(10_000);
  });

  it("computes a plan once per kind and target, until the kind learns a new sample", () => {
    const model = new DurationModel();
    for (const d of [10_000, 11_000, 12_000, 13_000, 14_000]) model.record("dub", d);
    learnedDelay(model, job, target);
    const cached = [...model.plans("dub")!.keys()];
    learnedDelay(model, { ...job, ageMs: 10_500 }, target);
    expect([...model.plans("dub")!.keys()]).toEqual(cached);
    model.record("dub", 12_500);
    expect(model.plans("dub")!.size).toBe(0);
  });
});

describe("delayOnPlan", () => {
  const checks = [800, 1_000, 1_100, 1_150];

  it("jumps to the first check, then follows the plan", () => {
    expect(delayOnPlan(0, checks, 1, 30_000)).toBe(800);
    expect(delayOnPlan(800, checks, 1, 30_000)).toBe(200);
    expect(delayOnPlan(1_100, checks, 2, 30_000)).toBe(500);
  });

  it("counts a timer that fired a hair early as on time, so it does not ask twice", () => {
    expect(delayOnPlan(999.5, checks, 1, 30_000)).toBe(100.5);
  });

  it("backs off from what it learned once the job outlives the plan", () => {
    expect(delayOnPlan(1_150, checks, 1, 30_000)).toBe(50);
    expect(delayOnPlan(1_650, checks, 1, 30_000)).toBe(250);
    expect(delayOnPlan(1e9, checks, 1, 30_000)).toBe(30_000);
  });
});
