import { describe, expect, it } from "vitest";
import { isoTime } from "../src/jobs/iso-time.js";

describe("isoTime", () => {
  it("matches Date#toISOString across hours, minutes, seconds and milliseconds", () => {
    const start = Date.UTC(2026, 11, 31, 23, 58, 0, 0);
    // Steps of 7 ms cross every millisecond width, second and minute boundary, and a year end.
    for (let ms = start; ms < start + 180_000; ms += 7) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
    // Steps of a little over a minute cross every hour of a day, and leap days.
    for (let ms = Date.UTC(2028, 1, 28); ms < Date.UTC(2028, 2, 2); ms += 61_001) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it("stays right when times of different days alternate", () => {
    const a = Date.UTC(2026, 5, 1, 9, 5, 3, 7);
    const b = Date.UTC(2031, 0, 15, 22, 45, 59, 120);
    for (let i = 0; i < 3; i++) {
      expect(isoTime(a)).toBe("2026-06-01T09:05:03.007Z");
      expect(isoTime(b)).toBe("2031-01-15T22:45:59.120Z");
    }
  });

  it("matches it at the edges of the fast path and beyond", () => {
    const edges = [
      0, 1, 999, 1_000, 59_999, 60_000, -1, -60_001, 0.5, 1_700_000_000_000.25, 253_402_300_799_999,
      253_402_300_800_000, -62_198_755_200_000,
    ];
    for (const ms of edges) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it("throws Date's RangeError for moments that have no ISO form", () => {
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(Infinity)).toThrow(RangeError);
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
  });
});
