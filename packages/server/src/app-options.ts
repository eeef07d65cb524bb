import type { FastifyServerOptions } from "fastify";
import { defaultSetTimer, type SetTimer } from "./events/scheduler.js";
import { createRandom, type Random } from "./jobs/random.js";
import type { JobStore } from "./store/job-store.js";
import { MemoryJobStore } from "./store/memory-job-store.js";

/** Fastify's `logger` option: `true`, `false`, or pino options such as `{ level: "debug" }`. */
export type LoggerOption = NonNullable<FastifyServerOptions["logger"]>;

export interface AppOptions {
  /**
   * How long a new job stays pending, in milliseconds; `POST /jobs` may override it per job.
   * @default 10_000
   */
  pendingDurationMs?: number;
  /**
   * Chance, 0..1, that a job ends in "error" rather than "completed"; overridable per job.
   * @default 0.1
   */
  errorProbability?: number;
  /**
   * Bound E, 0 <= E < 1, on the relative error of the estimated time left: each job draws a bias
   * u in [-1, 1] and its estimate of the time left is the truth times 1 + E·u, so up to ±E off
   * at the start and exact at the end. `POST /jobs` may override it per job (up to 0.99).
   * @default 0.2
   */
  etaError?: number;
  /**
   * Makes outcomes reproducible: the same seed gives the same sequence of outcomes, failure
   * reasons and estimate biases. An integer (taken modulo 2^32) or any string (hashed).
   * @default undefined (Math.random)
   */
  seed?: number | string;
  /**
   * Source of numbers in [0, 1) for outcomes; wins over `seed`. For tests.
   * @default a PRNG seeded with `seed`, or Math.random
   */
  random?: () => number;
  /**
   * Source of numbers in [0, 1) for the estimate biases; wins over `seed`. For tests.
   * @default a second PRNG stream seeded with `seed` (outcomes keep their own), or Math.random
   */
  etaRandom?: () => number;
  /**
   * The clock, in milliseconds since the epoch. Inject a fake one to move jobs along in tests.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Arms a one-shot timer, `(callback, delayMs) => cancel`. The server's single scheduler arms
   * at most one at a time, for the earliest wake-up (a job's completion, a long-poll deadline, the
   * stream ticker); inject one driven by your fake `now` to run it on virtual time.
   * @default setTimeout, unref'd
   */
  setTimer?: SetTimer;
  /**
   * Longest `Prefer: wait` honoured, in whole seconds (the unit of RFC 7240's `wait` and of the
   * `max-wait` advertised in `Link`); 0 turns long-polling off.
   * @default 60
   */
  maxWaitSeconds?: number;
  /**
   * How often an open event stream gets a `progress` event, in ms; 0 sends only the first state
   * and `done`.
   * @default 1_000
   */
  sseProgressIntervalMs?: number;
  /**
   * A `: heartbeat` comment goes to a stream that sent nothing for this long, in ms; 0 never.
   * @default 15_000
   */
  sseHeartbeatMs?: number;
  /**
   * The `retry:` (reconnection delay, ms) that starts every event stream.
   * @default 1_000
   */
  sseRetryMs?: number;
  /**
   * Where jobs are kept.
   * @default new MemoryJobStore()
   */
  store?: JobStore;
  /**
   * Fastify's logger (pino). Quiet by default so tests stay silent.
   * @default false
   */
  logger?: LoggerOption;
  /**
   * Largest request body accepted, in bytes; larger ones get 413.
   * @default 65_536
   */
  bodyLimit?: number;
  /**
   * Largest `limit` accepted by `GET /jobs`; the default page size is min(20, this).
   * @default 100
   */
  maxListLimit?: number;
}

export type ResolvedAppOptions = Required<Omit<AppOptions, "seed" | "random" | "etaRandom">> & {
  random: Random;
  etaRandom: Random;
};

/** Applies defaults and rejects bad options with a TypeError that names the option. */
export function resolveAppOptions(options: AppOptions): ResolvedAppOptions {
  const seed = checkSeed(options.seed);
  const resolved = {
    pendingDurationMs: options.pendingDurationMs ?? 10_000,
    errorProbability: options.errorProbability ?? 0.1,
    etaError: options.etaError ?? 0.2,
    random: options.random ?? createRandom(seed),
    // Salted: the same seed, but a stream of its own, so outcomes are what they always were.
    etaRandom: options.etaRandom ?? createRandom(seed === undefined ? undefined : `eta:${seed}`),
    now: options.now ?? Date.now,
    setTimer: options.setTimer ?? defaultSetTimer,
    maxWaitSeconds: options.maxWaitSeconds ?? 60,
    sseProgressIntervalMs: options.sseProgressIntervalMs ?? 1_000,
    sseHeartbeatMs: options.sseHeartbeatMs ?? 15_000,
    sseRetryMs: options.sseRetryMs ?? 1_000,
    store: options.store ?? new MemoryJobStore(),
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 65_536,
    maxListLimit: options.maxListLimit ?? 100,
  };
  const { pendingDurationMs, errorProbability, bodyLimit, maxListLimit } = resolved;
  if (!(Number.isFinite(pendingDurationMs) && pendingDurationMs >= 0)) {
    fail("pendingDurationMs", "a finite number >= 0", pendingDurationMs);
  }
  if (!(Number.isFinite(errorProbability) && errorProbability >= 0 && errorProbability <= 1)) {
    fail("errorProbability", "a number from 0 to 1", errorProbability);
  }
  const { etaError } = resolved;
  if (!(Number.isFinite(etaError) && etaError >= 0 && etaError < 1)) {
    fail("etaError", "a number from 0 to below 1", etaError);
  }
  for (const name of ["random", "etaRandom", "now", "setTimer"] as const) {
    if (typeof resolved[name] !== "function") fail(name, "a function", resolved[name]);
  }
  if (!(Number.isSafeInteger(resolved.maxWaitSeconds) && resolved.maxWaitSeconds >= 0)) {
    fail("maxWaitSeconds", "an integer >= 0", resolved.maxWaitSeconds);
  }
  for (const name of ["sseProgressIntervalMs", "sseHeartbeatMs", "sseRetryMs"] as const) {
    const value = resolved[name];
    if (!(Number.isSafeInteger(value) && value >= 0)) fail(name, "an integer >= 0", value);
  }
  const { store } = resolved;
  const methods = ["insert", "get", "update", "list"] as const;
  if (typeof store !== "object" || !methods.every((m) => typeof store[m] === "function")) {
    fail("store", "a JobStore (insert, get, update, list)", store);
  }
  if (!(Number.isSafeInteger(bodyLimit) && bodyLimit > 0)) {
    fail("bodyLimit", "a positive integer", bodyLimit);
  }
  if (!(Number.isSafeInteger(maxListLimit) && maxListLimit > 0)) {
    fail("maxListLimit", "a positive integer", maxListLimit);
  }
  return resolved;
}

function checkSeed(seed: unknown): number | string | undefined {
  if (seed === undefined || typeof seed === "string" || Number.isSafeInteger(seed)) {
    return seed as number | string | undefined;
  }
  return fail("seed", "an integer or a string", seed);
}

function fail(option: string, expected: string, value: unknown): never {
  throw new TypeError(`Expected \`${option}\` to be ${expected}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (value !== null && typeof value === "object")
    return Array.isArray(value) ? "an array" : "an object";
  return String(value);
}
