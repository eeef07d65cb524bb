import autocannon from "autocannon";
import { readFileSync } from "node:fs";
import { get } from "node:http";
import { percentile } from "../stats.js";
import { Child } from "./child.js";
import type { ProfileShare } from "./profile.js";
import type { CannedResponse, ServerConfig, ServerHandlers, ServerInfo } from "./server-process.js";

/** One autocannon run against one server. */
export interface LoadRun {
  server: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Response bytes (status line, headers, body) per request: the same for a fair comparison. */
  bytesPerResponse: number;
  /** The server process's CPU time ÷ wall time: near 100% means the server, not autocannon, was the limit. */
  serverCpuPercent: number;
  /** Server CPU time per request, in µs. */
  cpuUsPerRequest: number;
  /** The kernel's part of that time (system CPU: syscalls, TCP), in percent. */
  kernelPercent: number;
  /**
   * CPU the rest of the machine used meanwhile (neither the server nor autocannon), in cores,
   * from /proc/stat: near 0 for a clean run; NaN where /proc/stat does not exist.
   */
  otherCores: number;
  non2xx: number;
  errors: number;
  /**
   * Measured in turns with the baseline: the median over the rounds of this run's requests/s ÷
   * the baseline's in the same round.
   */
  vsBaseline?: number;
  /** Each round's ratio, for the spread. */
  roundRatios?: number[];
}

/** The simulator and the node:http baseline on one route, side by side. */
export interface RouteComparison {
  route: string;
  /** Why the route was not measured (the endpoint does not exist yet). */
  skipped?: string;
  simulator?: LoadRun;
  baseline?: LoadRun;
  /** Simulator ÷ baseline requests per second. */
  ratio?: number;
  /** When the ratio misses the target: the simulator without its logger, and a CPU profile. */
  diagnosis?: Diagnosis;
}

export interface Diagnosis {
  /** The simulator with its logger off (GET /jobs/:id only). */
  loggingOff?: LoadRun;
  /**
   * The node:http baseline with a busy loop per request that brings it to the simulator's CPU
   * per request: what node:http itself costs at that pace (idem).
   */
  slowedBaseline?: { burnUs: number; run: LoadRun };
  /** A bare Fastify app (no logger, hooks or schema) answering the same bytes (idem). */
  bareFastify?: LoadRun;
  /**
   * Fastify with only what any server on the same terms does per read, with the simulator's own
   * parts: its request log line, request ids, params and response schemas (idem).
   */
  floor?: LoadRun;
  /** The floor without its log line: what the line costs where nothing else is going on. */
  floorUnlogged?: LoadRun;
  /** Where the simulator's busy time went, sampled under the same load. */
  profile: ProfileShare[];
}

export interface ThroughputResults {
  connections: number;
  rounds: number;
  roundS: number;
  warmUpS: number;
  routes: RouteComparison[];
  elapsedMs: number;
}

export interface ThroughputOptions {
  connections: number;
  /** Rounds in which every server compared runs once, in the same order. */
  rounds: number;
  /** Length of each server's run in a round, in s. */
  roundS: number;
  /** One run per server before the rounds, in s. */
  warmUpS: number;
  /** Ratio below which the simulator is diagnosed. */
  targetRatio: number;
  /** Length of the profiled run, in s. */
  profileS: number;
  seed: string;
}

export const SERVER_PROCESS = new URL("./server-process.ts", import.meta.url);
/** Jobs in the batch request, the most the endpoint takes. */
export const BATCH_IDS = 100;
/** Pending for the whole run, so every answer carries the hints. */
const LONG_JOB_MS = 3_600_000;
/** Node writes these itself on every response; the baseline must not send them twice. */
const PER_CONNECTION_HEADERS = new Set(["date", "connection", "keep-alive", "transfer-encoding"]);

type Server = Child<ServerHandlers, ServerInfo>;

const FLOOR = "Fastify + log line, request id, schemas";
const FLOOR_UNLOGGED = "Fastify + request id, schemas (no log line)";

