import { describe, expect, it } from "vitest";
import { isoTime } from "../src/jobs/iso-time.js";

describe("isoTime", () => {
  it("matches Date#toISOString across minutes, seconds and milliseconds", () => {
    const start = Date.UTC(2026, 11, 31, 23, 58, 0, 0);
    // Steps of 7 ms cross every millisecond width, second and minute boundary, and a year end.
    for (let ms = start; ms < start + 180_000; ms += 7) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it("matches it at the edges of the fast path and beyond", () => {
    const edges = [
      0, 1, 999, 1_000, 59_999, 60_000, -1, -60_001, 0.5, 1_700_000_000_000.25, 253_402_300_799_999,
      253_402_300_800_000, -62_198_755_200_000,
    ];
    for (const ms of edges) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it("gives a later minute its own prefix after an earlier one was cached", () => {
    expect(isoTime(Date.UTC(2030, 0, 1, 10, 0, 5, 42))).toBe("2030-01-01T10:00:05.042Z");
    expect(isoTime(Date.UTC(2024, 1, 29, 23, 59, 59, 999))).toBe("2024-02-29T23:59:59.999Z");
    expect(isoTime(Date.UTC(2030, 0, 1, 10, 0, 5, 42))).toBe("2030-01-01T10:00:05.042Z");
  });

  it("throws Date's RangeError for moments that have no ISO form", () => {
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(Infinity)).toThrow(RangeError);
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
  });
});
