import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ExitCode } from "@translation-status/cli";
import { cli } from "./run-cli.js";
import { closedPortUrl, simulator } from "../../../test/support/servers.js";

/** Runs the CLI in-process with captured output. */

const fast = ["--initial-interval", "50ms", "--max-interval", "200ms"];

// `wait` keeps its learned model under $XDG_CACHE_HOME: a scratch one per test, never the user's.
let cacheHome: string;
beforeEach(async () => {
  cacheHome = await mkdtemp(join(tmpdir(), "translation-status-cache-"));
  vi.stubEnv("XDG_CACHE_HOME", cacheHome);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(cacheHome, { recursive: true, force: true });
});

describe("the learned model across runs", () => {
  const modelFile = () => join(cacheHome, "translation-status", "model.json");

  it("is saved after a wait and read back by the next one", async () => {
    const server = await simulator({ pendingDurationMs: 200, errorProbability: 0 });
    for (const run of [1, 2]) {
      const id = (await cli("create", "--base-url", server.url)).stdout.trim();
      const waited = await cli(
        "wait",
        id,
        "--base-url",
        server.url,
        "--kind",
        "dub",
        "--size",
        "30",
        ...fast,
      );
      expect(waited.code).toBe(ExitCode.Completed);
      const saved = JSON.parse(await readFile(modelFile(), "utf8"));
      // The second run's file holds the first run's sample too: it was read, then added to.
      expect(saved.kinds.dub).toHaveLength(run);
      expect(saved.sizes.dub).toEqual(Array(run).fill(30));
    }
    // Written through a temporary file renamed over it: nothing else is left beside it.
    expect(await readdir(join(cacheHome, "translation-status"))).toEqual(["model.json"]);
  });

  it("is neither read nor written with --no-learn", async () => {
    const server = await simulator({ pendingDurationMs: 100, errorProbability: 0 });
    const id = (await cli("create", "--base-url", server.url)).stdout.trim();
    const waited = await cli("wait", id, "--base-url", server.url, "--no-learn", ...fast);
    expect(waited.code).toBe(ExitCode.Completed);
    expect(await readdir(cacheHome)).toEqual([]);
  });

  it("is replaced, with a warning, when the file is not a model", async () => {
    await mkdir(join(cacheHome, "translation-status"));
    await writeFile(modelFile(), "{ not json");
    const server = await simulator({ pendingDurationMs: 100, errorProbability: 0 });
    const id = (await cli("create", "--base-url", server.url)).stdout.trim();
    const waited = await cli("wait", id, "--base-url", server.url, "--kind", "dub", ...fast);
    expect(waited.code).toBe(ExitCode.Completed);
    expect(waited.stderr).toContain("ignoring the learned model");
    expect(JSON.parse(await readFile(modelFile(), "utf8")).kinds.dub).toHaveLength(1);
  });

  it("refuses a size that is not a positive number", async () => {
    const bad = await cli("wait", "job_x", "--size", "-3");
    expect(bad.code).toBe(ExitCode.Usage);
    expect(bad.stderr).toContain('"-3" must be a positive number');
  });
});

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

  it("exits 6 when the job is cancelled, and says so", async () => {
    const server = await simulator({ pendingDurationMs: 60_000 });
    const id = (await cli("create", "--base-url", server.url)).stdout.trim();
    const waiting = cli("wait", id, "--base-url", server.url, ...fast);
    await fetch(`${server.url}/jobs/${id}`, { method: "DELETE" });
    const waited = await waiting;
    expect(waited.code).toBe(ExitCode.Cancelled);
    expect(waited.stdout).toContain(`✖ ${id} was cancelled`);
    expect((await cli("status", id, "--base-url", server.url)).code).toBe(ExitCode.Cancelled);
  });

  it("exits 5 when the server cannot be reached, as a CLI error under --json", async () => {
    const url = await closedPortUrl();
    const waited = await cli("wait", "job_x", "--base-url", url, "--json", ...fast);
    expect(waited.code).toBe(ExitCode.Unreachable);
    const report = waited.json();
    expect(report).toMatchObject({ error: { code: "unreachable", name: "NetworkError" } });
    // A CLI failure carries no job status, so it cannot be read as a failed job.
    expect(report).not.toHaveProperty("status");
  });

  it("exits 3 on bad usage", async () => {
    const bad = await cli("wait", "job_x", "--max-wait", "soon");
    expect(bad.code).toBe(ExitCode.Usage);
    expect(bad.stderr).toContain('"soon" is not a duration');
    expect((await cli("frobnicate")).code).toBe(ExitCode.Usage);
    expect((await cli("create", "--error-probability", "2")).code).toBe(ExitCode.Usage);
    expect((await cli("status", "--api", "heygen-v9")).code).toBe(ExitCode.Usage);
  });

  it("refuses a base URL without a scheme in one line", async () => {
    const bad = await cli("status", "job_x", "--base-url", "localhost:8000");
    expect(bad.code).toBe(ExitCode.Usage);
    expect(bad.stderr).toBe(
      'UsageError: "localhost:8000" is not an http(s) URL; write it with its scheme, e.g. http://localhost:8000\n',
    );
    const json = await cli("wait", "job_x", "--base-url", "localhost:8000", "--json");
    expect(json.code).toBe(ExitCode.Usage);
    expect(json.json()).toMatchObject({ error: { code: "usage" } });
  });

  it("shows the --max-wait default as a duration", async () => {
    const help = await cli("wait", "--help");
    expect(help.stdout).toContain("give up after this long (default: 1h)");
    expect(help.stdout).not.toContain("3600000");
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

  it("reports an unknown job with its own exit code", async () => {
    const server = await simulator();
    const shown = await cli("status", "job_nope", "--base-url", server.url);
    expect(shown.code).toBe(ExitCode.NotFound);
    expect(shown.stderr).toContain("NotFoundError");
    const json = await cli("status", "job_nope", "--base-url", server.url, "--json");
    expect(json.json()).toMatchObject({ error: { code: "not_found" } });
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
