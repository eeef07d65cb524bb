import type { FastifyServerOptions } from "fastify";
import { API_KEY_PATTERN } from "./auth/api-keys.js";
import { defaultSetTimer, type SetTimer } from "./events/scheduler.js";
import { FAULT_KINDS, isFaultKind, type FaultKind } from "./faults/kinds.js";
import { MAX_LATENCY_MS, toLatencyRange, type LatencyRange } from "./faults/latency.js";
import { IDEMPOTENCY_TTL_MS } from "./jobs/idempotency.js";
import { RETENTION_MS } from "./jobs/retention.js";
import { createRandom, type Random } from "./jobs/random.js";
import type { IdempotencyStore } from "./store/idempotency-store.js";
import type { TimelineRecorderOptions } from "./timeline/recorder.js";
import type { JobStore } from "./store/job-store.js";
import type { CorsAppOptions } from "./plugins/cors.js";
import type { WebhookAppOptions } from "./webhooks/options.js";
import { parseStorage, STORAGE_EXPECTED, type StorageSpec } from "./store/storage-spec.js";

/** Fastify's `logger` option: `true`, `false`, or pino options such as `{ level: "debug" }`. */
export type LoggerOption = NonNullable<FastifyServerOptions["logger"]>;

export interface AppOptions extends WebhookAppOptions, CorsAppOptions {
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
   * Where jobs and idempotency keys are kept: `memory`, `sqlite:PATH` (kept across restarts) or
   * `redis://HOST:PORT[/DB][?prefix=NAME]` (shared by every server pointed at it, which then hear
   * of each other's cancels). The app opens it, waits for it in `ready()`, and
   * closes it on `close()`. See docs/operations.md.
   * @default "memory"
   */
  storage?: string;
  /**
   * Where jobs are kept, instead of the one `storage` names; yours to close.
   * @default the `storage` store
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
  /**
   * Share of requests, 0..1, answered with a fault instead of the truth (health checks and
   * unknown routes never are). `POST /jobs` may override it for the requests about one job.
   * @default 0
   */
  faultRate?: number;
  /**
   * The faults to pick from, uniformly: `500`, `502`, `503`, `429`, `reset`, `hang`,
   * `truncated`, `slow`. Overridable per job.
   * @default all of them
   */
  faultKinds?: readonly FaultKind[];
  /**
   * Added before answering every request but health checks, in ms: a whole number, or
   * `[min, max]` for a uniform draw per request; at most 60 000. Overridable per job.
   * @default 0
   */
  latencyMs?: number | readonly [number, number];
  /**
   * Source of numbers in [0, 1) for fault decisions (two per request); wins over `seed`.
   * @default a third PRNG stream seeded with `seed`, or Math.random
   */
  faultRandom?: () => number;
  /**
   * Source of numbers in [0, 1) for latency draws (one per request); wins over `seed`.
   * @default a fourth PRNG stream seeded with `seed`, or Math.random
   */
  latencyRandom?: () => number;
  /**
   * Requests per second per API key (per client IP with auth off); past it, 429 `rate_limited`.
   * 0 for no limit.
   * @default 0
   */
  rateLimit?: number;
  /**
   * Most pending jobs per API key (for all clients together with auth off); past it,
   * `POST /jobs` answers 429 `concurrency_limit`. 0 for no limit.
   * @default 0
   */
  maxConcurrentJobs?: number;
  /**
   * Keys accepted in `X-Api-Key` or `Authorization: Bearer`; none turns auth off. Each is 1..255
   * visible ASCII characters without commas.
   * @default []
   */
  apiKeys?: readonly string[];
  /**
   * Whether the vendors' routes (HeyGen's, ElevenLabs') add the simulator's extensions:
   * `Poll-After-Ms`, `Retry-After` and a long-poll `Link` while a job is pending, and
   * `Prefer: wait` honoured. The real APIs send none, so by default their copies do not either.
   * @default false
   */
  vendorHints?: boolean;
  /**
   * Seconds of work per second of video, for HeyGen v3 translations: `start_time`/`end_time`
   * set the seconds of video (`duration`), and the job lasts `duration` times this. The
   * simulator's videos are all `pendingDurationMs / 1000 / this` seconds long, so a request that
   * names no part of the video keeps `pendingDurationMs`. Greater than 0, at most 1000.
   * @default 0.1 (so, with the default job length of 10 s, videos of 100 s)
   */
  workSecondsPerVideoSecond?: number;
  /**
   * Where `Idempotency-Key`s of `POST /jobs` are remembered, instead of the `storage` store.
   * @default the `storage` store (10 000 keys per API key in memory and SQLite)
   */
  idempotencyStore?: IdempotencyStore;
  /**
   * How long an `Idempotency-Key` is remembered, in ms; never longer than `retentionMs`.
   * @default 86_400_000 (24 h), or `retentionMs` when shorter
   */
  idempotencyTtlMs?: number;
  /**
   * How long a job is kept after it ended (completed, failed or was cancelled), in ms, with its
   * webhook deliveries; afterwards it is forgotten (`404`). Pending jobs are always kept. Bounds
   * the memory of a long run: the store holds the jobs of about the last retention period.
   * @default 86_400_000 (24 h)
   */
  retentionMs?: number;
  /**
   * Bounds of the per-job request timelines (`GET /jobs/:id/timeline`).
   * @default { maxEntriesPerJob: 100, maxJobs: 1_000, maxClientsPerJob: 32 }
   */
  timeline?: TimelineRecorderOptions;
  /**
   * The built dashboard served at `GET /`; `false` serves none (`GET /` is then a 404).
   * @default the build beside the server's bundle, or the dashboard package's `dist`
   */
  dashboardDir?: string | false;
}

type Resolved = Omit<
  AppOptions,
  | "seed"
  | "random"
  | "etaRandom"
  | "faultRandom"
  | "latencyRandom"
  | "latencyMs"
  // Resolved on their own, by resolveWebhookOptions.
  | keyof WebhookAppOptions
  | keyof CorsAppOptions
  | "storage"
  | "store"
  | "idempotencyStore"
  | "timeline"
  | "dashboardDir"
>;

export type ResolvedAppOptions = Required<Resolved> & {
  storage: StorageSpec;
  store: JobStore | undefined;
  idempotencyStore: IdempotencyStore | undefined;
  random: Random;
  etaRandom: Random;
  faultRandom: Random;
  latencyRandom: Random;
  latency: LatencyRange;
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
    etaRandom: options.etaRandom ?? salted("eta", seed),
    now: options.now ?? Date.now,
    setTimer: options.setTimer ?? defaultSetTimer,
    maxWaitSeconds: options.maxWaitSeconds ?? 60,
    sseProgressIntervalMs: options.sseProgressIntervalMs ?? 1_000,
    sseHeartbeatMs: options.sseHeartbeatMs ?? 15_000,
    sseRetryMs: options.sseRetryMs ?? 1_000,
    store: options.store,
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 65_536,
    maxListLimit: options.maxListLimit ?? 100,
    faultRate: options.faultRate ?? 0,
    faultKinds: options.faultKinds ?? FAULT_KINDS,
    // Salted streams of their own, so turning faults or latency on shifts no outcome, and
    // turning latency on shifts no fault.
    faultRandom: options.faultRandom ?? salted("faults", seed),
    latencyRandom: options.latencyRandom ?? salted("latency", seed),
    latency: toLatencyRange(options.latencyMs ?? 0),
    rateLimit: options.rateLimit ?? 0,
    maxConcurrentJobs: options.maxConcurrentJobs ?? 0,
    apiKeys: options.apiKeys ?? [],
    vendorHints: options.vendorHints ?? false,
    workSecondsPerVideoSecond: options.workSecondsPerVideoSecond ?? 0.1,
    idempotencyStore: options.idempotencyStore,
    retentionMs: options.retentionMs ?? RETENTION_MS,
    idempotencyTtlMs:
      options.idempotencyTtlMs ?? Math.min(IDEMPOTENCY_TTL_MS, options.retentionMs ?? RETENTION_MS),
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
  for (const name of [
    "random",
    "etaRandom",
    "faultRandom",
    "latencyRandom",
    "now",
    "setTimer",
  ] as const) {
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
  const methods = ["insert", "get", "update", "list", "pendingOf"] as const;
  if (
    store !== undefined &&
    (typeof store !== "object" ||
      store === null ||
      !methods.every((m) => typeof store[m] === "function"))
  ) {
    fail("store", "a JobStore (insert, get, update, list, pendingOf)", store);
  }
  const storage =
    options.storage === undefined
      ? { kind: "memory" as const }
      : typeof options.storage === "string"
        ? parseStorage(options.storage)
        : undefined;
  if (storage === undefined) fail("storage", STORAGE_EXPECTED, options.storage);
  if (!(Number.isSafeInteger(bodyLimit) && bodyLimit > 0)) {
    fail("bodyLimit", "a positive integer", bodyLimit);
  }
  if (!(Number.isSafeInteger(maxListLimit) && maxListLimit > 0)) {
    fail("maxListLimit", "a positive integer", maxListLimit);
  }
  const { faultRate, faultKinds, latency, apiKeys, idempotencyStore } = resolved;
  if (!(Number.isFinite(faultRate) && faultRate >= 0 && faultRate <= 1)) {
    fail("faultRate", "a number from 0 to 1", faultRate);
  }
  if (!(Array.isArray(faultKinds) && faultKinds.length > 0 && faultKinds.every(isFaultKind))) {
    fail("faultKinds", `a non-empty array of ${FAULT_KINDS.join(", ")}`, faultKinds);
  }
  if (latency === undefined) {
    fail(
      "latencyMs",
      `a whole number of ms from 0 to ${MAX_LATENCY_MS}, or [min, max] with min <= max`,
      options.latencyMs,
    );
  }
  const { workSecondsPerVideoSecond: work } = resolved;
  if (!(Number.isFinite(work) && work > 0 && work <= 1_000)) {
    fail("workSecondsPerVideoSecond", "a number greater than 0, at most 1000", work);
  }
  if (typeof resolved.vendorHints !== "boolean") {
    fail("vendorHints", "true or false", resolved.vendorHints);
  }
  for (const name of ["rateLimit", "maxConcurrentJobs"] as const) {
    const value = resolved[name];
    if (!(Number.isSafeInteger(value) && value >= 0)) fail(name, "an integer >= 0", value);
  }
  if (!(
    Array.isArray(apiKeys) &&
    apiKeys.every((key) => typeof key === "string" && API_KEY_PATTERN.test(key))
  )) {
    fail("apiKeys", "an array of 1..255 visible ASCII characters without commas", apiKeys);
  }
  if (
    idempotencyStore !== undefined &&
    (typeof idempotencyStore !== "object" ||
      idempotencyStore === null ||
      typeof idempotencyStore.get !== "function" ||
      typeof idempotencyStore.put !== "function")
  ) {
    fail("idempotencyStore", "an IdempotencyStore (get, put)", idempotencyStore);
  }
  if (!(Number.isSafeInteger(resolved.retentionMs) && resolved.retentionMs > 0)) {
    fail("retentionMs", "a positive integer", resolved.retentionMs);
  }
  if (!(Number.isSafeInteger(resolved.idempotencyTtlMs) && resolved.idempotencyTtlMs > 0)) {
    fail("idempotencyTtlMs", "a positive integer", resolved.idempotencyTtlMs);
  }
  return { ...resolved, storage, latency, faultKinds: [...new Set(faultKinds)] };
}

function salted(salt: string, seed: number | string | undefined): Random {
  return createRandom(seed === undefined ? undefined : `${salt}:${seed}`);
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
