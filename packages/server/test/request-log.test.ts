import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { describe, expect, it, onTestFinished } from "vitest";
import {
  asyncDestination,
  drained,
  flushEvery,
  withAsyncStdout,
} from "../src/logging/async-stdout.js";
import { eventually, setup } from "./helpers.js";

function logged(level = "info") {
  const lines: Array<Record<string, unknown>> = [];
  const logger = { level, stream: { write: (line: string) => lines.push(JSON.parse(line)) } };
  return { lines, logger };
}

describe("request logging", () => {
  it("writes one line per request once it ends: method, URL, status, time, request id", async () => {
    const { lines, logger } = logged();
    const { app } = setup({ logger });
    const ok = await app.inject({ url: "/status", headers: { "x-request-id": "req-1" } });
    const missing = await app.inject({ url: "/jobs/job_nope" });
    expect(lines.map((line) => line.msg)).toEqual(["request completed", "request completed"]);
    expect(lines[0]).toMatchObject({
      level: 30,
      reqId: "req-1",
      method: "GET",
      url: "/status",
      statusCode: ok.statusCode,
      responseTime: expect.any(Number),
    });
    expect(lines[1]).toMatchObject({
      reqId: missing.headers["x-request-id"],
      url: "/jobs/job_nope",
      statusCode: 404,
    });
    // One line a request: no `incoming request` line, no serialized req/res objects.
    expect(lines.some((line) => "req" in line || "res" in line)).toBe(false);
  });

  it("follows the level: nothing per request above info", async () => {
    const { lines, logger } = logged("warn");
    const { app } = setup({ logger });
    await app.inject({ url: "/status" });
    expect(lines).toEqual([]);
  });
});

describe("withAsyncStdout", () => {
  it("gives options without a destination an asynchronous stdout, keeping the rest", () => {
    const { logger, destination, close } = withAsyncStdout({ level: "debug" });
    onTestFinished(close);
    expect(destination).toBeDefined();
    expect(logger).toEqual({ level: "debug", stream: destination });
    const fromTrue = withAsyncStdout(true);
    onTestFinished(fromTrue.close);
    expect(fromTrue.destination).toBeDefined();
  });

  it("leaves logging off, and destinations named by the caller, alone", () => {
    expect(withAsyncStdout(false)).toEqual({ logger: false, close: expect.any(Function) });
    const stream = { write: () => {} };
    const own = withAsyncStdout({ level: "info", stream });
    expect(own.logger).toEqual({ level: "info", stream });
    expect(own.destination).toBeUndefined();
    expect(withAsyncStdout({ file: "/tmp/x.log" }).destination).toBeUndefined();
  });

  it("drained resolves once every line logged so far is written", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "request-log-")), "out.log");
    const destination = asyncDestination(file);
    onTestFinished(() => destination.destroy());
    await once(destination, "ready");
    const written = () => readFileSync(file, "utf8");
    // Short of a batch, nothing in flight.
    destination.write("first\n");
    await drained(destination);
    expect(written()).toBe("first\n");
    // Past a batch a write starts; the rest queue behind it.
    for (let i = 0; i < 1_000; i++) destination.write(`line ${i}\n`);
    await drained(destination);
    const lines = written().split("\n");
    expect(lines).toHaveLength(1_002);
    expect(lines.at(-2)).toBe("line 999");
  });

  it("flushEvery writes a queue short of a batch, until stopped", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "request-log-")), "out.log");
    const destination = asyncDestination(file);
    onTestFinished(() => destination.destroy());
    await once(destination, "ready");
    const stop = flushEvery(destination, 5);
    onTestFinished(stop);
    destination.write("quiet\n");
    await eventually(() => readFileSync(file, "utf8") === "quiet\n", "the periodic flush");
  });
});
