// The load generators of the throughput bench. wrk (C, epoll, one thread) in a process of its
// own, so that the generator is not the bottleneck and its CPU is measured apart; when wrk
// cannot be had, autocannon inside the bench's own Node process, and the table says so.
import autocannon from "autocannon";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What one run of a generator measured. */
export interface GeneratorResult {
  requests: number;
  /** Response bytes (status line, headers, body), all responses together. */
  bytes: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** CPU the generator itself used over the run, in ms. */
  cpuMs: number;
}

export interface LoadGenerator {
  /** What ran, for the report: "wrk 4.1.0 (1 thread, its own process)". */
  name: string;
  /** Why the preferred generator did not run, when it did not. */
  fallback?: string;
  /** Whether its CPU is the bench process's own (autocannon), not a process of its own. */
  inBenchProcess: boolean;
  run(url: string, durationS: number, connections: number): Promise<GeneratorResult>;
}

const INSTALL_TIMEOUT_MS = 300_000;

// wrk calls `done` once, after the run; no per-request Lua, which would slow it down.
const REPORT_SCRIPT = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT {\\"requests\\":%d,\\"bytes\\":%d,\\"durationUs\\":%d,\\"errors\\":%d,\\"non2xx\\":%d,\\"p50Us\\":%d,\\"p99Us\\":%d}\\n",
    summary.requests, summary.bytes, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
`;

/**
 * wrk, installed with `apt-get` on first use where the bench runs as root (as CI and the
 * project's machines do); autocannon in this process otherwise, with the reason.
 */
export function pickGenerator(onStep: (line: string) => void = () => {}): LoadGenerator {
  let version = wrkVersion();
  if (version === undefined) {
    onStep("    installing wrk (apt-get install -y wrk)…");
    const problem = installWrk();
    version = wrkVersion();
    if (version === undefined) {
      return { ...autocannonGenerator(), fallback: `wrk could not be had: ${problem ?? "?"}` };
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "bench-wrk-"));
  const script = join(dir, "report.lua");
  writeFileSync(script, REPORT_SCRIPT);
  return {
    name: `wrk ${version} (1 thread, a process of its own)`,
    inBenchProcess: false,
    run: (url, durationS, connections) => runWrk(script, url, durationS, connections),
  };
}

export function autocannonGenerator(): LoadGenerator {
  return {
    name: "autocannon (in the bench process)",
    inBenchProcess: true,
    async run(url, durationS, connections) {
      const before = process.cpuUsage();
      const result = await autocannon({ url, connections, duration: durationS });
      const { user, system } = process.cpuUsage(before);
      return {
        requests: result.requests.total,
        bytes: result.throughput.total,
        requestsPerSecond: result.requests.average,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
        cpuMs: (user + system) / 1_000,
      };
    },
  };
}

/** wrk's version, or undefined when there is no wrk. */
function wrkVersion(): string | undefined {
  // `wrk -v` prints "wrk debian/4.1.0-3+b2 [epoll] ..." and exits 1.
  const run = spawnSync("wrk", ["-v"], { encoding: "utf8", timeout: 10_000 });
  if (run.error) return undefined;
  const match = /^wrk\s+(\S+)/m.exec(run.stdout + run.stderr);
  return match ? match[1]!.replace(/^debian\//, "") : undefined;
}

/** Installs Debian's wrk; why not, or undefined when apt-get succeeded. */
function installWrk(): string | undefined {
  if (process.platform !== "linux" || process.getuid?.() !== 0) {
    return "not installed, and the bench is not root to `apt-get install -y wrk`";
  }
  const apt = (args: string[]) =>
    spawnSync("apt-get", args, {
      encoding: "utf8",
      timeout: INSTALL_TIMEOUT_MS,
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  let run = apt(["install", "-y", "-qq", "wrk"]);
  if (run.status !== 0 && !run.error) {
    // A fresh machine may have no package lists yet.
    apt(["update", "-qq"]);
    run = apt(["install", "-y", "-qq", "wrk"]);
  }
  if (run.error) return `apt-get: ${run.error.message}`;
  return run.status === 0
    ? undefined
    : `apt-get install wrk failed: ${run.stderr.trim().slice(-300)}`;
}

/**
 * One wrk run. wrk goes through `sh`, which waits for it and then prints its own
 * /proc/PID/stat: a child's CPU, once waited for, is in its parent's cutime and cstime.
 */
async function runWrk(
  script: string,
  url: string,
  durationS: number,
  connections: number,
): Promise<GeneratorResult> {
  const args = [
    "-t1",
    `-c${connections}`,
    `-d${durationS}s`,
    "--timeout",
    "10s",
    "-s",
    script,
    url,
  ];
  const child = spawn(
    "sh",
    ["-c", 'wrk "$@"; code=$?; cat /proc/$$/stat; exit $code', "sh", ...args],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk.slice(-2_048)));
  const [code] = (await once(child, "exit")) as [number | null];
  const line = /^WRK_RESULT (.*)$/m.exec(out)?.[1];
  if (code !== 0 || line === undefined) {
    throw new Error(
      `wrk ${args.join(" ")} exited with ${code}: ${(err || out).trim().slice(-500)}`,
    );
  }
  const result = JSON.parse(line) as {
    requests: number;
    bytes: number;
    durationUs: number;
    errors: number;
    non2xx: number;
    p50Us: number;
    p99Us: number;
  };
  return {
    requests: result.requests,
    bytes: result.bytes,
    requestsPerSecond: result.requests / (result.durationUs / 1e6),
    p50Ms: result.p50Us / 1_000,
    p99Ms: result.p99Us / 1_000,
    non2xx: result.non2xx,
    errors: result.errors,
    cpuMs: childrenCpuMs(out),
  };
}

/** The shell's waited-for children's CPU (cutime + cstime), in ms, from its /proc/PID/stat. */
function childrenCpuMs(output: string): number {
  const stat = output.trimEnd().split("\n").at(-1) ?? "";
  // The command name (field 2) may hold spaces: count from the ")" that ends it. Fields 16 and
  // 17 of the file are the 14th and 15th after the name; ticks of 10 ms (USER_HZ 100).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[13]) + Number(fields[14]);
  return Number.isFinite(ticks) ? 10 * ticks : Number.NaN;
}
