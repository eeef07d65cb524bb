import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { drained, withAsyncStdout } from "../src/logging/async-stdout.js";
import { setup } from "./helpers.js";

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
    const { logger, destination } = withAsyncStdout({ level: "debug" });
    expect(destination).toBeDefined();
    expect(logger).toEqual({ level: "debug", stream: destination });
    expect(withAsyncStdout(true).destination).toBeDefined();
  });

  it("leaves logging off, and destinations named by the caller, alone", () => {
    expect(withAsyncStdout(false)).toEqual({ logger: false });
    const stream = { write: () => {} };
    expect(withAsyncStdout({ level: "info", stream })).toEqual({
      logger: { level: "info", stream },
    });
    expect(withAsyncStdout({ file: "/tmp/x.log" }).destination).toBeUndefined();
  });

  it("drained resolves once every line written so far is in the file", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "request-log-")), "out.log");
    const destination = pino.destination({ dest: file, sync: false });
    await new Promise((resolve) => destination.once("ready", resolve));
    // The first write goes out at once and the rest queue behind it: one write is in flight.
    for (let i = 0; i < 1_000; i++) destination.write(`line ${i}\n`);
    await drained(destination);
    expect(readFileSync(file, "utf8").split("\n")).toHaveLength(1_001);
    // Nothing in flight: queued lines are written at once.
    await drained(destination);
    destination.write("last\n");
    await drained(destination);
    expect(readFileSync(file, "utf8").endsWith("line 999\nlast\n")).toBe(true);
    destination.end();
  });
});