/**
 * autocannon against the simulator (as `npm run server` runs it: logging at info, to stdout,
 * here /dev/null) and against a minimal node:http server answering the same bytes, each in a
 * process of its own while autocannon runs in this one: a server gets a core to itself and
 * none of the load generator's work lands on its event loop.
 */
export async function runThroughput(options: ThroughputOptions): Promise<ThroughputResults> {
  const started = performance.now();
  const spawn = (config: ServerConfig) =>
    Child.spawn<ServerHandlers, ServerInfo>(SERVER_PROCESS, {
      config: { seed: options.seed, ...config },
    });
  const simulator = await spawn({ kind: "simulator", logging: true });
  const baseline = await spawn({ kind: "baseline" });
  const routes: RouteComparison[] = [];
  try {
    const [job] = await simulator.call("create", { lengthsMs: [LONG_JOB_MS] });
    const single = await compare("GET /jobs/:id", `/jobs/${job!.id}`, simulator, baseline, options);
    if (single.ratio! < options.targetRatio) {
      single.diagnosis = {
        ...(await alternatives(simulator, baseline, `/jobs/${job!.id}`, options, spawn, single)),
        profile: await profile(simulator, `/jobs/${job!.id}`, options),
      };
    }
    routes.push(single);

    const batch = await simulator.call("create", {
      lengthsMs: Array.from({ length: BATCH_IDS }, () => LONG_JOB_MS),
    });
    const path = batchPath(batch.map((j) => j.id));
    const route = `GET /jobs?ids= (${BATCH_IDS} ids)`;
    const missing = await batchMissing(url(simulator) + path, batch.length);
    if (missing === undefined) {
      const comparison = await compare(route, path, simulator, baseline, options);
      if (comparison.ratio! < options.targetRatio) {
        comparison.diagnosis = {
          floor: await floorOf(simulator, baseline, path, options, spawn),
          profile: await profile(simulator, path, options),
        };
      }
      routes.push(comparison);
    } else {
      routes.push({ route, skipped: missing });
    }
  } finally {
    await Promise.all([simulator.stop(), baseline.stop()]);
  }
  return { ...options, routes, elapsedMs: performance.now() - started };
}

async function compare(
  route: string,
  path: string,
  simulator: Server,
  baseline: Server,
  options: ThroughputOptions,
): Promise<RouteComparison> {
  await load(simulator, path, options.warmUpS, options.connections);
  // After the warm-up, so that the job's progress has its usual number of digits.
  const answer = await capture(url(simulator) + path);
  if (answer.statusCode !== 200) {
    throw new Error(`${route}: the simulator answered ${answer.statusCode} ${answer.body}`);
  }
  await baseline.call("serve", { path, ...answer });
  const turns = await inTurns(
    { server: baseline, name: "node:http baseline", path },
    [{ server: simulator, name: "simulator", path }],
    options,
  );
  const sim = turns.others[0]!;
  return { route, simulator: sim, baseline: turns.baseline, ratio: sim.vsBaseline! };
}

/**
 * The same load on a bare Fastify app serving the same bytes, on Fastify doing only what every
 * server on these terms must (the floor), on node:http slowed to the simulator's pace, and on a
 * simulator without logs, each in turns with the baseline.
 */
