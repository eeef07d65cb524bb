import { describe, expect, it } from "vitest";
import { ExitCode, run, type Io } from "@translation-status/cli";
import { closedPortUrl, simulator } from "../../../test/support/servers.js";

/** Runs the CLI in-process with captured output. */
async function cli(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
  };
  const code = await run(argv, io);
  return { code, stdout, stderr, json: () => JSON.parse(stdout.trim()) };
}

const fast = ["--initial-interval", "50ms", "--max-interval", "200ms"];

describe("translation-status wait", () => {
  it("exits 0 with one JSON object when the job completes", async () => {
    const server = await simulator({ pendingDurationMs: 300, errorProbability: 0 });
    const created = await cli("create", "--base-url", server.url, "--json");
    expect(created.code).toBe(ExitCode.Completed);
    const id = created.json().id as string;

    const waited = await cli("wait", id, "--base-url", server.url, "--json", ...fast);
    expect(waited.code).toBe(ExitCode.Completed);
    const report = waited.json();
    expect(report).toMatchObject({ jobId: id, status: "completed", error: null });
    expect(report.requests).toBeGreaterThanOrEqual(2);
    expect(report.detectionDelayMs).toBeGreaterThanOrEqual(0);
    expect(report.detectionDelayMs).toBeLessThan(1_000);
  });

  it("exits 1 when the job fails, and says why", async () => {
    const server = await simulator({ pendingDurationMs: 100, errorProbability: 1 });
    const id = (await cli("create", "--base-url", server.url)).stdout.trim();
    expect(id).toMatch(/^job_/);
    const waited = await cli("wait", id, "--base-url", server.url, ...fast);
    expect(waited.code).toBe(ExitCode.JobFailed);
    expect(waited.stdout).toMatch(/failed: [a-z_]+: /);
    expect(waited.stderr).toMatch(/request 1 \(poll\) at .*: pending/);
  });

  it("exits 2 on timeout, naming the last status", async () => {
    const server = await simulator({ pendingDurationMs: 60_000 });
    const id = (await cli("create", "--base-url", server.url)).stdout.trim();
    const waited = await cli(
      "wait",
      id,
      "--base-url",
      server.url,
      "--max-wait",
      "200ms",
      "--json",
      ...fast,
    );
    expect(waited.code).toBe(ExitCode.Timeout);
    expect(waited.json()).toMatchObject({ jobId: id, status: "timeout", lastStatus: "pending" });
  });

  it("waits on the original /status resource with --url", async () => {
    const server = await simulator({ pendingDurationMs: 100, errorProbability: 0 });
    const waited = await cli("wait", "--url", `${server.url}/status`, "--json", ...fast);
    expect(waited.code).toBe(ExitCode.Completed);
    expect(waited.json().job).toMatchObject({ result: "completed" });
  });

  it("exits 3 when the server cannot be reached", async () => {
    const url = await closedPortUrl();
    const waited = await cli("wait", "job_x", "--base-url", url, "--json", ...fast);
    expect(waited.code).toBe(ExitCode.Failure);
    expect(waited.json()).toMatchObject({ status: "failed", error: { name: "NetworkError" } });
  });

  it("exits 3 on bad usage", async () => {
    const bad = await cli("wait", "job_x", "--max-wait", "soon");
    expect(bad.code).toBe(ExitCode.Failure);
    expect(bad.stderr).toContain('"soon" is not a duration');
    expect((await cli("frobnicate")).code).toBe(ExitCode.Failure);
    expect((await cli("create", "--error-probability", "2")).code).toBe(ExitCode.Failure);
  });

  it("exits 0 for --help and --version", async () => {
    const help = await cli("--help");
    expect(help.code).toBe(ExitCode.Completed);
    expect(help.stdout).toContain("wait");
    expect((await cli("--version")).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe("translation-status status", () => {
  it("prints a job's status and its error", async () => {
    const server = await simulator({ pendingDurationMs: 0, errorProbability: 1 });
    const id = (await cli("create", "--base-url", server.url)).stdout.trim();
    const shown = await cli("status", id, "--base-url", server.url);
    expect(shown.code).toBe(ExitCode.JobFailed);
    expect(shown.stdout).toMatch(new RegExp(`^${id}: error \\(100%\\): [a-z_]+: `));
  });

  it("reports an unknown job as a failure", async () => {
    const server = await simulator();
    const shown = await cli("status", "job_nope", "--base-url", server.url);
    expect(shown.code).toBe(ExitCode.Failure);
    expect(shown.stderr).toContain("NotFoundError");
  });
});

describe("translation-status demo", () => {
  it("runs the simulator in-process and waits a job to the end", async () => {
    const demo = await cli("demo", "--duration", "300ms", "--error-probability", "0", "--json");
    expect(demo.code).toBe(ExitCode.Completed);
    expect(demo.json()).toMatchObject({ status: "completed" });
  });

  it("shows the live wait and a summary without --json", async () => {
    const demo = await cli("demo", "--duration", "200ms", "--error-probability", "0");
    expect(demo.code).toBe(ExitCode.Completed);
    expect(demo.stderr).toMatch(/Simulator on http:\/\/127\.0\.0\.1:\d+; created job_\w+/);
    expect(demo.stdout).toMatch(
      /✔ job_\w+ completed\n\d+ requests? \((poll|long-poll|stream)\) in .+, detected .+ after it finished/,
    );
  });
});
