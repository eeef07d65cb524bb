import type { Readable } from "node:stream";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { expect, onTestFinished } from "vitest";
import {
  heygenSpecProblems,
  type HeygenAnswer,
} from "../../../test/support/contract/heygen-spec.js";
import {
  buildApp,
  type AppOptions,
  type ErrorBody,
  type JobView,
  type SetTimer,
} from "../src/index.js";

/** 2025-01-01T00:00:00.000Z: a round start makes expected timestamps easy to read. */
export const START = Date.UTC(2025, 0, 1);

export const iso = (ms: number) => new Date(ms).toISOString();

export interface FakeClock {
  now: () => number;
  /** Moves time forward, firing due timers in order, each at its own moment. */
  advance(ms: number): void;
  /** A timer seam on this clock, for the app's scheduler. */
  setTimer: SetTimer;
  /** Timers armed and not yet fired or cancelled. */
  readonly timers: number;
}

export function fakeClock(start = START): FakeClock {
  let time = start;
  let seq = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => time,
    advance: (ms) => {
      const target = time + ms;
      for (;;) {
        let next: [number, { at: number; callback: () => void }] | undefined;
        for (const entry of timers) {
          if (entry[1].at <= target && (next === undefined || entry[1].at < next[1].at)) {
            next = entry;
          }
        }
        if (next === undefined) break;
        timers.delete(next[0]);
        time = Math.max(time, next[1].at);
        next[1].callback();
      }
      time = target;
    },
    setTimer: (callback, delayMs) => {
      const id = seq++;
      timers.set(id, { at: time + delayMs, callback });
      return () => timers.delete(id);
    },
    get timers() {
      return timers.size;
    },
  };
}

/** An app on a fake clock (timers included) starting at START, closed after the test. */
/** Apps still loading their plugins: `settle()` waits for them before it counts rounds. */
const loading = new Set<Promise<unknown>>();

export function setup(options: AppOptions = {}): { app: FastifyInstance; clock: FakeClock } {
  const clock = fakeClock();
  const app = buildApp({ now: clock.now, setTimer: clock.setTimer, ...options });
  checkHeygenAnswers(app);
  // Plugins load with real file I/O; start now so that a request a test sends is not still
  // waiting for them when the test looks at it. Failures surface at the test's first inject.
  const ready: Promise<unknown> = Promise.resolve(app.ready()).then(
    () => loading.delete(ready),
    () => loading.delete(ready),
  );
  loading.add(ready);
  onTestFinished(() => app.close());
  return { app, clock };
}

/**
 * Checks every JSON answer the app gives on HeyGen's v3 paths against HeyGen's spec once the
 * test ends: a body the spec refuses fails the test, naming the request and the schema error.
 */
export function checkHeygenAnswers(app: FastifyInstance): void {
  const answers: HeygenAnswer[] = [];
  app.addHook("onSend", async (request, reply, payload) => {
    const json = String(reply.getHeader("content-type") ?? "").startsWith("application/json");
    if (json && typeof payload === "string" && request.url.startsWith("/v3/")) {
      const path = request.url.split("?")[0]!;
      answers.push({ method: request.method, path, status: reply.statusCode, body: payload });
    }
    return payload;
  });
  onTestFinished(() => {
    const problems = heygenSpecProblems(answers);
    if (problems.length > 0) throw new Error(`Outside HeyGen's spec:\n${problems.join("\n")}`);
  });
}

/** Lets pending I/O callbacks and promise chains run (no real waiting). */
export async function settle(rounds = 10): Promise<void> {
  await Promise.all(loading);
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Waits, turn by turn of the event loop (no sleeping), until `condition` holds. */
export async function until(condition: () => boolean, what = "condition"): Promise<void> {
  await Promise.all(loading);
  for (let i = 0; i < 1_000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** Waits on real time, in short steps, until `condition` holds; for real-socket tests only. */
export async function eventually(condition: () => boolean, what = "condition"): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function createJob(app: FastifyInstance, body: object = {}): Promise<JobView> {
  const response = await app.inject({ method: "POST", url: "/jobs", payload: body });
  expect(response.statusCode).toBe(201);
  return response.json<JobView>();
}

/** Asserts the status and the exact `{ error: { code, message } }` shape; returns the message. */
export function expectError(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  expect(response.headers["content-type"]).toMatch(/^application\/json/);
  const body = response.json<ErrorBody>();
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "message"]);
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.error.message).not.toBe("");
  return body.error.message;
}

export interface ParsedEvent {
  retry?: string;
  id?: string;
  event?: string;
  data?: string;
  comments: string[];
}

/** Splits a text/event-stream into blocks, per the WHATWG parsing rules we rely on. */
export function parseEvents(text: string): ParsedEvent[] {
  return text
    .split("\n\n")
    .filter((block) => block !== "")
    .map((block) => {
      const parsed: ParsedEvent = { comments: [] };
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) {
          parsed.comments.push(line.slice(1).trim());
          continue;
        }
        const colon = line.indexOf(":");
        const field = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^ /, "");
        if (field === "data")
          parsed.data = parsed.data === undefined ? value : `${parsed.data}\n${value}`;
        else if (field === "id" || field === "event" || field === "retry") parsed[field] = value;
        else throw new Error(`Unexpected line ${JSON.stringify(line)}`);
      }
      return parsed;
    });
}

/**
 * Injects a request and moves the fake clock in `stepMs` steps until it is answered: for
 * requests that wait on the scheduler (added latency, slow answers, long-polls).
 */
export async function injectOnClock(
  app: FastifyInstance,
  clock: FakeClock,
  options: InjectOptions | string,
  stepMs = 100,
): Promise<LightMyRequestResponse> {
  let done = false;
  const pending = app.inject(options);
  const finish = () => {
    done = true;
  };
  pending.then(finish, finish);
  for (let i = 0; i < 20_000 && !done; i++) {
    await settle(2);
    if (!done) clock.advance(stepMs);
  }
  if (!done) {
    const url = typeof options === "string" ? options : String(options.url);
    throw new Error(`No answer to ${url} after ${20_000 * stepMs} ms of fake time`);
  }
  return pending;
}

/** A `random` that returns `draws` in order, then `then` forever. */
export function scripted(draws: number[], then = 0.99): () => number {
  const queue = [...draws];
  return () => queue.shift() ?? then;
}

/** Opens a stream without waiting for its end; `text()` is what has arrived so far. */
export async function openStream(
  app: FastifyInstance,
  url: string,
  headers: Record<string, string> = {},
) {
  const response = await app.inject({ url, headers, payloadAsStream: true });
  const stream = response.stream() as Readable;
  let text = "";
  let ended = false;
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => (text += chunk));
  stream.on("end", () => (ended = true));
  return {
    response,
    text: () => text,
    events: () => parseEvents(text),
    ended: () => ended,
    untilEnded: () => until(() => ended, "the stream to end"),
  };
}
