import { request as httpRequest, type IncomingMessage } from "node:http";
import type { FastifyInstance } from "fastify";
import { describe, expect, it, onTestFinished } from "vitest";
import { startServer, type StartServerOptions } from "../src/index.js";
import { SLOW_INTERVAL_MS } from "../src/faults/shape.js";
import { eventually, fakeClock, settle } from "./helpers.js";
import { countedTimers, faultsInjected, held } from "./observe.js";

// Real sockets: these faults are about what reaches the wire. Time still comes from the fake
// clock where the server waits (slow); nothing here sleeps on real time.

async function serve(options: StartServerOptions) {
  const server = await startServer({ port: 0, errorProbability: 0, ...options });
  onTestFinished(() => server.close());
  return server;
}

interface RawAnswer {
  response?: IncomingMessage;
  body: Buffer;
  /** The body arrived in full (`Content-Length` satisfied). */
  complete: boolean;
  error?: NodeJS.ErrnoException;
}

/** A GET on a fresh connection that records whatever arrives, however it ends. */
function get(url: string, onResponse?: (response: IncomingMessage) => void) {
  const chunks: Buffer[] = [];
  const answer: RawAnswer = { body: Buffer.alloc(0), complete: false };
  const request = httpRequest(url, { agent: false });
  const done = new Promise<RawAnswer>((resolve) => {
    const finish = () => {
      answer.body = Buffer.concat(chunks);
      resolve(answer);
    };
    request.on("error", (error) => {
      answer.error = error;
      finish();
    });
    request.on("response", (response) => {
      answer.response = response;
      onResponse?.(response);
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", (error) => (answer.error = error));
      response.on("close", () => {
        answer.complete = response.complete;
        finish();
      });
    });
  });
  request.end();
  return { request, done, chunks };
}

/** Waits until the app has injected a fault of `kind`: the request has reached it. */
async function untilCounted(app: FastifyInstance, kind: string): Promise<void> {
  for (let i = 0; i < 500 && (await faultsInjected(app, kind)) === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(await faultsInjected(app, kind)).toBeGreaterThan(0);
}

/** Open connections to the app's server right now. */
function connections(app: FastifyInstance): Promise<number> {
  return new Promise((resolve, reject) =>
    app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

describe("faults on the wire", () => {
  it("reset: the connection is reset without an answer", async () => {
    const server = await serve({ faultRate: 1, faultKinds: ["reset"] });
    const answer = await get(`${server.url}/status`).done;
    expect(answer.response).toBeUndefined();
    expect(answer.error?.code).toBe("ECONNRESET");
    await expect(fetch(`${server.url}/status`)).rejects.toThrow();
    expect(await faultsInjected(server.app, "reset")).toBe(2);
  });

  it("hang: never answered; forgotten when the client goes away", async () => {
    const timers = countedTimers();
    const server = await serve({ faultRate: 1, faultKinds: ["hang"], setTimer: timers.setTimer });
    const { request, done } = get(`${server.url}/status`);
    await untilCounted(server.app, "hang");
    // Nothing scheduled for a hung request: it waits on its client alone.
    expect(timers.armed).toBe(0);
    expect(await connections(server.app)).toBe(1);
    request.destroy();
    const answer = await done;
    expect(answer.response).toBeUndefined();
    for (let i = 0; i < 500 && (await connections(server.app)) > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await connections(server.app)).toBe(0);
  });

  it("hang: released when the server closes", async () => {
    const server = await startServer({ port: 0, faultRate: 1, faultKinds: ["hang"] });
    const pending = get(`${server.url}/jobs`).done;
    await untilCounted(server.app, "hang");
    await server.close();
    const answer = await pending;
    expect(answer.response).toBeUndefined();
    expect(answer.error).toBeDefined();
  });

  it("truncated: the real status and Content-Length, half the body, then the connection drops", async () => {
    const same = { pendingDurationMs: 0, now: fakeClock().now, seed: 8 };
    const server = await serve(same);
    const whole = await (await fetch(`${server.url}/status`)).text();
    const faulty = await serve({ ...same, faultRate: 1, faultKinds: ["truncated"] });
    const answer = await get(`${faulty.url}/status`).done;
    expect(answer.response!.statusCode).toBe(200);
    expect(answer.response!.headers["x-injected-fault"]).toBe("truncated");
    const length = Number(answer.response!.headers["content-length"]);
    expect(length).toBe(Buffer.byteLength(whole));
    expect(answer.complete).toBe(false);
    expect(answer.body.length).toBe(Math.floor(length / 2));
    expect(whole.startsWith(answer.body.toString())).toBe(true);
    await expect(fetch(`${faulty.url}/status`).then((r) => r.text())).rejects.toThrow();
  });

  it("truncated: an event stream is cut in the middle of its first event", async () => {
    const server = await serve({ faultRate: 1, faultKinds: ["truncated"] });
    const answer = await get(`${server.url}/status/events`).done;
    expect(answer.response!.statusCode).toBe(200);
    expect(answer.response!.headers["content-type"]).toBe("text/event-stream");
    expect(answer.complete).toBe(false);
    const text = answer.body.toString();
    expect(text.startsWith("retry: 1000\n")).toBe(true);
    expect(text.endsWith("\n\n")).toBe(false);
    expect((await held(server.app)).jobStreams).toBe(0);
  });

  it("slow: the real answer a piece at a time on the server's clock, complete in the end", async () => {
    const clock = fakeClock();
    const plain = await serve({ pendingDurationMs: 60_000, now: clock.now, seed: 3 });
    const whole = await (await fetch(`${plain.url}/status`)).text();
    const server = await serve({
      pendingDurationMs: 60_000,
      now: clock.now,
      setTimer: clock.setTimer,
      seed: 3,
      faultRate: 1,
      faultKinds: ["slow"],
    });
    let headersAt: number | undefined;
    const { chunks, done } = get(`${server.url}/status`, () => (headersAt = clock.now()));
    await eventually(() => chunks.length === 1, "the first piece");
    expect(headersAt).toBe(clock.now());
    const piece = Math.max(16, Math.ceil(Buffer.byteLength(whole) / 8));
    expect(chunks[0]!.length).toBe(piece);
    for (let i = 1; Buffer.concat(chunks).length < Buffer.byteLength(whole); i++) {
      clock.advance(SLOW_INTERVAL_MS);
      await eventually(() => chunks.length > i || Buffer.concat(chunks).length >= whole.length);
      await settle();
    }
    const answer = await done;
    expect(answer.complete).toBe(true);
    expect(answer.response!.headers["content-length"]).toBe(String(Buffer.byteLength(whole)));
    expect(answer.body.toString()).toBe(whole);
    // The dribble's timer went with it.
    expect(clock.timers).toBe(0);
  });

  it("slow: a client that leaves mid-answer takes its backlog and timer with it", async () => {
    const clock = fakeClock();
    const server = await serve({
      now: clock.now,
      setTimer: clock.setTimer,
      faultRate: 1,
      faultKinds: ["slow"],
    });
    const { request, chunks, done } = get(`${server.url}/status`);
    await eventually(() => chunks.length === 1, "the first piece");
    // The next piece's timer.
    expect(clock.timers).toBe(1);
    request.destroy();
    await done;
    await eventually(() => clock.timers === 0, "the dribble and its timer to be forgotten");
  });
});
