import { readFileSync } from "node:fs";
import { percentile } from "../stats.js";
import type { LoadGenerator } from "./generators.js";

/** A server under load: where it listens, and how much CPU its process has used. */
export interface Target {
  url: string;
  /** CPU time used so far (all of it, and the kernel's part), in ms, and the wall clock in ms. */
  cpu(): Promise<CpuReading>;
}

export interface CpuReading {
  cpuMs: number;
  systemMs: number;
  /** `performance.now()` of the process that read it; only differences are used. */
  at: number;
}

/** One server in the turns: the path it answers, and its name in the table. */
export interface Contender {
  target: Target;
  name: string;
  path: string;
}

/** One server's runs in the turns, summed up. */
export interface LoadRun {
  server: string;
  /** The path loaded (the peers answer the same job on different routes). */
  path: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Response bytes (status line, headers, body) per request. */
  bytesPerResponse: number;
  /**
   * The server process's CPU time ÷ wall time: near 100% means the server, not the load
   * generator, was the limit.
   */
  serverCpuPercent: number;
  /** The load generator's CPU time ÷ wall time (near 100%: it was the limit). */
  generatorCpuPercent: number;
  /** Server CPU time per request, in µs. */
  cpuUsPerRequest: number;
  /** The kernel's part of that time (system CPU: syscalls, TCP), in percent. */
  kernelPercent: number;
  /**
   * CPU the rest of the machine used meanwhile (neither the server, the load generator nor the
   * bench process), in cores,
   * from /proc/stat: near 0 for a clean run; NaN where /proc/stat does not exist.
   */
  otherCores: number;
  non2xx: number;
  errors: number;
  /** Requests/s in each round, in order: ratios between runs are taken per round. */
  roundRps: number[];
  /** The server's CPU per request in each round, in µs. */
  roundCpuUs: number[];
}

/** `a ÷ b` measured in turns: the median of the rounds' ratios, and their spread. */
export interface TurnRatio {
  median: number;
  min: number;
  max: number;
}

export interface TurnOptions {
  connections: number;
  /** Rounds in which every contender runs once, in the same order. */
  rounds: number;
  /** Length of each run in a round, in s. */
  roundS: number;
  /** One run per contender before the rounds, in s. */
  warmUpS: number;
  generator: LoadGenerator;
}

/**
 * Every contender warmed up, then measured in `rounds` rounds in which each runs `roundS`
 * seconds, in the same order. The machine is shared and its speed drifts within a minute, so
 * runs are compared round by round (`turnRatio`), never across rounds.
 */
export async function inTurns(
  contenders: readonly Contender[],
  options: TurnOptions,
): Promise<LoadRun[]> {
  const { generator, connections } = options;
  for (const { target, path } of contenders) {
    await load(generator, target, path, options.warmUpS, connections);
  }
  const samples = contenders.map((): Sample[] => []);
  for (let round = 0; round < options.rounds; round++) {
    for (const [i, { target, path }] of contenders.entries()) {
      samples[i]!.push(await load(generator, target, path, options.roundS, connections));
    }
  }
  return contenders.map((contender, i) => summarizeRuns(contender, samples[i]!));
}

/** `a`'s requests/s ÷ `b`'s, round by round: the median and the spread. */
export function turnRatio(a: LoadRun, b: LoadRun): TurnRatio {
  const ratios = a.roundRps.map((rps, round) => rps / b.roundRps[round]!);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

/** `a`'s CPU per request ÷ `b`'s, round by round: the median and the spread. */
export function cpuRatio(a: LoadRun, b: LoadRun): TurnRatio {
  const ratios = a.roundCpuUs.map((us, round) => us / b.roundCpuUs[round]!);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

/** What one run measured, as totals. */
export interface Sample {
  requests: number;
  bytes: number;
  /** The generator's own requests/s. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMs: number;
  systemMs: number;
  wallMs: number;
  generatorMs: number;
  otherMs: number;
  non2xx: number;
  errors: number;
}

export async function load(
  generator: LoadGenerator,
  target: Target,
  path: string,
  durationS: number,
  connections: number,
): Promise<Sample> {
  const before = await target.cpu();
  const machineBefore = machineBusyMs();
  const benchBefore = process.cpuUsage();
  const result = await generator.run(target.url + path, durationS, connections);
  const benchMs = totalMs(process.cpuUsage(benchBefore));
  const machineMs = machineBusyMs() - machineBefore;
  const after = await target.cpu();
  const cpuMs = after.cpuMs - before.cpuMs;
  // autocannon's CPU is the bench process's own; wrk's is apart from it.
  const elsewhereMs = generator.inBenchProcess ? benchMs : benchMs + result.cpuMs;
  return {
    requests: result.requests,
    bytes: result.bytes,
    requestsPerSecond: result.requestsPerSecond,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    cpuMs,
    systemMs: after.systemMs - before.systemMs,
    wallMs: after.at - before.at,
    generatorMs: result.cpuMs,
    otherMs: machineMs - elsewhereMs - cpuMs,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** One row's figures over several runs of the same server. */
function summarizeRuns({ name, path }: Contender, samples: readonly Sample[]): LoadRun {
  const sum = (pick: (sample: Sample) => number) =>
    samples.reduce((total, sample) => total + pick(sample), 0);
  const requests = Math.max(
    1,
    sum((x) => x.requests),
  );
  const cpuMs = sum((x) => x.cpuMs);
  const wallMs = sum((x) => x.wallMs);
  return {
    server: name,
    path,
    requestsPerSecond: median(samples.map((x) => x.requestsPerSecond)),
    p50Ms: median(samples.map((x) => x.p50Ms)),
    p99Ms: median(samples.map((x) => x.p99Ms)),
    bytesPerResponse: sum((x) => x.bytes) / requests,
    serverCpuPercent: (100 * cpuMs) / wallMs,
    generatorCpuPercent: (100 * sum((x) => x.generatorMs)) / wallMs,
    cpuUsPerRequest: (1_000 * cpuMs) / requests,
    kernelPercent: (100 * sum((x) => x.systemMs)) / Math.max(cpuMs, 1e-9),
    otherCores: sum((x) => x.otherMs) / wallMs,
    non2xx: sum((x) => x.non2xx),
    errors: sum((x) => x.errors),
    roundRps: samples.map((x) => x.requestsPerSecond),
    roundCpuUs: samples.map((x) => (1_000 * x.cpuMs) / Math.max(1, x.requests)),
  };
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** CPU time the whole machine has spent busy, in ms (Linux; NaN elsewhere). */
export function machineBusyMs(): number {
  try {
    const [, user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8")
      .split("\n", 1)[0]!
      .split(/\s+/)
      .map(Number);
    // In USER_HZ ticks, 100 a second on Linux.
    return 10 * (user! + nice! + system! + irq! + softirq! + steal!);
  } catch {
    return Number.NaN;
  }
}

/**
 * The CPU a process of another runtime (a peer) has used, from /proc/PID/stat, in ms (Linux;
 * NaN elsewhere). Ticks of 10 ms: over runs of seconds that is well under 1%.
 */
export function processCpu(pid: number): CpuReading {
  const at = performance.now();
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces: count from the ")" that ends it.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of the file (utime, stime) are the 12th and 13th after the name.
    const user = 10 * Number(fields[11]);
    const system = 10 * Number(fields[12]);
    return { cpuMs: user + system, systemMs: system, at };
  } catch {
    return { cpuMs: Number.NaN, systemMs: Number.NaN, at };
  }
}

function totalMs({ user, system }: NodeJS.CpuUsage): number {
  return (user + system) / 1_000;
}
