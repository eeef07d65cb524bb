import { describe, expect, it } from "vitest";
import { DurationModel, durationWindow, learnedDelay } from "@translation-status/client";

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

  it.each([null, {}, { version: 2, kinds: {} }, { version: 1, kinds: { x: ["1"] } }])(
    "refuses to import %j with a TypeError",
    (snapshot) => {
      expect(() => new DurationModel().import(snapshot as never)).toThrow(TypeError);
    },
  );
});

describe("durationWindow", () => {
  it("needs five samples before it trusts what it learned", () => {
    expect(durationWindow([10, 11, 12, 13], undefined)).toBeUndefined();
    expect(durationWindow([100, 90, 110, 105, 95], undefined)).toEqual({
      earliestMs: 90 * 0.95,
      latestMs: 110 * 1.05,
    });
  });

  it("uses the caller's expected duration, ± 15%, until then", () => {
    expect(durationWindow([], 1_000)).toEqual({ earliestMs: 850, latestMs: 1_150 });
  });
});

describe("learnedDelay", () => {
  const window = { earliestMs: 800, latestMs: 1_300 };
  const spacing = { maxStepMs: 1_000, maxOverrunStepMs: 2_000, maxStepShareOfAge: 0 };

  it("jumps to the window's start", () => {
    expect(learnedDelay(100, window, spacing)).toBe(700);
  });

  it("counts a timer that fired a hair early as on time, so it does not jump twice", () => {
    expect(learnedDelay(799.5, window, spacing)).toBe(100);
  });

  it("spreads polls across the window, a fifth of it apart, at most maxStepMs", () => {
    expect(learnedDelay(800, window, spacing)).toBe(100);
    expect(learnedDelay(800, window, { ...spacing, maxStepMs: 40 })).toBe(40);
    expect(learnedDelay(1_250, window, spacing)).toBe(50);
  });

  it("never spaces polls wider than backoff would at the same age", () => {
    const wide = { earliestMs: 1_000, latestMs: 30_000 };
    expect(learnedDelay(1_000, wide, { ...spacing, maxStepShareOfAge: 0.5 })).toBe(500);
    expect(learnedDelay(1_000, wide, spacing)).toBe(1_000);
  });

  it("backs off from what it learned once the job outlives the window", () => {
    expect(learnedDelay(1_300, window, spacing)).toBe(100);
    expect(learnedDelay(1_700, window, spacing)).toBe(200);
    expect(learnedDelay(100_000, window, spacing)).toBe(2_000);
  });
});
