import { lookup as dnsLookup } from "node:dns";
import type { LookupFunction } from "node:net";
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from "undici";
import { addressLiteral, type AddressPolicy } from "./address-policy.js";
import { RefusedTargetError } from "./refused-target-error.js";

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
  // Takes a URL, as the dispatcher sends: undici's fetch cannot read Node's own Request objects.
  const fetch = async (input: string | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input);
    const address = addressLiteral(url.hostname);
    const range = address === undefined ? undefined : policy.refusal(address);
    if (address !== undefined && range !== undefined) {
      throw new RefusedTargetError(address, address, range);
    }
    const response = await undiciFetch(url, { ...(init as UndiciRequestInit), dispatcher: agent });
    return response as unknown as Response;
  };
  return { fetch: fetch as typeof globalThis.fetch, close: () => agent.destroy() };
}

/**
 * Resolves every address of the name and refuses them all when one is refused: a name that
 * points at both a public and a private address is not a public target.
 */
function guardedLookup(policy: AddressPolicy, lookup: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, found, family) => {
      if (error) {
        callback(error, "");
        return;
      }
      // An answer the check cannot read is refused too (an injected resolver's, say).
      let refused: Error | undefined;
      const addresses = Array.isArray(found) ? found : [{ address: found, family: family ?? 4 }];
      try {
        for (const { address } of addresses) {
          const range = policy.refusal(address);
          if (range !== undefined) {
            refused = new RefusedTargetError(hostname, address, range);
            break;
          }
        }
      } catch (caught) {
        refused = caught as Error;
      }
      const [first] = addresses;
      if (refused !== undefined || first === undefined) {
        callback(
          refused ?? Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }),
          "",
        );
      } else if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}
