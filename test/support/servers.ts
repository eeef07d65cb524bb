import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  startServer,
  type RunningServer,
  type StartServerOptions,
} from "@translation-status/server";
import { afterAll, afterEach, expect } from "vitest";
import { contractProblems } from "./contract/check.js";
import { heygenSpecProblems } from "./contract/heygen-spec.js";
import { recordResponses, takeRecorded } from "./contract/recorder.js";

const running: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((close) => close()));
});

// The contract: every JSON answer a simulator gave in this file matches the OpenAPI document,
// and those on HeyGen's paths match HeyGen's own spec too.
afterAll(async () => {
  const recorded = takeRecorded();
  expect([...(await contractProblems(recorded)), ...heygenSpecProblems(recorded)]).toEqual([]);
});

/**
 * The real simulator on an ephemeral port, closed after the test. Its JSON answers are checked
 * against its OpenAPI document (and HeyGen's spec, on HeyGen's paths) once the file's tests are
 * done.
 */
export async function simulator(options: StartServerOptions = {}): Promise<RunningServer> {
  const server = await startServer({ port: 0, host: "127.0.0.1", ...options });
  recordResponses(server.app.server);
  running.push(() => server.close());
  return server;
}

/** A bare node:http server with a hand-written handler, to play a broken backend. */
export async function rawServer(
  handler: RequestListener,
): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  running.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}

/** A URL on which nothing listens: a port that was free a moment ago. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/**
 * A pass-through proxy in front of `target` that counts the requests reaching the server, and
 * when: what a server sees, whatever the client believes it sent.
 */
export async function countingProxy(target: string) {
  const { request: httpRequest } = await import("node:http");
  const upstream = new URL(target);
  const arrivals: Array<{ at: number; path: string }> = [];
  const { url } = await rawServer((req, res) => {
    arrivals.push({ at: Date.now(), path: req.url ?? "" });
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  return { url, arrivals };
}

/** Creates a job that completes after `pendingDurationMs` with a plain fetch; returns its id. */
export async function createRawJob(url: string, pendingDurationMs: number): Promise<string> {
  const response = await fetch(`${url}/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ pendingDurationMs, errorProbability: 0 }),
  });
  return ((await response.json()) as { id: string }).id;
}
