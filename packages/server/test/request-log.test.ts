import { spawn } from "node:child_process";
import { once } from "node:events";
import type { pino } from "pino";
import { describe, expect, it, onTestFinished } from "vitest";
import { withStdoutDestination } from "../src/logging/stdout.js";
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

describe("withStdoutDestination", () => {
  it("gives options without a destination pino's asynchronous stdout, keeping the rest", () => {
    const options = withStdoutDestination({ level: "debug" });
    const { stream, ...rest } = options as {
      stream: ReturnType<typeof pino.destination>;
      level: string;
    };
    onTestFinished(() => stream.flushSync());
    expect(rest).toEqual({ level: "debug" });
    expect(stream).toMatchObject({ fd: 1, sync: false });
    expect(withStdoutDestination(true)).toMatchObject({ stream: { fd: 1, sync: false } });
  });

  it("leaves logging off, and destinations named by the caller, alone", () => {
    expect(withStdoutDestination(false)).toBe(false);
    const own = { level: "info", stream: { write: () => {} } };
    expect(withStdoutDestination(own)).toBe(own);
    const file = { file: "/tmp/x.log" };
    expect(withStdoutDestination(file)).toBe(file);
  });

  it("writes the lines still pending when the process exits", async () => {
    const source = new URL("../src/logging/stdout.ts", import.meta.url).href;
    const script = `
      import { pino } from "pino";
      import { withStdoutDestination } from ${JSON.stringify(source)};
      const logger = pino({ base: null, timestamp: false, ...withStdoutDestination(true) });
      for (let i = 0; i < 1000; i++) logger.info("line " + i);
      process.exit(0);
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]);
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(1_000);
    expect(lines[0]).toBe('{"level":30,"msg":"line 0"}');
    expect(lines.at(-1)).toBe('{"level":30,"msg":"line 999"}');
  });
});
