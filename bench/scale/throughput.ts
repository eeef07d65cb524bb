import { get } from "node:http";
import { Child } from "./child.js";
import { pickGenerator, type LoadGenerator } from "./generators.js";
import { inTurns, load, turnRatio, type Contender, type LoadRun, type Target } from "./load.js";
import { startFastApi, startPrism, type PeerStart, type RunningPeer } from "./peers.js";
import type { ProfileShare } from "./profile.js";
import type { CannedResponse, ServerConfig, ServerHandlers, ServerInfo } from "./server-process.js";

export { machineBusyMs, type LoadRun } from "./load.js";

/** A route measured in one set of turns: ours, the floor, node:http and, for a read, the peers. */
export interface RouteComparison {
  route: string;
  /** Why the route was not measured (the endpoint does not exist yet). */
  skipped?: string;
  simulator?: LoadRun;
  /** node:http answering the simulator's bytes: informative, no target. */
  baseline?: LoadRun;
  /** Fastify with only the simulator's log line, request id and schemas. */
  floor?: LoadRun;
  /** Ours on the original `GET /status`, beside FastAPI's (single read only). */
  simulatorStatus?: LoadRun;
  /** The original design's FastAPI server on `/status`, or why it did not run. */
  fastApi?: LoadRun | string;
  /** Prism's mock of the simulator's own OpenAPI document, or why it did not run. */
  prism?: LoadRun | string;
  /** When the simulator runs below 0.8× the floor: what the parts cost, and a CPU profile. */
  diagnosis?: Diagnosis;
}

export interface Diagnosis {
  /** node:http again, in these turns: the alternatives' ratios are to it. */
  baseline?: LoadRun;
  /** The simulator with its logger off (GET /jobs/:id only). */
  loggingOff?: LoadRun;
  /**
   * The node:http baseline with a busy loop per request that brings it to the simulator's CPU
   * per request: what node:http itself costs at that pace (idem).
   */
  slowedBaseline?: { burnUs: number; run: LoadRun };
  /** A bare Fastify app (no logger, hooks or schema) answering the same bytes (idem). */
  bareFastify?: LoadRun;
  /** The floor without its log line: what the line costs where nothing else is going on. */
  floorUnlogged?: LoadRun;
  /** Where the simulator's busy time went, sampled under the same load. */
  profile: ProfileShare[];
}

export interface ThroughputResults {
  /** The load generator that ran: "wrk …", or "autocannon (in the bench process)". */
  generator: string;
  /** Why wrk did not run, when autocannon stood in. */
  generatorFallback?: string;
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
  /** Ratio to the floor below which the simulator is diagnosed. */
  floorTarget: number;
  /** Length of the profiled run, in s. */
  profileS: number;
  seed: string;
  onStep?: (line: string) => void;
}

export const SERVER_PROCESS = new URL("./server-process.ts", import.meta.url);
/** Jobs in the batch request, the most the endpoint takes. */
export const BATCH_IDS = 100;
/** Pending for the whole run, so every answer carries the hints. */
const LONG_JOB_MS = 3_600_000;
/** Node writes these itself on every response; the baseline must not send them twice. */
const PER_CONNECTION_HEADERS = new Set(["date", "connection", "keep-alive", "transfer-encoding"]);

type Server = Child<ServerHandlers, ServerInfo>;

export const FLOOR = "the floor: Fastify + log line, request id, schemas";
const FLOOR_UNLOGGED = "Fastify + request id, schemas (no log line)";
const BASELINE = "node:http, same bytes";

/**
 * wrk (or autocannon when wrk cannot be had) against the simulator (as `npm run server` runs it:
 * logging at info, to stdout, here /dev/null), the floor, a minimal node:http server answering
 * the same bytes and, for a single read, the peers a user would otherwise pick: each in a
 * process of its own, so that a server gets a core to itself and none of the load generator's
 * work lands on its event loop.
 */
