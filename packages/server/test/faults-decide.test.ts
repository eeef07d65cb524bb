import { describe, expect, it } from "vitest";
import { decideFault, withOverrides, type FaultSettings } from "../src/faults/decide.js";
import { FAULT_KINDS, REPLACING_KINDS, isFaultKind } from "../src/faults/kinds.js";
import { parseLatency, pickLatencyMs, toLatencyRange } from "../src/faults/latency.js";
import { faultResponse } from "../src/faults/responses.js";

const server: FaultSettings = { rate: 0.5, kinds: FAULT_KINDS, latency: { min: 0, max: 0 } };

describe("decideFault", () => {
  it("fires when the first draw is below the rate, and picks the kind with the second", () => {
    expect(decideFault(server, [0.49, 0])).toBe("500");
    expect(decideFault(server, [0.49, 0.999])).toBe("slow");
    expect(decideFault(server, [0.5, 0])).toBeUndefined();
    expect(decideFault(server, [0.99, 0.5])).toBeUndefined();
    const kinds = FAULT_KINDS.map((_, i) => decideFault(server, [0, (i + 0.5) / 8]));
    expect(kinds).toEqual(FAULT_KINDS);
  });

  it("never fires at rate 0, always at rate 1, and clamps a draw of 1", () => {
    for (const draw of [0, 0.3, 0.999_999]) {
      expect(decideFault({ ...server, rate: 0 }, [draw, draw])).toBeUndefined();
      expect(decideFault({ ...server, rate: 1 }, [draw, draw])).toBeDefined();
    }
    expect(decideFault({ ...server, rate: 1, kinds: ["hang", "reset"] }, [0, 1])).toBe("reset");
    expect(decideFault({ ...server, rate: 1, kinds: [] }, [0, 0])).toBeUndefined();
  });

  it("picks kinds uniformly", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 8_000; i++) {
      const kind = decideFault({ ...server, rate: 1 }, [0, i / 8_000])!;
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual(Array(8).fill(1_000));
  });
});

describe("withOverrides", () => {
  it("lets each field a job sets win, and keeps the server's for the rest", () => {
    expect(withOverrides(server, undefined)).toBe(server);
    expect(withOverrides(server, { rate: 0 })).toEqual({ ...server, rate: 0 });
    const latency = { min: 5, max: 10 };
    expect(withOverrides(server, { kinds: ["hang"], latency })).toEqual({
      rate: 0.5,
      kinds: ["hang"],
      latency,
    });
  });
});

describe("latency", () => {
  it.each([
    ["0", { min: 0, max: 0 }],
    ["150", { min: 150, max: 150 }],
    ["20-200", { min: 20, max: 200 }],
    [" 20 - 200 ", { min: 20, max: 200 }],
    ["60000", { min: 60_000, max: 60_000 }],
  ])("parses %j", (raw, expected) => {
    expect(parseLatency(raw)).toEqual(expected);
  });

  it.each(["", "-5", "200-20", "1.5", "5ms", "1-2-3", "60001", "0-60001", "1e3", "abc"])(
    "rejects %j",
    (raw) => {
      expect(parseLatency(raw)).toBeUndefined();
    },
  );

  it("takes numbers and pairs, and nothing else", () => {
    expect(toLatencyRange(40)).toEqual({ min: 40, max: 40 });
    expect(toLatencyRange([1, 2])).toEqual({ min: 1, max: 2 });
    for (const bad of [-1, 1.5, [2, 1], [1], [1, 2, 3], "5", null, undefined, Number.NaN]) {
      expect(toLatencyRange(bad)).toBeUndefined();
    }
  });

  it("draws whole ms uniformly over the range, both ends included", () => {
    const range = { min: 20, max: 200 };
    expect(pickLatencyMs(range, 0)).toBe(20);
    expect(pickLatencyMs(range, 0.999_999)).toBe(200);
    expect(pickLatencyMs(range, 0.5)).toBe(110);
    expect(pickLatencyMs({ min: 7, max: 7 }, 0.9)).toBe(7);
    const seen = new Set<number>();
    for (let i = 0; i < 181; i++) seen.add(pickLatencyMs(range, (i + 0.5) / 181));
    expect(seen.size).toBe(181);
  });
});

describe("fault answers", () => {
  it("are JSON errors for 500 and 429, HTML pages for 502 and 503", () => {
    expect(JSON.parse(faultResponse("500")!.body)).toEqual({
      error: { code: "injected_fault", message: expect.any(String) },
    });
    const tooMany = faultResponse("429")!;
    expect(tooMany.statusCode).toBe(429);
    expect(tooMany.headers["retry-after"]).toBe("1");
    expect(JSON.parse(tooMany.body).error.code).toBe("rate_limited");
    for (const kind of ["502", "503"] as const) {
      const page = faultResponse(kind)!;
      expect(page.statusCode).toBe(Number(kind));
      expect(page.headers["content-type"]).toBe("text/html");
      expect(page.body).toMatch(new RegExp(`^<html>[\\s\\S]*<h1>${kind} `));
    }
    expect(faultResponse("503")!.headers["retry-after"]).toBe("1");
    expect(faultResponse("502")!.headers["retry-after"]).toBeUndefined();
  });

  it("exist exactly for the kinds that replace the server's answer", () => {
    for (const kind of FAULT_KINDS) {
      expect(faultResponse(kind) !== undefined).toBe(REPLACING_KINDS.has(kind));
      expect(isFaultKind(kind)).toBe(true);
    }
    expect(isFaultKind("504")).toBe(false);
  });
});