async function alternatives(
  simulator: Server,
  baseline: Server,
  path: string,
  options: ThroughputOptions,
  spawn: (config: ServerConfig) => Promise<Server>,
  comparison: RouteComparison,
): Promise<Required<Omit<Diagnosis, "profile">>> {
  // node:http's own cost about doubles at the simulator's pace: burn the rest.
  const burnUs = Math.max(
    0,
    Math.round(comparison.simulator!.cpuUsPerRequest - 2 * comparison.baseline!.cpuUsPerRequest),
  );
  const started: Server[] = [];
  try {
    const answer = await capture(url(simulator) + path);
    const canned = async (config: ServerConfig, name: string): Promise<Contender> => {
      const contender = await cannedContender(spawn, config, name, path, answer);
      started.push(contender.server);
      return contender;
    };
    const bare = await canned({ kind: "fastify" }, "bare Fastify");
    const floor = await canned({ kind: "floor" }, FLOOR);
    const unlogged = await canned({ kind: "floor", logging: false }, FLOOR_UNLOGGED);
    const slowed = await canned({ kind: "baseline", burnUs }, `node:http + ${burnUs} µs busy loop`);
    const quiet = await spawn({ kind: "simulator", logging: false });
    started.push(quiet);
    const [job] = await quiet.call("create", { lengthsMs: [LONG_JOB_MS] });
    const turns = await inTurns(
      { server: baseline, name: "node:http baseline", path },
      [
        bare,
        floor,
        unlogged,
        slowed,
        { server: quiet, name: "simulator, logging off", path: `/jobs/${job!.id}` },
      ],
      options,
    );
    const [bareFastify, floorRun, floorUnlogged, slowedRun, loggingOff] = turns.others as [
      LoadRun,
      LoadRun,
      LoadRun,
      LoadRun,
      LoadRun,
    ];
    return {
      loggingOff,
      bareFastify,
      floor: floorRun,
      floorUnlogged,
      slowedBaseline: { burnUs, run: slowedRun },
    };
  } finally {
    await Promise.all(started.map((server) => server.stop()));
  }
}

/** The floor server on `path` (a batch read), in turns with the baseline. */
async function floorOf(
  simulator: Server,
  baseline: Server,
  path: string,
  options: ThroughputOptions,
  spawn: (config: ServerConfig) => Promise<Server>,
): Promise<LoadRun> {
  const answer = await capture(url(simulator) + path);
  const floor = await cannedContender(spawn, { kind: "floor" }, FLOOR, path, answer);
  try {
    const turns = await inTurns(
      { server: baseline, name: "node:http baseline", path },
      [floor],
      options,
    );
    return turns.others[0]!;
  } finally {
    await floor.server.stop();
  }
}

/** A server of `config`'s kind, started and told to answer `path` with `answer`. */
async function cannedContender(
  spawn: (config: ServerConfig) => Promise<Server>,
  config: ServerConfig,
  name: string,
  path: string,
  answer: Omit<CannedResponse, "path">,
): Promise<Contender> {
  const server = await spawn(config);
  await server.call("serve", { path, ...answer });
  return { server, name, path };
}

/** Where the simulator's CPU goes under the same load, from a sampling profile. */
async function profile(
  simulator: Server,
  path: string,
  options: ThroughputOptions,
): Promise<ProfileShare[]> {
  await simulator.call("profileStart", undefined);
  await load(simulator, path, options.profileS, options.connections);
  return simulator.call("profileStop", undefined);
}

/** One server in the turns: the path it answers, and its name in the table. */
interface Contender {
  server: Server;
  name: string;
  path: string;
}

/**
 * The baseline and `others`, each warmed up, then measured in `rounds` rounds in which each runs
 * `roundS` seconds, in the same order. The machine is shared and its speed drifts within a
 * minute: each run is divided by the baseline's in the same round, and a contender's
 * `vsBaseline` is the median of those ratios. The other figures are over all its rounds.
 */
async function inTurns(
  baseline: Contender,
  others: readonly Contender[],
  options: ThroughputOptions,
): Promise<{ baseline: LoadRun; others: LoadRun[] }> {
  const everyone = [baseline, ...others];
  for (const { server, path } of everyone) {
    await load(server, path, options.warmUpS, options.connections);
  }
  const samples = everyone.map((): Sample[] => []);
  for (let round = 0; round < options.rounds; round++) {
    for (const [i, { server, path }] of everyone.entries()) {
      samples[i]!.push(await load(server, path, options.roundS, options.connections));
    }
  }
  const [baseSamples, ...otherSamples] = samples as [Sample[], ...Sample[][]];
  return {
    baseline: summarizeRuns(baseline.name, baseSamples),
    others: others.map((contender, i) => {
      const own = otherSamples[i]!;
      const roundRatios = own.map(
        (sample, round) => sample.requestsPerSecond / baseSamples[round]!.requestsPerSecond,
      );
      return {
        ...summarizeRuns(contender.name, own),
        vsBaseline: median(roundRatios),
        roundRatios,
      };
    }),
  };
}

