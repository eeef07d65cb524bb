import { cpuRatio, turnRatio, type LoadRun, type TurnRatio } from "../scale/load.js";
import type { ProfileShare } from "../scale/profile.js";
import { FASTAPI_TARGET, FLOOR_TARGET, PRISM_TARGET } from "../scale/run-scale.js";
import type { RouteComparison, ThroughputResults } from "../scale/throughput.js";
import { markdownTable, ratio, type Column } from "./table.js";

/** A scale target: judged, or not (a peer that could not run). */
export interface ScaleTarget {
  pass: boolean | undefined;
  target: string;
  evidence: string;
}

/** The throughput section: the intro, the table, and a diagnosis where the floor is missed. */
export function renderThroughput(t: ThroughputResults): string[] {
  return [
    "### Server throughput",
    `${generatorLine(t)} against each server in turn, ${t.connections} connections: a ${t.warmUpS} s warm-up each, then ${t.rounds} rounds in which every server compared runs ${t.roundS} s, in the same order. The machine is shared and its speed drifts within a minute, so ratios are taken round by round: "ours ÷ it" is the median over the rounds of the simulator's requests/s on \`GET /jobs/:id\` divided by that server's in the same round, with the lowest and highest round beside it; "per CPU-second" is the same for the requests each server serves per second of CPU it gets (the median of the rounds' ratios of CPU per request), steadier than requests/s when other work takes the cores: a server that gets less of a core serves fewer requests/s, not fewer per CPU-second. The verdicts are on requests/s; requests/s and latency are medians over the rounds, the other columns totals over them. The simulator runs as \`npm run server\` does: logging at info to stdout (here /dev/null), validation and response schemas on, a pending job (hints and \`Link\` included). The floor is Fastify doing only what every server on these terms does for a read, with the simulator's own parts (its request log line, written as the simulator writes it; a UUID request id echoed in \`x-request-id\`; the route's request schema; the body serialized from an object through its response schema), none of the simulator's own work. node:http answers the simulator's bytes with nothing else to do (informative). The peers: the original design's FastAPI server (\`bench/peers/fastapi/main.py\`, \`uvicorn main:app\`: one process, access log on) on the only route it has, \`GET /status\`, beside ours on the same route; Stoplight Prism's mock server (\`prism mock\`, its defaults) on the simulator's own OpenAPI document, on \`GET /jobs/:id\`. "server CPU" is the server process's CPU time over the run: near 100% means the server, not the load generator, was the limit; "load CPU" is the load generator's. "other load" is the CPU the rest of the machine used meanwhile, in cores (/proc/stat less the server, the load generator and the bench process, to about ±0.1): above about 0.2, something else competed for the 2 cores and the row's figures are low.`,
    throughputTable(t.routes),
    ...t.routes.flatMap((route) => (route.diagnosis ? diagnosisSection(route) : [])),
  ];
}

/** Which load generator ran, and why autocannon did if it stood in for wrk. */
function generatorLine(t: ThroughputResults): string {
  return t.generatorFallback === undefined
    ? t.generator
    : `${t.generator}, standing in for wrk (${t.generatorFallback}); autocannon shares the bench's Node process and a core with the servers, so the fastest servers' figures are low,`;
}

type Row = { route: string; run?: LoadRun; missing?: string; ours?: LoadRun; base?: LoadRun };

function throughputTable(routes: readonly RouteComparison[]): string {
  const rows: Row[] = routes.flatMap((r): Row[] => {
    const { simulator: ours, baseline: base } = r;
    if (!ours || !base || !r.floor) {
      return [{ route: r.route, missing: `SKIPPED: ${r.skipped}` }];
    }
    const batch = r.route.includes("ids=");
    const row = (run: LoadRun | string | undefined, name: string): Row[] => {
      if (run === undefined) return [];
      if (typeof run === "string") {
        // FastAPI has only the original route.
        return [
          { route: name === "FastAPI" ? "GET /status" : r.route, missing: `${name}: ${run}` },
        ];
      }
      const route = batch ? r.route : `GET ${pathLabel(run)}`;
      return [{ route, run, ours, base }];
    };
    return [
      ...row(r.simulator, "simulator"),
      ...row(r.floor, "floor"),
      ...row(r.baseline, "node:http"),
      ...row(r.simulatorStatus, "simulator, GET /status"),
      ...row(r.fastApi, "FastAPI"),
      ...row(r.prism, "Prism"),
    ];
  });
  const columns: Column<Row>[] = [
    { header: "route", align: "left", cell: (r) => r.route },
    { header: "server", align: "left", cell: (r) => r.run?.server ?? r.missing ?? "" },
    { header: "requests/s", cell: (r) => (r.run ? thousands(r.run.requestsPerSecond) : "") },
    { header: "p50", cell: (r) => (r.run ? ms(r.run.p50Ms) : "") },
    { header: "p99", cell: (r) => (r.run ? ms(r.run.p99Ms) : "") },
    { header: "bytes/response", cell: (r) => (r.run ? r.run.bytesPerResponse.toFixed(0) : "") },
    { header: "server CPU", cell: (r) => (r.run ? `${r.run.serverCpuPercent.toFixed(0)}%` : "") },
    { header: "load CPU", cell: (r) => (r.run ? `${r.run.generatorCpuPercent.toFixed(0)}%` : "") },
    {
      header: "CPU/request",
      cell: (r) =>
        r.run ? `${us(r.run.cpuUsPerRequest)} (${r.run.kernelPercent.toFixed(0)}% kernel)` : "",
    },
    {
      header: "ours ÷ it",
      cell: (r) =>
        r.run && r.ours && r.run !== r.ours ? withSpread(turnRatio(r.ours, r.run)) : "",
    },
    {
      header: "ours ÷ it, per CPU-second",
      cell: (r) => (r.run && r.ours && r.run !== r.ours ? withSpread(cpuRatio(r.run, r.ours)) : ""),
    },
    {
      header: "÷ node:http",
      cell: (r) => (r.run && r.base ? ratio(turnRatio(r.run, r.base).median) : ""),
    },
    { header: "other load", cell: (r) => (r.run ? cores(r.run.otherCores) : "") },
    { header: "errors", cell: (r) => (r.run ? String(r.run.errors + r.run.non2xx) : "") },
  ];
  return markdownTable(columns, rows);
}

