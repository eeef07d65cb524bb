import type { FastifyRequest } from "fastify";

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
  /** A public route's request (`config.public`): no key, latency, rate limit or fault. */
  public?: boolean;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the auth plugin as the request arrives; read it through `callerOf`. */
    caller: Caller | null;
  }
}

/** The caller the auth plugin found; nobody is authorized when it has not run (fail closed). */
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

/** Whether the request is for a public route, as the auth plugin found. */
export function isPublicRequest(request: FastifyRequest): boolean {
  return request.caller?.public === true;
}

/** The owner whose jobs the request may see; undefined means all (auth off). */
export function ownerOf(request: FastifyRequest): string | undefined {
  return callerOf(request).owner;
}
