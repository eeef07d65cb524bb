// A server in a process of its own, driven over IPC by the scale benchmark: the simulator
// (`startServer`, as `npm run server` runs it), a minimal node:http server that answers fixed
// bytes, or a bare Fastify app answering the same bytes (the floor Fastify itself sets). Its
// own process, so that its CPU, RSS and heap are its own and the load generator does not share
// its event loop.
import { createServer, type IncomingMessage, type Server } from "node:http";
import { readFileSync } from "node:fs";
import { Session } from "node:inspector";
import { SourceMap } from "node:module";
import type { AddressInfo } from "node:net";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { startServer, type RunningServer } from "../../packages/server/src/index.js";
import { withStdoutDestination } from "../../packages/server/src/logging/stdout.js";
import { RequestLog } from "../../packages/server/src/logging/request-log.js";
import { genReqId } from "../../packages/server/src/plugins/request-id.js";
import {
  jobBatchSchema,
  jobIdParamsSchema,
  jobViewSchema,
  listJobsQuerySchema,
} from "../../packages/server/src/routes/schemas.js";
import { FakeLoad } from "./fake-sockets.js";
import { childConfig, serve } from "./serve.js";
import { breakdown, type CpuProfile, type Locate, type ProfileShare } from "./profile.js";

export interface ServerConfig {
  kind: "simulator" | "baseline" | "fastify" | "floor";
  /**
   * Simulator and floor: pino at `info` on stdout (the parent points stdout at /dev/null), or
   * off.
   */
  logging?: boolean;
  /** Simulator only: how long the original `/status` job stays pending, in ms. */
  pendingDurationMs?: number;
  /** Simulator only: count requests by kind and by second (for the client runs). */
  countRequests?: boolean;
  /**
   * Baseline only: CPU burnt before each answer, in µs, to see what node:http itself costs at
   * a slower server's pace.
   */
  burnUs?: number;
  seed?: string;
}

/** The fixed answer of the baseline server for one path. */
export interface CannedResponse {
  path: string;
  statusCode: number;
  /** Raw, as `[name, value, name, value, ...]`: the simulator's names, in its order. */
  headers: string[];
  body: string;
}

/** What the process announces once it listens. */
export interface ServerInfo {
  url: string;
}

export interface Memory {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
}

export interface RequestCounts {
  total: number;
  byKind: Record<string, number>;
  /** Requests that arrived in each whole second since the counters were reset. */
  perSecond: number[];
}

export interface CreatedJob {
  id: string;
  createdAt: number;
}

const config = childConfig<ServerConfig>();
/** Headers the floor server's Fastify writes on its own. */
const FLOOR_OWN_HEADERS = new Set(["content-type", "content-length", "x-request-id"]);
const counts = { resetAt: Date.now(), total: 0, byKind: new Map<string, number>(), perSecond: [0] };

let simulator: RunningServer | undefined;
const canned = new Map<string, CannedResponse>();
let url: string;
let closeServer: () => Promise<void>;
let httpServer: Server;
const fakeLoads = new Map<string, FakeLoad>();

