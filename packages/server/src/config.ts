import { API_KEY_PATTERN } from "./auth/api-keys.js";
import { ConfigError } from "./config-error.js";
import { FAULT_KINDS, isFaultKind, type FaultKind } from "./faults/kinds.js";
import { MAX_LATENCY_MS, parseLatency } from "./faults/latency.js";
import { isOriginOrAny } from "./plugins/cors.js";
import { parseStorage, STORAGE_EXPECTED } from "./store/storage-spec.js";
import type { StartServerOptions } from "./start.js";
import { ALLOW_LIST_EXPECTED, parseAllowList } from "./webhooks/address-policy.js";
import { isWebhookSecret } from "./webhooks/secret.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The server's settings, read from the environment by `loadConfig`. */
export interface ServerConfig extends Required<
  Pick<
    StartServerOptions,
    | "port"
    | "host"
    | "pendingDurationMs"
    | "errorProbability"
    | "etaError"
    | "maxWaitSeconds"
    | "sseProgressIntervalMs"
    | "sseHeartbeatMs"
  >
> {
  /** From SEED; decimal integers become numbers, anything else stays a string (hashed later). */
  seed?: number | string;
  logLevel: LogLevel;
  // The settings below are present only when their variable is set; buildApp has the defaults.
  /** FAULT_RATE. */
  faultRate?: number;
  /** FAULT_KINDS. */
  faultKinds?: FaultKind[];
  /** LATENCY_MS: ms, or [min, max]. */
  latencyMs?: number | [number, number];
  /** RATE_LIMIT: requests per second per API key; 0 for none. */
  rateLimit?: number;
  /** MAX_CONCURRENT_JOBS: pending jobs per API key; 0 for no limit. */
  maxConcurrentJobs?: number;
  /** API_KEYS; auth is off without. */
  apiKeys?: string[];
  /** WEBHOOK_SECRET: signs jobs' callbackUrl webhooks. */
  webhookSecret?: string;
  /** WEBHOOK_MAX_ATTEMPTS. */
  webhookMaxAttempts?: number;
  /** WEBHOOK_TIMEOUT, read in seconds. */
  webhookTimeoutMs?: number;
  /** WEBHOOK_RETRY_DELAY, read in seconds. */
  webhookRetryDelayMs?: number;
  /** WEBHOOK_ALLOW_PRIVATE: 1 or 0, or the addresses and CIDR ranges to allow. */
  webhookAllowPrivate?: boolean | string[];
  /** VENDOR_HINTS: `1`/`true` turns the simulator's hints on for the vendors' routes. */
  vendorHints?: boolean;
  /** WORK_PER_VIDEO_SECOND: how a HeyGen v3 translation's length follows its video. */
  workSecondsPerVideoSecond?: number;
  /** STORE: `memory`, `sqlite:PATH` or `redis://HOST:PORT`, checked here. */
  storage?: string;
  /** RETENTION, read in seconds: how long an ended job is kept. */
  retentionMs?: number;
  /** CORS_ORIGINS: the origins whose pages may call; any without. */
  corsOrigins?: string[];
}

type Env = Record<string, string | undefined>;

const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
const SECONDS = "a number of seconds >= 0";

