import fastifyRateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Redis } from "ioredis";
import { callerOf, isPublicRequest } from "./auth.js";
import { sendError } from "./send-error.js";

const WINDOW_MS = 1_000;
/** Counters kept at most; the least recently seen key goes first (as the plugin's own store). */
const MAX_TRACKED_KEYS = 10_000;

type Limiter = ReturnType<FastifyInstance["createRateLimit"]>;
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
  /** Requests per second per API key (per IP without one). */
  max: number;
  now: () => number;
  /**
   * Counts in Redis instead, under `prefix`, so every server sharing it counts the same
   * requests; windows then follow Redis's clock, not `now`.
   */
  redis?: { client: Redis; prefix: string } | undefined;
}

/**
 * Registers @fastify/rate-limit (with its Redis store when the server shares a Redis) (global off: it would hook routes only, after our auth) and
 * returns an onRequest hook that applies it to every request but health checks, 404s included.
 * Past the limit: 429 `rate_limited` with `Retry-After`; every counted response carries the
 * `x-ratelimit-*` headers.
 */
export function rateLimiter(app: FastifyInstance, { max, now, redis }: RateLimitOptions) {
  void app.register(fastifyRateLimit, {
    global: false,
    ...(redis === undefined
      ? { store: clockStore(now) }
      : { redis: redis.client, nameSpace: `${redis.prefix}rate:` }),
  });
  let limiter: Limiter | undefined;
  // The plugin's decorator exists once it has loaded.
  app.addHook("onReady", async () => {
    limiter = app.createRateLimit({
      max,
      timeWindow: WINDOW_MS,
      keyGenerator: (request) => callerOf(request).limitKey,
    });
  });

  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (limiter === undefined || isPublicRequest(request)) return;
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
  };
}
