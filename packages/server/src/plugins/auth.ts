import type { FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ApiKeys, presentedKey } from "../auth/api-keys.js";
import { ANYONE, callerOf, type Caller } from "../auth/caller.js";
import { isPublicRoute } from "./public-routes.js";
import { sendError } from "./send-error.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The header a route reads the API key from, instead of `X-Api-Key` (`xi-api-key`). */
    apiKeyHeader?: string;
  }
}

export interface AuthOptions {
  /** The keys accepted; none turns auth off. */
  apiKeys: readonly string[];
}

/**
 * API keys for every route but public ones. Who is calling is worked out as the request arrives
 * (onRequest), without answering yet, so that latency and the rate limit (by key, else by IP)
 * apply before a 401 does; the 401 comes once the other plugins' onRequest hooks have run
 * (preParsing, still before any body is read). With no keys, every request is `ANYONE`'s and
 * no hook runs.
 */
export const authPlugin = fp<AuthOptions>(
  async (app, { apiKeys }) => {
    const keys = new ApiKeys(apiKeys);
    if (!keys.enabled) {
      app.decorateRequest("caller", { getter: () => ANYONE });
      return;
    }
    // A declared field keeps every request's shape stable (cheaper than a WeakMap entry).
    app.decorateRequest("caller", null);
    app.addHook("onRequest", async (request) => {
      request.caller = identify(keys, request);
    });
    app.addHook("preParsing", requireApiKey);
  },
  { name: "auth" },
);

function identify(keys: ApiKeys, request: FastifyRequest): Caller {
  if (isPublicRoute(request)) return ANYONE;
  const presented = presentedKey(request.headers, request.routeOptions.config.apiKeyHeader);
  if ("problem" in presented) return { owner: undefined, authorized: false, ...presented };
  const owner = keys.ownerOf(presented.key);
  return owner === undefined
    ? { owner, authorized: false, problem: "The API key is not valid" }
    : { owner, authorized: true };
}

/** 401 `unauthorized` with `WWW-Authenticate: Bearer` unless the caller may proceed. */
async function requireApiKey(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { authorized, problem } = callerOf(request);
  if (authorized) return;
  reply.header("www-authenticate", "Bearer");
  // Once a reply is sent, Fastify runs no further hook and no handler. Nothing is returned: a
  // preParsing hook's result would replace the body stream.
  void sendError(reply, "unauthorized", problem ?? "Unauthorized");
}
