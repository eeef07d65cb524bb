import type { FastifyInstance } from "fastify";
import { onTestFinished } from "vitest";
import { buildApp, type AppOptions } from "../src/index.js";
import { checkHeygenAnswers, fakeClock, settle, type FakeClock } from "./helpers.js";
import { held } from "./observe.js";

/** One request the app sent, as the receiver would see it. */
export interface Sent {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** On the app's clock. */
  at: number;
  signal: AbortSignal;
}

/** What the fake receiver does with the n-th request (1-based): a status, a throw, or no answer. */
export type Answer = number | Error | "hang";

/** A `fetch` that records what is sent and answers as told, without a socket. */
export function fakeReceiver(
  clock: FakeClock,
  answer: (n: number, sent: Sent) => Answer = () => 204,
) {
  const sent: Sent[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const request: Sent = {
      url: String(input),
      headers,
      body: String(init?.body),
      at: clock.now(),
      signal: init!.signal!,
    };
    sent.push(request);
    const reply = answer(sent.length, request);
    if (reply === "hang") {
      return new Promise((_, reject) =>
        request.signal.addEventListener("abort", () => reject(request.signal.reason), {
          once: true,
        }),
      );
    }
    if (reply instanceof Error) throw reply;
    return new Response(reply === 204 ? null : "ok", { status: reply });
  };
  return { sent, fetch: fetch as typeof globalThis.fetch };
}

/**
 * An app on a fake clock that starts at the real time (so the signatures' timestamps verify),
 * sending its webhooks to a fake receiver; closed after the test.
 */
export function webhookApp(
  options: AppOptions = {},
  answer?: (n: number, sent: Sent) => Answer,
  start = Date.now(),
): { app: FastifyInstance; clock: FakeClock; sent: Sent[] } {
  const clock = fakeClock(start);
  const receiver = fakeReceiver(clock, answer);
  const app = buildApp({
    now: clock.now,
    setTimer: clock.setTimer,
    errorProbability: 0,
    pendingDurationMs: 10_000,
    webhookFetch: receiver.fetch,
    // The smallest delay of each backoff step, so retry times are exact.
    webhookRandom: () => 0,
    ...options,
  });
  checkHeygenAnswers(app);
  onTestFinished(() => app.close());
  return { app, clock, sent: receiver.sent };
}

/** Moves the clock and lets the deliveries it started run. */
export async function advance(clock: FakeClock, ms: number): Promise<void> {
  clock.advance(ms);
  await settle();
}

export async function register(
  app: FastifyInstance,
  body: object,
  headers: Record<string, string> = {},
): Promise<{ id: string; url: string; events: string[]; secret: string; createdAt: string }> {
  const response = await app.inject({ method: "POST", url: "/webhooks", payload: body, headers });
  if (response.statusCode !== 201)
    throw new Error(`register: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** Deliveries the app works on (in flight or waiting for a retry), from its `/metrics`. */
export async function pendingDeliveries(app: FastifyInstance): Promise<number> {
  return (await held(app)).webhookDeliveries;
}
