import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { presentedKey, type ApiKeys } from "../auth/api-keys.js";
import { isPublicRoute, routeOf } from "./public-routes.js";
import { sendError } from "./send-error.js";

/** Who sent a request, as far as auth is concerned. */
export interface Caller {
  /** The owner id of a valid key; undefined when auth is off (or the key is not valid). */
  owner: string | undefined;
  /** Whether the request may proceed: auth is off, or it carries a valid key. */
  authorized: boolean;
  /** Why it may not, for the 401. */
  problem?: string;
  /** What rate limits count against: the owner, else the client's IP. */
  limitKey: string;
  /** A public route's request (see `isPublicRoute`): no key, latency, rate limit or fault. */
  public?: boolean;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** The header a route reads the API key from, instead of `X-Api-Key` (`xi-api-key`). */
    apiKeyHeader?: string;
  }
  interface FastifyRequest {
    /** Set by `identifyCaller`; read it through `callerOf`. */
    caller: Caller | null;
  }
}

/** Declares the field `identifyCaller` fills (cheaper than a WeakMap entry per request). */
export function installCallerField(app: FastifyInstance): void {
  app.decorateRequest("caller", null);
}

/** The caller `identifyCaller` found; nobody is authorized when it has not run (fail closed). */
export function callerOf(request: FastifyRequest): Caller {
  return (
    request.caller ?? {
      owner: undefined,
      authorized: false,
      problem: "Unauthorized",
      limitKey: `ip:${request.ip}`,
    }
  );
}

/** Whether the request is for a public route, as `identifyCaller` found. */
export function isPublicRequest(request: FastifyRequest): boolean {
  return request.caller?.public === true;
}

/** The owner whose jobs the request may see; undefined means all (auth off). */
export function ownerOf(request: FastifyRequest): string | undefined {
  return callerOf(request).owner;
}

/**
 * onRequest: works out who is calling, without answering yet, so that latency and the rate limit
 * (by key, else by IP) apply before a 401 does.
 */
export function identifyCaller(keys: ApiKeys) {
  return async (request: FastifyRequest): Promise<void> => {
    request.caller = identify(keys, request);
  };
}

function identify(keys: ApiKeys, request: FastifyRequest): Caller {
  const ip = `ip:${request.ip}`;
  // Read once here: each look at the route's options builds an object.
  if (isPublicRoute(request))
    return { owner: undefined, authorized: true, limitKey: ip, public: true };
  if (!keys.enabled) return { owner: undefined, authorized: true, limitKey: ip };
  const presented = presentedKey(request.headers, routeOf(request).config.apiKeyHeader);
  if ("problem" in presented) {
    return { owner: undefined, authorized: false, ...presented, limitKey: ip };
  }
  const owner = keys.ownerOf(presented.key);
  return owner === undefined
    ? { owner, authorized: false, problem: "The API key is not valid", limitKey: ip }
    : { owner, authorized: true, limitKey: owner };
}

/** onRequest: 401 `unauthorized` with `WWW-Authenticate: Bearer` unless the caller may proceed. */
export async function requireApiKey(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  const { authorized, problem } = callerOf(request);
  if (authorized) return undefined;
  reply.header("www-authenticate", "Bearer");
  // Once a reply is sent, Fastify runs no further hook and no handler.
  return sendError(reply, "unauthorized", problem ?? "Unauthorized");
}
