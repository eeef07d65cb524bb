import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { pino } from "pino";
import { describe, expect, it, onTestFinished } from "vitest";
import {
  LineBatch,
  withBatchedStdout,
  type LineBatchOptions,
} from "../src/logging/batched-stdout.js";
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

describe("withBatchedStdout", () => {
  it("gives options without a destination a batched stdout, keeping the rest", () => {
    const { logger, destination, close } = withBatchedStdout({ level: "debug" });
    onTestFinished(close);
    expect(destination).toBeInstanceOf(LineBatch);
    expect(logger).toEqual({ level: "debug", stream: destination });
    const fromTrue = withBatchedStdout(true);
    onTestFinished(fromTrue.close);
    expect(fromTrue.destination).toBeInstanceOf(LineBatch);
  });

  it("leaves logging off, and destinations named by the caller, alone", () => {
    expect(withBatchedStdout(false)).toEqual({ logger: false, close: expect.any(Function) });
    const stream = { write: () => {} };
    const own = withBatchedStdout({ level: "info", stream });
    expect(own.logger).toEqual({ level: "info", stream });
    expect(own.destination).toBeUndefined();
    expect(withBatchedStdout({ file: "/tmp/x.log" }).destination).toBeUndefined();
  });
});

describe("LineBatch", () => {
  async function batchOf(options: LineBatchOptions = {}) {
    const file = join(mkdtempSync(join(tmpdir(), "request-log-")), "out.log");
    const batch = new LineBatch(file, { flushEveryMs: 60_000, ...options });
    onTestFinished(() => {
      batch.close();
      batch.stream.destroy();
    });
    await once(batch.stream, "ready");
    const written = () => readFileSync(file, "utf8");
    return { batch, written };
  }

  it("writes lines together once a batch's worth waits, not one by one", async () => {
    const { batch, written } = await batchOf({ batchSize: 12 });
    batch.write("12345\n");
    expect(written()).toBe("");
    batch.write("67890\n");
    expect(written()).toBe("12345\n67890\n");
    batch.write("x\n");
    expect(written()).toBe("12345\n67890\n");
  });

  it("keeps every line, in order, across many batches", async () => {
    const { batch, written } = await batchOf({ batchSize: 100 });
    for (let i = 0; i < 1_000; i++) batch.write(`line ${i}\n`);
    batch.flush();
    const lines = written().split("\n");
    expect(lines).toHaveLength(1_001);
    expect(lines.slice(0, 2)).toEqual(["line 0", "line 1"]);
    expect(lines.at(-2)).toBe("line 999");
  });

  it("writes a queue short of a batch every flushEveryMs", async () => {
    const { batch, written } = await batchOf({ flushEveryMs: 5 });
    batch.write("quiet\n");
    await eventually(() => written() === "quiet\n", "the periodic flush");
  });

  it("answers pino's logger.flush(done) once the queue is written", async () => {
    const { batch, written } = await batchOf();
    const logger = pino({ base: null, timestamp: false }, batch);
    logger.info("queued");
    expect(written()).toBe("");
    await new Promise<void>((resolve, reject) =>
      logger.flush((error) => (error ? reject(error) : resolve())),
    );
    expect(written()).toBe('{"level":30,"msg":"queued"}\n');
  });

  it("close writes what is queued, then each later line at once", async () => {
    const { batch, written } = await batchOf();
    batch.write("queued\n");
    batch.close();
    expect(written()).toBe("queued\n");
    batch.write("late\n");
    expect(written()).toBe("queued\nlate\n");
  });

  it("writes the lines still queued when the process exits", async () => {
    const source = new URL("../src/logging/batched-stdout.ts", import.meta.url).href;
    const script = `
      import { LineBatch } from ${JSON.stringify(source)};
      const batch = new LineBatch(1, { flushEveryMs: 60_000 });
      batch.write("first\\n");
      batch.write("last\\n");
      process.exit(0);
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]);
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    expect(stdout).toBe("first\nlast\n");
  });
});