/** What one autocannon run measured, as totals. */
interface Sample {
  requests: number;
  bytes: number;
  /** autocannon's own requests/s average. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMs: number;
  systemMs: number;
  wallMs: number;
  otherMs: number;
  non2xx: number;
  errors: number;
}

async function load(
  server: Server,
  path: string,
  durationS: number,
  connections: number,
): Promise<Sample> {
  const before = await server.call("cpu", undefined);
  const machineBefore = machineBusyMs();
  const benchBefore = process.cpuUsage();
  const result = await autocannon({ url: url(server) + path, connections, duration: durationS });
  const benchMs = totalMs(process.cpuUsage(benchBefore));
  const machineMs = machineBusyMs() - machineBefore;
  const after = await server.call("cpu", undefined);
  const cpuMs = after.cpuMs - before.cpuMs;
  return {
    requests: result.requests.total,
    bytes: result.throughput.total,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuMs,
    systemMs: after.systemMs - before.systemMs,
    wallMs: after.at - before.at,
    otherMs: machineMs - benchMs - cpuMs,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** One row's figures over several runs of the same server. */
function summarizeRuns(name: string, samples: readonly Sample[]): LoadRun {
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
    requestsPerSecond: median(samples.map((x) => x.requestsPerSecond)),
    p50Ms: median(samples.map((x) => x.p50Ms)),
    p99Ms: median(samples.map((x) => x.p99Ms)),
    bytesPerResponse: sum((x) => x.bytes) / requests,
    serverCpuPercent: (100 * cpuMs) / wallMs,
    cpuUsPerRequest: (1_000 * cpuMs) / requests,
    kernelPercent: (100 * sum((x) => x.systemMs)) / Math.max(cpuMs, 1e-9),
    otherCores: sum((x) => x.otherMs) / wallMs,
    non2xx: sum((x) => x.non2xx),
    errors: sum((x) => x.errors),
  };
}

function median(values: readonly number[]): number {
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

function totalMs({ user, system }: NodeJS.CpuUsage): number {
  return (user + system) / 1_000;
}

export function batchPath(ids: readonly string[]): string {
  return `/jobs?ids=${ids.map(encodeURIComponent).join(",")}`;
}

/** Why the batch endpoint cannot be used, or undefined when it answers for every id. */
export async function batchMissing(target: string, ids: number): Promise<string | undefined> {
  const answer = await capture(target);
  if (answer.statusCode === 200) {
    try {
      const body = JSON.parse(answer.body) as { data?: unknown[] };
      if (Array.isArray(body.data) && body.data.length === ids) return undefined;
    } catch {
      // Not JSON: reported below.
    }
  }
  return `not in the server yet: GET /jobs?ids=… answers ${answer.statusCode} ${answer.body.slice(0, 160)}`;
}

/** One real request: the status, the headers as sent (minus per-connection ones), the body. */
function capture(target: string): Promise<{ statusCode: number; headers: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    get(target, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => {
        const headers: string[] = [];
        const raw = response.rawHeaders;
        for (let i = 0; i < raw.length; i += 2) {
          if (!PER_CONNECTION_HEADERS.has(raw[i]!.toLowerCase()))
            headers.push(raw[i]!, raw[i + 1]!);
        }
        resolve({ statusCode: response.statusCode ?? 0, headers, body });
      });
      response.on("error", reject);
    }).on("error", reject);
  });
}

function url(server: Server): string {
  return server.info.url;
}
