import type { FastifyServerOptions } from "fastify";
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
   * Makes outcomes reproducible: the same seed gives the same sequence of outcomes and failure
   * reasons. An integer (taken modulo 2^32) or any string (hashed).
   * @default undefined (Math.random)
   */
  seed?: number | string;
  /**
   * Source of numbers in [0, 1) for outcomes; wins over `seed`. For tests.
   * @default a PRNG seeded with `seed`, or Math.random
   */
  random?: () => number;
  /**
   * The clock, in milliseconds since the epoch. Inject a fake one to move jobs along in tests.
   * @default Date.now
   */
  now?: () => number;
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

export type ResolvedAppOptions = Required<Omit<AppOptions, "seed" | "random">> & {
  random: Random;
};

/** Applies defaults and rejects bad options with a TypeError that names the option. */
export function resolveAppOptions(options: AppOptions): ResolvedAppOptions {
  const resolved = {
    pendingDurationMs: options.pendingDurationMs ?? 10_000,
    errorProbability: options.errorProbability ?? 0.1,
    random: options.random ?? createRandom(checkSeed(options.seed)),
    now: options.now ?? Date.now,
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
  if (typeof resolved.random !== "function") fail("random", "a function", resolved.random);
  if (typeof resolved.now !== "function") fail("now", "a function", resolved.now);
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