export async function runThroughput(settings: ThroughputOptions): Promise<ThroughputResults> {
  const started = performance.now();
  const onStep = settings.onStep ?? (() => {});
  const generator = pickGenerator(onStep);
  if (generator.fallback !== undefined) onStep(`    ${generator.fallback}; autocannon instead`);
  const options: Options = { ...settings, generator };
  const spawn = (config: ServerConfig) =>
    Child.spawn<ServerHandlers, ServerInfo>(SERVER_PROCESS, {
      config: { seed: options.seed, ...config },
    });
  // The original `/status` job stays pending too, as the peers' do.
  const simulator = await spawn({
    kind: "simulator",
    logging: true,
    pendingDurationMs: LONG_JOB_MS,
  });
  const baseline = await spawn({ kind: "baseline" });
  const stops: Array<() => Promise<void>> = [() => simulator.stop(), () => baseline.stop()];
  const routes: RouteComparison[] = [];
  try {
    const [job] = await simulator.call("create", { lengthsMs: [LONG_JOB_MS] });
    const path = `/jobs/${job!.id}`;
    onStep("    GET /jobs/:id: ours, the floor, node:http, FastAPI, Prism…");
    const peers = await startPeers(simulator, onStep);
    stops.push(...peers.flatMap((p) => ("peer" in p ? [p.peer.stop] : [])));
    const single = await compare("GET /jobs/:id", path, simulator, baseline, spawn, options, {
      fastApi: peers[0]!,
      prism: peers[1]!,
    });
    routes.push(single);
    await Promise.all(stops.splice(2).map((stop) => stop()));

    const batch = await simulator.call("create", {
      lengthsMs: Array.from({ length: BATCH_IDS }, () => LONG_JOB_MS),
    });
    const batchRoute = `GET /jobs?ids= (${BATCH_IDS} ids)`;
    const batchUrl = batchPath(batch.map((j) => j.id));
    const missing = await batchMissing(url(simulator) + batchUrl, batch.length);
    if (missing === undefined) {
      onStep(`    ${batchRoute}: ours, the floor, node:http…`);
      routes.push(await compare(batchRoute, batchUrl, simulator, baseline, spawn, options));
    } else {
      routes.push({ route: batchRoute, skipped: missing });
    }
  } finally {
    await Promise.all(stops.map((stop) => stop()));
  }
  const { onStep: _, generator: __, ...figures } = options;
  return {
    ...figures,
    generator: generator.name,
    ...(generator.fallback !== undefined && { generatorFallback: generator.fallback }),
    routes,
    elapsedMs: performance.now() - started,
  };
}

type Options = ThroughputOptions & { generator: LoadGenerator };

/** FastAPI, then Prism on the simulator's own OpenAPI document. */
async function startPeers(simulator: Server, onStep: (line: string) => void): Promise<PeerStart[]> {
  const fastApi = await startFastApi();
  const openApi = JSON.parse((await capture(`${url(simulator)}/openapi.json`)).body) as unknown;
  const prism = await startPrism(openApi, onStep);
  for (const [name, start] of [
    ["FastAPI", fastApi],
    ["Prism", prism],
  ] as const) {
    if ("missing" in start) onStep(`    ${name}: ${start.missing}`);
  }
  return [fastApi, prism];
}

/**
 * The simulator on `path`, the floor and node:http answering its bytes, and the peers when
 * given, measured in turns; diagnosed when the simulator runs below the floor target.
 */
async function compare(
  route: string,
  path: string,
  simulator: Server,
  baseline: Server,
  spawn: (config: ServerConfig) => Promise<Server>,
  options: Options,
  peers?: { fastApi: PeerStart; prism: PeerStart },
): Promise<RouteComparison> {
  await load(options.generator, target(simulator), path, options.warmUpS, options.connections);
  // After the warm-up, so that the job's progress has its usual number of digits.
  const answer = await capture(url(simulator) + path);
  if (answer.statusCode !== 200) {
    throw new Error(`${route}: the simulator answered ${answer.statusCode} ${answer.body}`);
  }
  await baseline.call("serve", { path, ...answer });
  const floor = await cannedContender(spawn, { kind: "floor" }, FLOOR, path, answer);
  try {
    const contenders: Contender[] = [
      { target: target(simulator), name: "simulator", path },
      floor,
      { target: target(baseline), name: BASELINE, path },
    ];
    if (peers) {
      contenders.push({
        target: target(simulator),
        name: "simulator, GET /status",
        path: "/status",
      });
      for (const start of [peers.fastApi, peers.prism]) {
        if ("peer" in start)
          contenders.push(peerContender(start.peer, start === peers.fastApi, path));
      }
    }
    const runs = await inTurns(contenders, options);
    const byName = (name: string) => runs.find((run) => run.server === name);
    const peerRun = (start: PeerStart | undefined) =>
      start === undefined ? undefined : "peer" in start ? byName(start.peer.name)! : start.missing;
    const comparison: RouteComparison = {
      route,
      simulator: runs[0]!,
      floor: runs[1]!,
      baseline: runs[2]!,
    };
    if (peers) {
      comparison.simulatorStatus = byName("simulator, GET /status")!;
      comparison.fastApi = peerRun(peers.fastApi)!;
      comparison.prism = peerRun(peers.prism)!;
    }
    if (turnRatio(comparison.simulator!, comparison.floor!).median < options.floorTarget) {
      comparison.diagnosis = {
        ...(peers ? await alternatives(simulator, baseline, path, options, spawn, comparison) : {}),
        profile: await profile(simulator, path, options),
      };
    }
    return comparison;
  } finally {
    await floor.stop();
  }
}

