import { describe, expect, it } from "vitest";
import { parsePrefer, preferredWait } from "../src/index.js";
import { createJob, setup } from "./helpers.js";

describe("preferredWait (RFC 7240)", () => {
  it.each<[string | string[], number]>([
    ["wait=10", 10],
    ["WAIT=10", 10],
    ["Wait=0", 0],
    ["wait = 7", 7],
    ["  wait=7  ", 7],
    ['wait="12"', 12],
    ["respond-async, wait=5", 5],
    ["respond-async,wait=5,handling=lenient", 5],
    ["wait=5; foo=bar", 5],
    ['handling=strict; note="a, b", wait=4', 4],
    [["respond-async", "wait=3"], 3],
    ["wait=3, wait=9", 3],
    ["wait=99999", 99_999],
  ])("reads %j as %d", (header, expected) => {
    expect(preferredWait(header)).toBe(expected);
  });

  it.each<[string | undefined]>([
    [undefined],
    [""],
    ["respond-async"],
    ["wait"],
    ["wait="],
    ["wait=-1"],
    ["wait=1.5"],
    ["wait=ten"],
    ["wait=5s"],
    ['wait="5'],
    ['foo="x, wait=3"'],
    ["waiting=3"],
    // Only the first instance of a preference counts, even when it is invalid.
    ["wait=soon, wait=5"],
  ])("ignores %j", (header) => {
    expect(preferredWait(header)).toBeUndefined();
  });

  it("parses names case-insensitively and values unquoted", () => {
    expect(parsePrefer('Respond-Async, Return=minimal, x="a\\"b"')).toEqual(
      new Map([
        ["respond-async", ""],
        ["return", "minimal"],
        ["x", 'a"b'],
      ]),
    );
  });
});

describe("Prefer on the wire", () => {
  it("never answers 400 for an invalid wait: it is ignored", async () => {
    const { app } = setup({ pendingDurationMs: 10_000 });
    const job = await createJob(app);
    for (const prefer of ["wait=-1", "wait=abc", "wait", "wait=1.5"]) {
      const response = await app.inject({ url: `/jobs/${job.id}`, headers: { prefer } });
      expect(response.statusCode).toBe(200);
      expect(response.headers["preference-applied"]).toBeUndefined();
      expect(response.headers.vary).toBe("Prefer");
    }
  });

  it("always says Vary: Prefer on the routes that honour it, 404s included", async () => {
    const { app } = setup();
    const job = await createJob(app);
    for (const url of [`/jobs/${job.id}`, "/status", "/jobs/job_missing"]) {
      expect((await app.inject({ url })).headers.vary).toBe("Prefer");
    }
    expect((await app.inject({ url: "/jobs" })).headers.vary).toBeUndefined();
  });
});
