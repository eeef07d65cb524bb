import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from "undici";
import type { AddressPolicy } from "./address-policy.js";
import { addressLiteral, RefusedTargetError } from "./refused-target-error.js";

/** A `fetch` that sends only to addresses the policy allows, and the means to close its sockets. */
export interface GuardedFetch {
  fetch: typeof fetch;
  close: () => Promise<void>;
}

/**
 * A `fetch` that checks the address each socket connects to, not the name alone: a name is
 * checked as the connection resolves it, so a DNS answer that changes after registration (DNS
 * rebinding) meets the same check. An address literal is checked before anything is sent.
 * Undici's own `fetch` with its own `Agent`, so the two always match.
 */
export function guardedFetch(
  policy: AddressPolicy,
  lookup: LookupFunction = dnsLookup as LookupFunction,
): GuardedFetch {
  const agent = new Agent({ connect: { lookup: guardedLookup(policy, lookup) } });
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    const address = addressLiteral(url.hostname);
    const range = address === undefined ? undefined : policy.refusal(address);
    if (address !== undefined && range !== undefined) {
      throw new RefusedTargetError(address, address, range);
    }
    const response = await undiciFetch(url, { ...(init as UndiciRequestInit), dispatcher: agent });
    return response as unknown as Response;
  };
  return { fetch, close: () => agent.destroy() };
}

/**
 * Resolves every address of the name and refuses them all when one is refused: a name that
 * points at both a public and a private address is not a public target.
 */
function guardedLookup(policy: AddressPolicy, lookup: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, found) => {
      if (error) {
        callback(error, "");
        return;
      }
      const addresses = found as LookupAddress[];
      for (const { address } of addresses) {
        const range = policy.refusal(address);
        if (range !== undefined) {
          callback(new RefusedTargetError(hostname, address, range), "");
          return;
        }
      }
      if (options.all) callback(null, addresses);
      else if (addresses[0] === undefined)
        callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "");
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
