import { createRandom, type Random } from "../jobs/random.js";
import { isWebhookSecret } from "./secret.js";
import type { WebhookTargetOptions } from "./target-options.js";

/** The webhook settings of `buildApp`; see docs/webhooks.md. */
export interface WebhookAppOptions extends WebhookTargetOptions {
  /**
   * Signs the webhooks sent to jobs' `callbackUrl`, for every API key: `whsec_` and base64 of
   * 24..64 bytes. `GET /webhooks/secret` shows it.
   * @default a random secret per API key, made on first use
   */
  webhookSecret?: string;
  /**
   * Attempts per event and target, the first included; 1 means no retry.
   * @default 5
   */
  webhookMaxAttempts?: number;
  /**
   * How long one attempt may take, answer included, in ms.
   * @default 10_000
   */
  webhookTimeoutMs?: number;
  /**
   * Backoff before the first retry, in ms; it doubles after every failed attempt, up to
   * `webhookMaxRetryDelayMs`, and the actual delay is drawn in [backoff/2, backoff].
   * @default 1_000
   */
  webhookRetryDelayMs?: number;
  /**
   * Cap on the retry backoff, in ms.
   * @default 60_000
   */
  webhookMaxRetryDelayMs?: number;
  /**
   * Sends the webhooks. For tests: it replaces the check of resolved addresses too.
   * @default globalThis.fetch, or one that checks addresses (`webhookAllowPrivate`)
   */
  webhookFetch?: typeof fetch;
  /**
   * Source of numbers in [0, 1) for the retry jitter; wins over `seed`.
   * @default a PRNG stream of its own seeded with `seed`, or Math.random
   */
  webhookRandom?: () => number;
}

export interface ResolvedWebhookOptions {
  callbackSecret: string | undefined;
  maxAttempts: number;
  timeoutMs: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  fetch: typeof fetch | undefined;
  random: Random;
}

/** Applies defaults and rejects bad options with a TypeError that names the option. */
export function resolveWebhookOptions(
  options: WebhookAppOptions,
  seed: number | string | undefined,
): ResolvedWebhookOptions {
  const resolved = {
    callbackSecret: options.webhookSecret,
    maxAttempts: options.webhookMaxAttempts ?? 5,
    timeoutMs: options.webhookTimeoutMs ?? 10_000,
    retryDelayMs: options.webhookRetryDelayMs ?? 1_000,
    maxRetryDelayMs: options.webhookMaxRetryDelayMs ?? 60_000,
    fetch: options.webhookFetch,
    // Salted, so turning webhooks on shifts no outcome.
    random:
      options.webhookRandom ?? createRandom(seed === undefined ? undefined : `webhooks:${seed}`),
  };
  if (resolved.callbackSecret !== undefined && !isWebhookSecret(resolved.callbackSecret)) {
    fail("webhookSecret", "whsec_ and the base64 of 24 to 64 bytes", "a string");
  }
  const { maxAttempts, timeoutMs, retryDelayMs, maxRetryDelayMs } = resolved;
  if (!(Number.isSafeInteger(maxAttempts) && maxAttempts >= 1 && maxAttempts <= 100)) {
    fail("webhookMaxAttempts", "an integer from 1 to 100", maxAttempts);
  }
  for (const [name, value] of [
    ["webhookTimeoutMs", timeoutMs],
    ["webhookRetryDelayMs", retryDelayMs],
    ["webhookMaxRetryDelayMs", maxRetryDelayMs],
  ] as const) {
    if (!(Number.isSafeInteger(value) && value > 0)) fail(name, "a positive integer", value);
  }
  if (resolved.fetch !== undefined && typeof resolved.fetch !== "function") {
    fail("webhookFetch", "a function", resolved.fetch);
  }
  if (typeof resolved.random !== "function") fail("webhookRandom", "a function", resolved.random);
  return resolved;
}

function fail(option: string, expected: string, value: unknown): never {
  const shown =
    typeof value === "string" ? value : typeof value === "object" ? "an object" : String(value);
  throw new TypeError(`Expected \`${option}\` to be ${expected}, got ${shown}`);
}
