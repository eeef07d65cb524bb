import type { FastifyCorsOptions } from "@fastify/cors";

/** The CORS setting of `buildApp`. */
export interface CorsAppOptions {
  /**
   * Origins (`scheme://host[:port]`) whose pages may call the API from a browser; `"*"` in the
   * list allows any, an empty list none.
   * @default ["*"]
   */
  corsOrigins?: readonly string[];
}

/** Request headers a page may send, beyond those browsers always allow. */
export const CORS_ALLOWED_HEADERS = [
  "X-Api-Key",
  "xi-api-key",
  "Authorization",
  "Idempotency-Key",
  "Prefer",
  "Last-Event-ID",
  "Content-Type",
  // The client's event streams ask proxies not to serve them from a cache.
  "Cache-Control",
  "X-Request-Id",
  "X-Client-Name",
] as const;

/**
 * Response headers a page may read, beyond those browsers always expose: the hints a waiting
 * client follows, where a new job is, and the ids to quote.
 */
export const CORS_EXPOSED_HEADERS = [
  "Retry-After",
  "Poll-After-Ms",
  "Link",
  "Preference-Applied",
  "Location",
  "Idempotency-Replayed",
  "X-Request-Id",
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-RateLimit-Reset",
  "X-Injected-Fault",
] as const;

const METHODS = ["GET", "HEAD", "POST", "PATCH", "DELETE"];
/** How long a browser may reuse a preflight's answer, in seconds. */
const PREFLIGHT_MAX_AGE = 600;

/** `corsOrigins` with its default, checked: a TypeError names the option. */
export function resolveCorsOrigins(options: CorsAppOptions): readonly string[] {
  const origins = options.corsOrigins ?? ["*"];
  if (!(Array.isArray(origins) && origins.every(isOriginOrAny))) {
    throw new TypeError(
      `Expected \`corsOrigins\` to be an array of origins such as "https://app.example" or "*", got ${JSON.stringify(origins)}`,
    );
  }
  return origins;
}

/** `*`, or an origin as a browser sends it: scheme, host and port, no path or trailing slash. */
export function isOriginOrAny(value: unknown): value is string {
  if (value === "*") return true;
  if (typeof value !== "string" || !URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === "http:" || url.protocol === "https:") && url.origin === value;
}

/**
 * @fastify/cors's options for `origins`: preflights end in its hook, and every answer (refusals
 * included) says who may read it and which headers. Register it before any hook that may answer
 * (auth, rate limit, faults), or a browser could not read those answers.
 */
export function corsOptions(origins: readonly string[]): FastifyCorsOptions {
  return {
    // "*" when any origin may call: one answer fits every origin, so no Vary: Origin.
    origin: origins.includes("*") ? "*" : origins.length === 0 ? false : [...origins],
    // Joined once here: @fastify/cors joins arrays again on every answer.
    methods: METHODS.join(", "),
    allowedHeaders: CORS_ALLOWED_HEADERS.join(", "),
    exposedHeaders: CORS_EXPOSED_HEADERS.join(", "),
    maxAge: PREFLIGHT_MAX_AGE,
    // Strict mode answers an OPTIONS without Origin in plain text; ours gets the same 204.
    strictPreflight: false,
  };
}
