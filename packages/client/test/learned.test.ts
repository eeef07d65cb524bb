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

  it("ignores an uncertainty that cannot be right", () => {
    const model = new DurationModel();
    for (const u of [-1, Number.NaN, Infinity]) model.record("x", 1_000, u);
    expect(model.samples("x")).toEqual([]);
  });

  it.each([
    null,
    {},
    { version: 2, kinds: {} },
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

describe("durationWindow", () => {
  it("needs five samples before it trusts what it learned", () => {
    expect(durationWindow([10, 11, 12, 13], undefined)).toBeUndefined();
    expect(durationWindow([100, 90, 110, 105, 95], undefined)).toEqual({
      earliestMs: 90 * 0.95,
      latestMs: 110 * 1.05,
    });
  });

  it("does not let coarse samples widen what precise ones pinned down", () => {
    // Five coarse samples (±600 ms) from sparse cold polls, five precise ones (±50 ms).
    const samples = [1_700, 1_800, 2_600, 1_900, 1_750, 1_850, 2_150, 1_950, 2_050, 1_900];
    const spreads = [600, 600, 600, 600, 600, 50, 50, 50, 50, 50];
    const window = durationWindow(samples, undefined, spreads)!;
    // Lowest upper bound 1_900 (1_850 + 50), highest lower bound 2_100 (2_150 − 50).
    expect(window.earliestMs).toBeCloseTo(1_900 * 0.95);
    expect(window.latestMs).toBeCloseTo(2_100 * 1.05);
    // Read as exact, the same samples would give a window twice as wide.
    const naive = durationWindow(samples, undefined)!;
    expect(naive.latestMs - naive.earliestMs).toBeGreaterThan(
      2 * (window.latestMs - window.earliestMs),
    );
  });

  it("narrows to where coarse samples agree when they fit one duration", () => {
    // Every span holds 2_000–2_200: the kind may well take one fixed time in there.
    const samples = [1_750, 2_000, 1_800, 2_300, 1_900];
    const spreads = [700, 500, 600, 300, 300];
    expect(durationWindow(samples, undefined, spreads)).toEqual({
      earliestMs: 2_000 * 0.95,
      latestMs: 2_200 * 1.05,
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