if (config.kind === "simulator") {
  simulator = await startServer({
    port: 0,
    // As `npm run server` configures it; its stdout is /dev/null here.
    logger: config.logging === false ? false : { level: "info" },
    ...(config.seed !== undefined && { seed: config.seed }),
    ...(config.pendingDurationMs !== undefined && { pendingDurationMs: config.pendingDurationMs }),
  });
  url = simulator.url;
  closeServer = simulator.close;
  httpServer = simulator.app.server;
  if (config.countRequests) simulator.app.server.on("request", count);
} else if (config.kind === "floor") {
  // What any server honouring the same terms does for a read, with the simulator's own parts:
  // its request log line (to stdout through pino's asynchronous destination, as the simulator writes it), request ids, the
  // route's params schema, and the body serialized from an object through its response schema.
  // No auth, faults, metrics, timeline, store or hints: the headers are copied.
  const logger = withStdoutDestination(config.logging === false ? false : { level: "info" });
  const app = Fastify({ logger, logController: new RequestLog(), genReqId });
  const bodies = new Map<string, unknown>();
  const answer = (request: FastifyRequest, reply: FastifyReply) => {
    const found = canned.get(request.url);
    if (!found) return reply.code(404).send();
    for (let i = 0; i < found.headers.length; i += 2) {
      const name = found.headers[i]!;
      // Fastify sets these itself; the request id is this request's own.
      if (!FLOOR_OWN_HEADERS.has(name.toLowerCase())) reply.header(name, found.headers[i + 1]!);
    }
    reply.header("x-request-id", request.id);
    let body = bodies.get(found.path);
    if (body === undefined) bodies.set(found.path, (body = JSON.parse(found.body)));
    return reply.code(found.statusCode).send(body);
  };
  app.get(
    "/jobs/:id",
    { schema: { params: jobIdParamsSchema, response: { 200: jobViewSchema } } },
    answer,
  );
  app.get(
    "/jobs",
    { schema: { querystring: listJobsQuerySchema(100), response: { 200: jobBatchSchema } } },
    answer,
  );
  await app.listen({ port: 0, host: "127.0.0.1" });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  closeServer = () => app.close();
  httpServer = app.server;
} else if (config.kind === "fastify") {
  // No logger, no hooks, no schema: a string body goes out as it is.
  const app = Fastify({ logger: false });
  app.get("/*", (request, reply) => {
    const answer = canned.get(request.url);
    if (!answer) return reply.code(404).send();
    for (let i = 0; i < answer.headers.length; i += 2) {
      reply.header(answer.headers[i]!, answer.headers[i + 1]!);
    }
    return reply.code(answer.statusCode).send(answer.body);
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  closeServer = () => app.close();
  httpServer = app.server;
} else {
  const server = createServer({ keepAliveTimeout: 72_000 }, (request, response) => {
    const answer = canned.get(request.url ?? "");
    if (!answer) {
      response.writeHead(404).end();
      return;
    }
    if (config.burnUs) {
      const until = performance.now() + config.burnUs / 1_000;
      while (performance.now() < until);
    }
    response.writeHead(answer.statusCode, answer.headers).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  httpServer = server;
  closeServer = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
}

function count(request: IncomingMessage): void {
  const second = Math.floor((Date.now() - counts.resetAt) / 1_000);
  while (counts.perSecond.length <= second) counts.perSecond.push(0);
  counts.perSecond[second]! += 1;
  counts.total += 1;
  const kind = requestKind(request);
  counts.byKind.set(kind, (counts.byKind.get(kind) ?? 0) + 1);
}

function requestKind({ method, url: path = "", headers }: IncomingMessage): string {
  if (method !== "GET") return method ?? "other";
  if (path.startsWith("/events?")) return "multiplexed stream";
  if (path.startsWith("/jobs?ids=") || path.includes("&ids=")) return "batch";
  if (/^\/jobs\/[^/?]+\/events/.test(path)) return "stream";
  if (/^\/jobs\/[^/?]+$/.test(path)) return headers.prefer ? "long-poll" : "poll";
  return "other";
}

const handlers = {
  async memory({ gc }: { gc: boolean }): Promise<Memory> {
    if (gc && globalThis.gc) {
      // Twice: the first pass may only queue finalizers for the second to reclaim.
      globalThis.gc();
      globalThis.gc();
    }
    const m = process.memoryUsage();
    return {
      rssBytes: m.rss,
      heapUsedBytes: m.heapUsed,
      heapTotalBytes: m.heapTotal,
      externalBytes: m.external,
    };
  },
  /** CPU time used so far (all of it, and the kernel's part), in ms, and the wall clock. */
  async cpu(_: undefined): Promise<{ cpuMs: number; systemMs: number; at: number }> {
    const { user, system } = process.cpuUsage();
    return { cpuMs: (user + system) / 1_000, systemMs: system / 1_000, at: performance.now() };
  },
  /** Creates jobs through `app.inject` (no socket, not counted), in the order given. */
  async create({
    lengthsMs,
    errorProbability,
  }: {
    lengthsMs: number[];
    errorProbability?: number;
  }): Promise<CreatedJob[]> {
    const app = requireSimulator().app;
    const created: CreatedJob[] = [];
    for (const pendingDurationMs of lengthsMs) {
      const response = await app.inject({
        method: "POST",
        url: "/jobs",
        payload: {
          pendingDurationMs,
          ...(errorProbability !== undefined && { errorProbability }),
        },
      });
      if (response.statusCode !== 201) {
        throw new Error(`POST /jobs: ${response.statusCode} ${response.body}`);
      }
      const job = response.json<{ id: string; createdAt: string }>();
      created.push({ id: job.id, createdAt: Date.parse(job.createdAt) });
    }
    return created;
  },
  /** Held long-polls, open job event streams and open sockets right now. */
  async live(_: undefined): Promise<{ longPolls: number; streams: number; sockets: number }> {
    const { app } = requireSimulator();
    // The app's own gauges; an injected request never reaches the server's request counter.
    const scrape = (await app.inject({ url: "/metrics" })).body;
    const gauge = (pattern: RegExp) => Number(pattern.exec(scrape)?.[1] ?? Number.NaN);
    const longPolls = gauge(/^long_polls_held (\d+)$/m);
    const streams = gauge(/^event_streams_open\{kind="job"\} (\d+)$/m);
    const sockets = await new Promise<number>((resolve, reject) =>
      app.server.getConnections((error, n) => (error ? reject(error) : resolve(n))),
    );
    return { longPolls, streams, sockets };
  },
  async resetCounts(_: undefined): Promise<void> {
    counts.resetAt = Date.now();
    counts.total = 0;
    counts.byKind.clear();
    counts.perSecond = [0];
  },
  async counts(_: undefined): Promise<RequestCounts> {
    return {
      total: counts.total,
      byKind: Object.fromEntries(counts.byKind),
      perSecond: [...counts.perSecond],
    };
  },
  /** Starts sampling this process's CPU, every 200 µs. */
  async profileStart(_: undefined): Promise<void> {
    profiler.connect();
    await post("Profiler.enable");
    await post("Profiler.setSamplingInterval", { interval: 200 });
    await post("Profiler.start");
  },
  /** Stops sampling: where the busy time went since `profileStart`. */
  async profileStop(_: undefined): Promise<ProfileShare[]> {
    const { profile } = (await post("Profiler.stop")) as { profile: CpuProfile };
    profiler.disconnect();
    return breakdown(profile, originalFile);
  },
  /**
   * `requests` GETs of `path` over `connections` fake keep-alive sockets (fake-sockets.ts), in
   * this process: its CPU per request, in µs, with no kernel or load generator in it.
   */
  async inProcess({
    path,
    requests,
    connections,
  }: {
    path: string;
    requests: number;
    connections: number;
  }): Promise<number> {
    let fake = fakeLoads.get(path);
    if (fake === undefined)
      fakeLoads.set(path, (fake = new FakeLoad(httpServer, path, connections)));
    return fake.run(requests);
  },
  /** Baseline and bare Fastify: what to answer on `path`. */
  async serve(answer: CannedResponse): Promise<void> {
    if (config.kind === "simulator") throw new Error("serve: the simulator serves its own jobs");
    canned.set(answer.path, answer);
  },
};

export type ServerHandlers = typeof handlers;

const profiler = new Session();
const sourceMaps = new Map<string, SourceMap | undefined>();

/** This process runs bundled code: a frame's original file, through the bundle's source map. */
const originalFile: Locate = ({ url, lineNumber, columnNumber }) => {
  if (!url.startsWith("file:") || !url.endsWith(".mjs")) return url;
  if (!sourceMaps.has(url)) {
    let map: SourceMap | undefined;
    try {
      map = new SourceMap(JSON.parse(readFileSync(new URL(`${url}.map`), "utf8")));
    } catch {
      map = undefined;
    }
    sourceMaps.set(url, map);
  }
  const entry = sourceMaps.get(url)?.findEntry(lineNumber, columnNumber);
  return entry && "originalSource" in entry ? entry.originalSource : url;
};

function post(method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) =>
    profiler.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

function requireSimulator(): RunningServer {
  if (!simulator) throw new Error("Only the simulator has jobs");
  return simulator;
}

serve(handlers, { url } satisfies ServerInfo, () => closeServer());
