import type { LookupFunction } from "node:net";
import { AddressPolicy, ALLOW_LIST_EXPECTED, parseAllowList } from "./address-policy.js";
import { guardedFetch } from "./guarded-fetch.js";

/** Where the server may send webhooks; see docs/webhooks.md. */
export interface WebhookTargetOptions {
  /**
   * With `apiKeys` set, webhooks go to public addresses only: a target whose address is
   * loopback, private, link-local, unique-local, unspecified or reserved is refused, at
   * registration for an address literal, at delivery for a name. `true` allows every address;
   * addresses and CIDR ranges (`["10.1.0.0/16"]`) allow those. Without `apiKeys` every address
   * is allowed.
   * @default false
   */
  webhookAllowPrivate?: boolean | readonly string[];
  /**
   * Resolves the names of webhook targets when they are checked. For tests.
   * @default dns.lookup
   */
  webhookLookup?: LookupFunction;
}

/** The checks `buildApp` applies to webhook targets. */
export interface WebhookTargets {
  /** Undefined when every address is allowed. */
  policy: AddressPolicy | undefined;
  /** Sends only to allowed addresses; undefined when every address is allowed. */
  fetch: typeof fetch | undefined;
  /** Closes the guarded fetch's sockets. */
  close: () => Promise<void>;
}

/** Validates the options (a TypeError names a bad one) and builds the checks they ask for. */
export function webhookTargets(
  options: WebhookTargetOptions,
  apiKeys: readonly string[],
): WebhookTargets {
  const { webhookAllowPrivate: allow = false, webhookLookup: lookup } = options;
  const allowList =
    typeof allow === "boolean"
      ? undefined
      : Array.isArray(allow) && allow.every((entry) => typeof entry === "string")
        ? parseAllowList(allow)
        : undefined;
  if (typeof allow !== "boolean" && allowList === undefined) {
    const shown =
      typeof allow === "string"
        ? `the string ${JSON.stringify(allow)}`
        : (JSON.stringify(allow) ?? String(allow));
    throw new TypeError(
      `Expected \`webhookAllowPrivate\` to be a boolean or an array of ${ALLOW_LIST_EXPECTED}, got ${shown}`,
    );
  }
  if (lookup !== undefined && typeof lookup !== "function") {
    throw new TypeError(`Expected \`webhookLookup\` to be a function, got ${String(lookup)}`);
  }
  if (apiKeys.length === 0 || allow === true) {
    return { policy: undefined, fetch: undefined, close: async () => {} };
  }
  const policy = new AddressPolicy(allowList);
  const guarded = guardedFetch(policy, lookup);
  return { policy, ...guarded };
}