/** `/jobs/:id` for a job path, the path itself otherwise. */
function pathLabel(run: LoadRun): string {
  return /^\/jobs\/[^/?]+$/.test(run.path) ? "/jobs/:id" : run.path;
}

/** "4.31× (3.90–4.62×)": the median of the rounds, and the lowest and highest. */
function withSpread({ median, min, max }: TurnRatio): string {
  return `${ratio(median)} (${ratio(min).slice(0, -1)}–${ratio(max)})`;
}

function diagnosisSection(route: RouteComparison): string[] {
  const d = route.diagnosis!;
  const sim = route.simulator!;
  const floor = route.floor!;
  const base = d.baseline ?? route.baseline!;
  const vsBase = (run: LoadRun) => ratio(turnRatio(run, base).median);
  const columns: Column<ProfileShare>[] = [
    { header: "where the simulator's CPU goes", align: "left", cell: (p) => p.category },
    { header: "share", cell: (p) => `${p.percent.toFixed(1)}%` },
    { header: "≈ µs/request", cell: (p) => ((p.percent / 100) * sim.cpuUsPerRequest).toFixed(1) },
  ];
  const kernel = (run: LoadRun) => us((run.cpuUsPerRequest * run.kernelPercent) / 100);
  const lines = [
    `Per request the simulator spends ${us(sim.cpuUsPerRequest)} of CPU (${kernel(sim)} of it in the kernel), the floor ${us(floor.cpuUsPerRequest)}, node:http ${us(route.baseline!.cpuUsPerRequest)} (${kernel(route.baseline!)}).`,
  ];
  if (d.bareFastify) {
    lines.push(
      `A bare Fastify app serving the same bytes (no logger, hooks or schema) spends ${us(d.bareFastify.cpuUsPerRequest)}: Fastify itself reaches ${vsBase(d.bareFastify)} of node:http.`,
    );
  }
  if (d.floorUnlogged) {
    lines.push(
      `The floor without its log line runs at ${vsBase(d.floorUnlogged)} of node:http (${us(d.floorUnlogged.cpuUsPerRequest)} a request).`,
    );
  }
  if (d.loggingOff) {
    lines.push(
      `With logging off the simulator spends ${us(d.loggingOff.cpuUsPerRequest)} (${thousands(d.loggingOff.requestsPerSecond)} requests/s, ${vsBase(d.loggingOff)} of node:http): the logger costs about ${us(sim.cpuUsPerRequest - d.loggingOff.cpuUsPerRequest)} of the ${us(sim.cpuUsPerRequest)}.`,
    );
  }
  if (d.slowedBaseline) {
    const { burnUs, run } = d.slowedBaseline;
    lines.push(
      `node:http with a ${us(burnUs)} busy loop per request, about the simulator's pace (${thousands(run.requestsPerSecond)} requests/s), spends ${us(run.cpuUsPerRequest - burnUs)} a request outside the loop instead of ${us(route.baseline!.cpuUsPerRequest)}: part of the profile's node:http line is the pace.`,
    );
  }
  return [
    `### Why ${route.route} misses (${ratio(turnRatio(sim, floor).median)} of the floor, target ${ratio(FLOOR_TARGET)})`,
    lines.join(" "),
    `A CPU profile of the simulator under the same load (V8's sampler every 200 µs, frames mapped back to the source files; a sample goes to the first owner from the leaf up, native calls to their caller, Node's HTTP and stream code to "node:http" unless the logger called it; µs = share × the ${us(sim.cpuUsPerRequest)} measured without the profiler):`,
    markdownTable(columns, d.profile),
    ...notes(d.profile),
  ];
}

