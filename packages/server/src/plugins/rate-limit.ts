import fastifyRateLimit from "@fastify/rate-limit";
import fp from "fastify-plugin";
import type { Redis } from "ioredis";
import { limitKeyOf } from "../auth/caller.js";
import { isPublicRoute } from "./public-routes.js";
import { sendError } from "./send-error.js";

const WINDOW_MS = 1_000;
/** Counters kept at most; the least recently seen key goes first (as the plugin's own store). */
const MAX_TRACKED_KEYS = 10_000;

type IncrCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * A fixed-window counter store for @fastify/rate-limit on the server's clock (the plugin's own
 * reads Date.now), so tests move windows with the injected `now`.
 */
function clockStore(now: () => number) {
  return class ClockRateLimitStore {
    readonly #windows = new Map<string, { count: number; startedAt: number }>();

    incr(key: string, callback: IncrCallback, timeWindow = WINDOW_MS): void {
      const at = now();
      let window = this.#windows.get(key);
      if (window === undefined || window.startedAt + timeWindow <= at) {
        window = { count: 0, startedAt: at };
      }
      window.count++;
      // Re-inserted, so the Map's order is least recently seen first.
      this.#windows.delete(key);
      this.#windows.set(key, window);
      if (this.#windows.size > MAX_TRACKED_KEYS) {
        this.#windows.delete(this.#windows.keys().next().value!);
      }
      callback(null, { current: window.count, ttl: window.startedAt + timeWindow - at });
    }

    child(): ClockRateLimitStore {
      return new ClockRateLimitStore();
    }
  };
}

export interface RateLimitOptions {
  /** Requests per second per API key (per IP without one); 0 turns the limit off. */
  max: number;
  now: () => number;
  /**
   * Counts in Redis instead, under `prefix`, so every server sharing it counts the same
   * requests; windows then follow Redis's clock, not `now`.
   */
  redis?: { client: Redis; prefix: string } | undefined;
}

/**
 * Applies @fastify/rate-limit (with its Redis store when the server shares a Redis) to every
 * request but public ones, 404s included, in an onRequest hook of ours (the plugin's global mode
 * would hook routes only, after our auth). Past the limit: 429 `rate_limited` with
 * `Retry-After`; every counted response carries the `x-ratelimit-*` headers.
 */
export const rateLimitPlugin = fp<RateLimitOptions>(
  async (app, { max, now, redis }) => {
    if (max <= 0) return;
    await app.register(fastifyRateLimit, {
      global: false,
      ...(redis === undefined
        ? { store: clockStore(now) }
        : { redis: redis.client, nameSpace: `${redis.prefix}rate:` }),
    });
    const limiter = app.createRateLimit({
      max,
      timeWindow: WINDOW_MS,
      keyGenerator: limitKeyOf,
    });
    app.addHook("onRequest", async (request, reply) => {
      if (isPublicRoute(request)) return;
      const result = await limiter(request);
      if (result.isAllowed) return;
      reply.header("x-ratelimit-limit", String(result.max));
      reply.header("x-ratelimit-remaining", String(result.remaining));
      reply.header("x-ratelimit-reset", String(result.ttlInSeconds));
      if (!result.isExceeded) return;
      reply.header("retry-after", String(Math.max(1, result.ttlInSeconds)));
      return sendError(
        reply,
        "rate_limited",
        `Rate limit of ${result.max} requests per second exceeded; retry in ${Math.max(1, result.ttlInSeconds)} s`,
      );
    });
  },
  { name: "rate-limit", dependencies: ["auth"] },
);
