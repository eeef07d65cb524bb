// Opens and holds many requests to one server, from a process of its own (each held request
// is a socket, and a process has a limited number of them): long-polls that the server holds,
// or event streams that it keeps open.
import { Agent, request, type ClientRequest } from "node:http";
import { childConfig, serve } from "./serve.js";

export interface HolderConfig {
  url: string;
}

export interface OpenRequest {
  paths: string[];
  /** `long-poll` sends `Prefer: wait=60`; `stream` reads the events and drops them. */
  kind: "long-poll" | "stream";
  /** Connections being opened at once, so the server's accept backlog never overflows. */
  wave: number;
}

export interface OpenResult {
  /** Requests written to their sockets. */
  sent: number;
  /** Requests that failed (refused, reset, answered early). */
  failed: number;
  firstError?: string;
  /** Bytes of events received (streams). */
  bytes: number;
  elapsedMs: number;
}

const { url } = childConfig<HolderConfig>();
// One socket per request, as many as asked: the default agent would also allow it, this says so.
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
const held = new Set<ClientRequest>();
const stats = { failed: 0, firstError: undefined as string | undefined, bytes: 0 };

function fail(error: unknown): void {
  stats.failed += 1;
  stats.firstError ??= error instanceof Error ? error.message : String(error);
}

/** Resolves once the request is on the wire; the request stays open afterwards. */
function open(path: string, kind: OpenRequest["kind"]): Promise<void> {
  return new Promise((resolve) => {
    const req = request(`${url}${path}`, {
      agent,
      headers: kind === "long-poll" ? { prefer: "wait=60" } : { accept: "text/event-stream" },
    });
    held.add(req);
    let settled = false;
    const done = () => {
      if (!settled) resolve();
      settled = true;
    };
    req.on("error", (error) => {
      // Our own destroy() on close is not a failure.
      if (held.has(req)) fail(error);
      held.delete(req);
      done();
    });
    req.on("finish", done);
    req.on("response", (response) => {
      if (kind === "long-poll" || response.statusCode !== 200) {
        fail(new Error(`${path}: answered ${response.statusCode} while it should be held`));
      }
      response.on("data", (chunk: Buffer) => (stats.bytes += chunk.length));
      response.on("error", () => {});
    });
    req.end();
  });
}

const handlers = {
  async open({ paths, kind, wave }: OpenRequest): Promise<OpenResult> {
    const started = performance.now();
    for (let i = 0; i < paths.length; i += wave) {
      await Promise.all(paths.slice(i, i + wave).map((path) => open(path, kind)));
    }
    return {
      sent: held.size,
      failed: stats.failed,
      ...(stats.firstError !== undefined && { firstError: stats.firstError }),
      bytes: stats.bytes,
      elapsedMs: performance.now() - started,
    };
  },
  /** Drops every held request (the server sees the sockets close). */
  async closeAll(_: undefined): Promise<number> {
    const closed = held.size;
    const all = [...held];
    held.clear();
    for (const req of all) req.destroy();
    stats.failed = 0;
    stats.firstError = undefined;
    stats.bytes = 0;
    return closed;
  },
  async memory(_: undefined): Promise<number> {
    return process.memoryUsage().rss;
  },
};

export type HolderHandlers = typeof handlers;

serve(handlers, { pid: process.pid }, () => {
  for (const req of held) req.destroy();
  agent.destroy();
});