/** What the code behind a large share does, read from the server's sources. */
const NOTES: ReadonlyArray<[string, string]> = [
  [
    "fault hook",
    "`Faults#settingsFor` (packages/server/src/faults/plugin.ts) looks the job up to read its fault overrides on a request to a job route, once any job carries overrides (or the store is the caller's): a second lookup before the route's own.",
  ],
  [
    "response schema anyOf",
    "A response schema with `anyOf` makes fast-json-stringify validate every response with ajv to pick a branch (`GET /jobs` sends each shape through its own serializer for that reason).",
  ],
  [
    "job lookup",
    "`JobService.find` is one async call and one `MemoryJobStore.get` (the stored frozen record, no copy) per job asked about.",
  ],
  [
    "job view",
    "`toJobView` formats one or two ISO dates per job (`isoTime`, the date cached per day; `createdAt` is formatted once per record).",
  ],
];

function notes(profile: readonly ProfileShare[]): string[] {
  const big = profile.filter((p) => p.percent >= 5);
  const lines = NOTES.filter(([prefix]) => big.some((p) => p.category.startsWith(prefix)));
  return lines.length === 0 ? [] : [lines.map(([, note]) => `- ${note}`).join("\n")];
}

/** The throughput targets: against the floor, FastAPI and Prism, on a single read. */
export function throughputTargets(t: ThroughputResults): ScaleTarget[] {
  const single = t.routes[0];
  if (!single?.simulator || !single.floor) return [];
  const sim = single.simulator;
  const how = `${t.connections} connections, medians of ${t.rounds} rounds of ${t.roundS} s in turns`;
  const vs = (run: LoadRun, label: string, of: LoadRun = sim) => {
    const r = turnRatio(of, run);
    return `${thousands(of.requestsPerSecond)} vs ${label} ${thousands(run.requestsPerSecond)} requests/s = ${withSpread(r)} (per CPU-second: ${withSpread(cpuRatio(run, of))})`;
  };
  const targets: ScaleTarget[] = [];
  const floorRatio = turnRatio(sim, single.floor).median;
  targets.push({
    pass: floorRatio >= FLOOR_TARGET,
    target: `GET /jobs/:id: the simulator serves ≥ ${ratio(FLOOR_TARGET)} the requests/s of the floor (Fastify with the same log line, request id and schemas, nothing else; ${how})`,
    evidence: `${vs(single.floor, "the floor")}; node:http, informative: ${ratio(turnRatio(sim, single.baseline!).median)}`,
  });
  const fastApi = single.fastApi;
  if (typeof fastApi === "string" || fastApi === undefined) {
    targets.push({
      pass: undefined,
      target: `GET /jobs/:id and GET /status: the simulator serves ≥ ${FASTAPI_TARGET}× the requests/s of the original design's FastAPI server on its GET /status`,
      evidence: `FastAPI ${fastApi ?? "not measured"}`,
    });
  } else {
    const status = single.simulatorStatus!;
    const both = Math.min(turnRatio(sim, fastApi).median, turnRatio(status, fastApi).median);
    targets.push({
      pass: both >= FASTAPI_TARGET,
      target: `GET /jobs/:id and, like for like, GET /status: the simulator serves ≥ ${FASTAPI_TARGET}× the requests/s of the original design's FastAPI server on its GET /status (${fastApi.server}; ${how})`,
      evidence: `GET /jobs/:id ${vs(fastApi, "FastAPI")}; GET /status ${vs(fastApi, "FastAPI", status)}`,
    });
  }
  const prism = single.prism;
  targets.push(
    typeof prism === "string" || prism === undefined
      ? {
          pass: undefined,
          target: `GET /jobs/:id: the simulator serves ≥ ${PRISM_TARGET}× the requests/s of Stoplight Prism's mock server on the same route`,
          evidence: `Prism ${prism ?? "not measured"}`,
        }
      : {
          pass: turnRatio(sim, prism).median >= PRISM_TARGET,
          target: `GET /jobs/:id: the simulator serves ≥ ${PRISM_TARGET}× the requests/s of Stoplight Prism's mock server (${prism.server}, on the simulator's OpenAPI document) on the same route (${how})`,
          evidence: vs(prism, "Prism"),
        },
  );
  return targets;
}

function thousands(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "n/a";
}

/** Other processes' CPU in cores; the three readings it comes from agree to about ±0.1. */
function cores(value: number): string {
  return Number.isFinite(value) ? Math.max(0, value).toFixed(2) : "n/a";
}

/** wrk's latencies are in µs: "3.8 ms", "13 ms". */
function ms(value: number): string {
  return `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ms`;
}

function us(value: number): string {
  return `${value.toFixed(0)} µs`;
}
