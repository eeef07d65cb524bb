import type { FastifyRequest } from "fastify";

/** Who sent a request, as far as auth is concerned. */
export interface Caller {
  /** The owner id of a valid key; undefined when auth is off (or the key is not valid). */
  owner: string | undefined;
  /** Whether the request may proceed: auth is off, it carries a valid key, or its route is public. */
  authorized: boolean;
  /** Why it may not, for the 401. */
  problem?: string;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the auth plugin as the request arrives; read it through `callerOf`. */
    caller: Caller | null;
  }
}

/** Anyone, with auth off or on a public route: one object, shared by every such request. */
export const ANYONE: Readonly<Caller> = Object.freeze({ owner: undefined, authorized: true });

const NOBODY: Readonly<Caller> = Object.freeze({
  owner: undefined,
  authorized: false,
  problem: "Unauthorized",
});

/** The caller the auth plugin found; nobody is authorized when it has not run (fail closed). */
export function callerOf(request: FastifyRequest): Caller {
  return request.caller ?? NOBODY;
}

/** The owner whose jobs the request may see; undefined means all (auth off). */
export function ownerOf(request: FastifyRequest): string | undefined {
  return callerOf(request).owner;
}

/** What rate limits count a request against: its caller's owner, else the client's IP. */
export function limitKeyOf(request: FastifyRequest): string {
  return callerOf(request).owner ?? `ip:${request.ip}`;
}
