import { request as httpRequest, type IncomingMessage } from "node:http";
import { describe, expect, it, onTestFinished } from "vitest";
import { startServer, type StartServerOptions } from "../src/index.js";
import { SLOW_INTERVAL_MS } from "../src/faults/shape.js";
import { appInternals } from "../src/internals.js";
import { eventually, fakeClock, settle } from "./helpers.js";

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

describe("faults on the wire", () => {
  it("reset: the connection is reset without an answer", async () => {
    const server = await serve({ faultRate: 1, faultKinds: ["reset"] });
    const answer = await get(`${server.url}/status`).done;
    expect(answer.response).toBeUndefined();
    expect(answer.error?.code).toBe("ECONNRESET");
    await expect(fetch(`${server.url}/status`)).rejects.toThrow();
    expect(appInternals(server.app).faults.counter.get("reset")).toBe(2);
  });

  it("hang: never answered; forgotten when the client goes away", async () => {
    const server = await serve({ faultRate: 1, faultKinds: ["hang"] });
    const { hangs } = appInternals(server.app).faults;
    const { request, done } = get(`${server.url}/status`);
    await eventually(() => hangs.size === 1, "the request to hang");
    expect(appInternals(server.app).scheduler.size).toBe(0);
    request.destroy();
    const answer = await done;
    expect(answer.response).toBeUndefined();
    await eventually(() => hangs.size === 0, "the hung request to be forgotten");
  });

  it("hang: released when the server closes", async () => {
    const server = await startServer({ port: 0, faultRate: 1, faultKinds: ["hang"] });
    const { hangs } = appInternals(server.app).faults;
    const pending = get(`${server.url}/jobs`).done;
    await eventually(() => hangs.size === 1, "the request to hang");
    await server.close();
    const answer = await pending;
    expect(answer.response).toBeUndefined();
    expect(answer.error).toBeDefined();
    expect(hangs.size).toBe(0);
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
    expect(appInternals(server.app).streams.size).toBe(0);
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
    expect(appInternals(server.app).faults.dribbles.size).toBe(0);
  });

  it("slow: a client that leaves mid-answer takes its backlog and timer with it", async () => {
    const clock = fakeClock();
    const server = await serve({
      now: clock.now,
      setTimer: clock.setTimer,
      faultRate: 1,
      faultKinds: ["slow"],
    });
    const { faults, scheduler } = appInternals(server.app);
    const { request, chunks, done } = get(`${server.url}/status`);
    await eventually(() => chunks.length === 1, "the first piece");
    expect(faults.dribbles.size).toBe(1);
    expect(scheduler.size).toBe(1);
    request.destroy();
    await done;
    await eventually(() => faults.dribbles.size === 0, "the dribble to be forgotten");
    expect(scheduler.size).toBe(0);
  });
});