function peerContender(peer: RunningPeer, isFastApi: boolean, jobPath: string): Contender {
  // FastAPI has only the original `/status`; Prism mocks our routes, the job's among them.
  return { target: peer.target, name: peer.name, path: isFastApi ? "/status" : jobPath };
}

/**
 * The same load on a bare Fastify app serving the same bytes, on the floor without its log
 * line, on node:http slowed to the simulator's pace, and on a simulator without logs, each in
 * turns with node:http.
 */
async function alternatives(
  simulator: Server,
  baseline: Server,
  path: string,
  options: Options,
  spawn: (config: ServerConfig) => Promise<Server>,
  comparison: RouteComparison,
): Promise<Omit<Diagnosis, "profile">> {
  // node:http's own cost about doubles at the simulator's pace: burn the rest.
  const burnUs = Math.max(
    0,
    Math.round(comparison.simulator!.cpuUsPerRequest - 2 * comparison.baseline!.cpuUsPerRequest),
  );
  const started: Array<{ stop: () => Promise<void> }> = [];
  try {
    const answer = await capture(url(simulator) + path);
    const canned = async (config: ServerConfig, name: string) => {
      const contender = await cannedContender(spawn, config, name, path, answer);
      started.push(contender);
      return contender;
    };
    const bare = await canned({ kind: "fastify" }, "bare Fastify");
    const unlogged = await canned({ kind: "floor", logging: false }, FLOOR_UNLOGGED);
    const slowed = await canned({ kind: "baseline", burnUs }, `node:http + ${burnUs} µs busy loop`);
    const quiet = await spawn({ kind: "simulator", logging: false });
    started.push(quiet);
    const [job] = await quiet.call("create", { lengthsMs: [LONG_JOB_MS] });
    const [base, bareFastify, floorUnlogged, slowedRun, loggingOff] = await inTurns(
      [
        { target: target(baseline), name: BASELINE, path },
        bare,
        unlogged,
        slowed,
        { target: target(quiet), name: "simulator, logging off", path: `/jobs/${job!.id}` },
      ],
      options,
    );
    return {
      baseline: base!,
      loggingOff: loggingOff!,
      bareFastify: bareFastify!,
      floorUnlogged: floorUnlogged!,
      slowedBaseline: { burnUs, run: slowedRun! },
    };
  } finally {
    await Promise.all(started.map((server) => server.stop()));
  }
}

/** A server of `config`'s kind, started and told to answer `path` with `answer`. */
async function cannedContender(
  spawn: (config: ServerConfig) => Promise<Server>,
  config: ServerConfig,
  name: string,
  path: string,
  answer: Omit<CannedResponse, "path">,
): Promise<Contender & { stop: () => Promise<void> }> {
  const server = await spawn(config);
  await server.call("serve", { path, ...answer });
  return { target: target(server), name, path, stop: () => server.stop() };
}

/** Where the simulator's CPU goes under the same load, from a sampling profile. */
async function profile(simulator: Server, path: string, options: Options): Promise<ProfileShare[]> {
  await simulator.call("profileStart", undefined);
  await load(options.generator, target(simulator), path, options.profileS, options.connections);
  return simulator.call("profileStop", undefined);
}

/** A server child as a load target: its URL, and its own reading of its CPU. */
export function target(server: Server): Target {
  return { url: url(server), cpu: () => server.call("cpu", undefined) };
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
export function capture(
  target: string,
): Promise<{ statusCode: number; headers: string[]; body: string }> {
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