/** Seconds, fractions allowed, to whole milliseconds. */
function toMs(raw: string): number | undefined {
  const ms = Math.round(Number(raw) * 1000);
  return DECIMAL.test(raw) && Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * Reads PORT, HOST, PENDING_DURATION (seconds), ERROR_PROBABILITY, ETA_ERROR, LONG_POLL_MAX_WAIT
 * (whole seconds), SSE_PROGRESS_INTERVAL and SSE_HEARTBEAT (seconds), SEED, LOG_LEVEL, and the
 * misbehaviour and safety settings FAULT_RATE, FAULT_KINDS, LATENCY_MS, RATE_LIMIT,
 * MAX_CONCURRENT_JOBS, API_KEYS, VENDOR_HINTS, WORK_PER_VIDEO_SECOND, STORE, RETENTION (seconds) and CORS_ORIGINS, and the webhook settings WEBHOOK_SECRET,
 * WEBHOOK_MAX_ATTEMPTS, WEBHOOK_TIMEOUT and WEBHOOK_RETRY_DELAY (seconds) and WEBHOOK_ALLOW_PRIVATE. Unset or empty variables take their defaults; a bad value
 * throws a ConfigError naming the variable.
 *
 * @example
 * loadConfig({ PORT: "0", PENDING_DURATION: "2.5" }); // { port: 0, pendingDurationMs: 2500, ... }
 */
export function loadConfig(env: Env = process.env): ServerConfig {
  const seed = read(env, "SEED");
  return {
    port: parse(env, "PORT", 8000, "an integer from 0 to 65535", (raw) => {
      const port = Number(raw);
      return /^\d+$/.test(raw) && port <= 65_535 ? port : undefined;
    }),
    host: parse(env, "HOST", "127.0.0.1", "a host name or IP address", (raw) =>
      /\s/.test(raw) ? undefined : raw,
    ),
    pendingDurationMs: parse(env, "PENDING_DURATION", 10_000, SECONDS, (raw) => {
      const ms = Math.round(Number(raw) * 1000);
      return DECIMAL.test(raw) && Number.isFinite(ms) ? ms : undefined;
    }),
    errorProbability: parse(env, "ERROR_PROBABILITY", 0.1, "a number from 0 to 1", (raw) => {
      const probability = Number(raw);
      return DECIMAL.test(raw) && probability <= 1 ? probability : undefined;
    }),
    etaError: parse(env, "ETA_ERROR", 0.2, "a number from 0 to below 1, such as 0.2", (raw) => {
      const bound = Number(raw);
      return DECIMAL.test(raw) && bound < 1 ? bound : undefined;
    }),
    maxWaitSeconds: parse(
      env,
      "LONG_POLL_MAX_WAIT",
      60,
      "a whole number of seconds >= 0",
      (raw) => {
        const seconds = Number(raw);
        return /^\d+$/.test(raw) && Number.isSafeInteger(seconds) ? seconds : undefined;
      },
    ),
    sseProgressIntervalMs: parse(env, "SSE_PROGRESS_INTERVAL", 1_000, SECONDS, toMs),
    sseHeartbeatMs: parse(env, "SSE_HEARTBEAT", 15_000, SECONDS, toMs),
    ...(seed !== undefined && { seed: toSeedValue(seed) }),
    logLevel: parse(env, "LOG_LEVEL", "info", `one of ${LOG_LEVELS.join(", ")}`, (raw) =>
      LOG_LEVELS.find((level) => level === raw.toLowerCase()),
    ),
    ...optional(
      "faultRate",
      parse(env, "FAULT_RATE", undefined, "a number from 0 to 1", (raw) => {
        const rate = Number(raw);
        return DECIMAL.test(raw) && rate <= 1 ? rate : undefined;
      }),
    ),
    ...optional(
      "faultKinds",
      parse(
        env,
        "FAULT_KINDS",
        undefined,
        `a comma-separated list of ${FAULT_KINDS.join(", ")}`,
        (raw) => {
          const kinds = raw.split(",").map((kind) => kind.trim().toLowerCase());
          return kinds.every(isFaultKind) ? [...new Set(kinds)] : undefined;
        },
      ),
    ),
    ...optional(
      "latencyMs",
      parse(
        env,
        "LATENCY_MS",
        undefined,
        `whole ms from 0 to ${MAX_LATENCY_MS}, or a range such as 20-200`,
        (raw) => {
          const range = parseLatency(raw);
          if (range === undefined) return undefined;
          return range.min === range.max ? range.min : ([range.min, range.max] as [number, number]);
        },
      ),
    ),
    ...optional("rateLimit", parse(env, "RATE_LIMIT", undefined, WHOLE, toWhole)),
    ...optional("maxConcurrentJobs", parse(env, "MAX_CONCURRENT_JOBS", undefined, WHOLE, toWhole)),
    ...optional(
      "apiKeys",
      parse(
        env,
        "API_KEYS",
        undefined,
        "comma-separated keys of 1..255 visible ASCII characters",
        (raw) => {
          const keys = raw.split(",").map((key) => key.trim());
          return keys.every((key) => API_KEY_PATTERN.test(key)) ? keys : undefined;
        },
      ),
    ),
    ...optional(
      "storage",
      parse(env, "STORE", undefined, STORAGE_EXPECTED, (raw) =>
        parseStorage(raw) === undefined ? undefined : raw,
      ),
    ),
    ...optional(
      "retentionMs",
      parse(env, "RETENTION", undefined, "a number of seconds >= 0.001", (raw) => {
        const ms = toMs(raw);
        return ms !== undefined && ms > 0 ? ms : undefined;
      }),
    ),
    ...optional(
      "corsOrigins",
      parse(
        env,
        "CORS_ORIGINS",
        undefined,
        "* or comma-separated origins such as https://app.example,http://localhost:5173",
        (raw) => {
          const origins = raw.split(",").map((origin) => origin.trim());
          return origins.every(isOriginOrAny) ? [...new Set(origins)] : undefined;
        },
      ),
    ),
    ...optional(
      "vendorHints",
      parse(env, "VENDOR_HINTS", undefined, "1 or 0 (or true or false)", (raw) =>
        FLAGS.get(raw.toLowerCase()),
      ),
    ),
    ...optional(
      "workSecondsPerVideoSecond",
      parse(
        env,
        "WORK_PER_VIDEO_SECOND",
        undefined,
        "a number greater than 0, at most 1000",
        (raw) => {
          const work = Number(raw);
          return DECIMAL.test(raw) && work > 0 && work <= 1_000 ? work : undefined;
        },
      ),
    ),
    ...webhookSettings(env),
  };
}

/** A secret is never echoed, not even in the error about it. */
function readSecret(env: Env, name: string): string | undefined {
  const raw = read(env, name);
  if (raw === undefined || isWebhookSecret(raw)) return raw;
  throw new ConfigError(name, "(hidden)", "whsec_ and the base64 of 24 to 64 bytes");
}

/** WEBHOOK_*, each present only when set. */
function webhookSettings(env: Env): Partial<ServerConfig> {
  const positiveMs = (raw: string) => {
    const ms = toMs(raw);
    return ms !== undefined && ms > 0 ? ms : undefined;
  };
  return {
    ...optional("webhookSecret", readSecret(env, "WEBHOOK_SECRET")),
    ...optional(
      "webhookMaxAttempts",
      parse(env, "WEBHOOK_MAX_ATTEMPTS", undefined, "a whole number from 1 to 100", (raw) => {
        const attempts = toWhole(raw);
        return attempts !== undefined && attempts >= 1 && attempts <= 100 ? attempts : undefined;
      }),
    ),
    ...optional(
      "webhookTimeoutMs",
      parse(env, "WEBHOOK_TIMEOUT", undefined, "a number of seconds > 0", positiveMs),
    ),
    ...optional(
      "webhookRetryDelayMs",
      parse(env, "WEBHOOK_RETRY_DELAY", undefined, "a number of seconds > 0", positiveMs),
    ),
    ...optional(
      "webhookAllowPrivate",
      parse(env, "WEBHOOK_ALLOW_PRIVATE", undefined, `1, 0, or ${ALLOW_LIST_EXPECTED}`, (raw) => {
        if (raw === "1" || raw.toLowerCase() === "true") return true;
        if (raw === "0" || raw.toLowerCase() === "false") return false;
        const entries = raw.split(",").map((entry) => entry.trim());
        return parseAllowList(entries) === undefined ? undefined : entries;
      }),
    ),
  };
}

const WHOLE = "a whole number >= 0 (0 for no limit)";

const FLAGS = new Map([
  ["1", true],
  ["true", true],
  ["0", false],
  ["false", false],
]);

function toWhole(raw: string): number | undefined {
  const value = Number(raw);
  return /^\d+$/.test(raw) && Number.isSafeInteger(value) ? value : undefined;
}

/** `{ [name]: value }`, or nothing when the variable was unset. */
function optional<K extends string, T>(name: K, value: T | undefined): { [P in K]?: T } {
  return (value === undefined ? {} : { [name]: value }) as { [P in K]?: T };
}

function read(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === "" ? undefined : raw;
}

function parse<T>(
  env: Env,
  name: string,
  fallback: T,
  expected: string,
  convert: (raw: string) => T | undefined,
): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const value = convert(raw);
  if (value === undefined) throw new ConfigError(name, raw, expected);
  return value;
}

function toSeedValue(raw: string): number | string {
  const number = Number(raw);
  return /^-?\d+$/.test(raw) && Number.isSafeInteger(number) ? number : raw;
}
