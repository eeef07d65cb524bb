import { describe, expect, it } from "vitest";
import { ShapeError, parseSnapshot } from "../src/parse.js";

describe("parseSnapshot", () => {
  it.each(["pending", "completed", "error"])("reads the original { result: %j }", (result) => {
    expect(parseSnapshot({ result }).status).toBe(result);
  });

  it("prefers status over result and keeps the raw body", () => {
    const body = {
      id: "job_1",
      status: "error",
      result: "error",
      progress: 1,
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:10.000Z",
      error: { code: "unsupported_language", message: "nope" },
      extra: 1,
    };
    expect(parseSnapshot(body)).toEqual({
      status: "error",
      jobId: "job_1",
      progress: 1,
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:10.000Z",
      error: { code: "unsupported_language", message: "nope" },
      raw: body,
    });
  });

  it("drops a progress outside 0..1 rather than trusting it", () => {
    expect(parseSnapshot({ status: "pending", progress: 7 }).progress).toBeUndefined();
  });

  it.each([
    [null, /JSON object/],
    [[], /JSON object/],
    ["pending", /JSON object/],
    [{}, /no "status" or "result"/],
    [{ result: "processing" }, /unknown status "processing"/],
    [{ status: 3 }, /unknown status 3/],
  ])("rejects %j with a ShapeError", (body, message) => {
    expect(() => parseSnapshot(body)).toThrow(ShapeError);
    expect(() => parseSnapshot(body)).toThrow(message);
  });
});
