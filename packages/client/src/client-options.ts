import { BUDGET_DEFAULTS } from "./budget.js";
import { describe, validateOptions } from "./internal/validate.js";
import { CLIENT_ALIASES, CLIENT_OPTION_RULES } from "./option-rules.js";
import { CLIENT_DEFAULTS, checkUrl, type ClientOptions } from "./options.js";
import type { ApiName } from "./profiles/types.js";
import { definedOnly } from "./wait-options.js";

/** The client's options after the call forms are told apart, checked, and defaults applied. */
export type ResolvedClientOptions<A extends ApiName> = ClientOptions<A> & {
  [K in keyof typeof CLIENT_DEFAULTS | keyof typeof BUDGET_DEFAULTS | "statusUrl"]: K extends
    "baseUrl" | "statusUrl"
    ? string
    : number;
};

/**
 * The constructor's two forms: `(options?)`, or `(statusUrl, options?)` (the original usage,
 * plus options). Anything else, an unknown option or a wrong type is a TypeError naming it.
 */
export function resolveClientOptions<A extends ApiName>(
  first: unknown,
  second: unknown,
): ResolvedClientOptions<A> {
  let given: ClientOptions<A>;
  let fromUrl: Partial<ClientOptions<A>> = {};
  if (typeof first === "string") {
    if (second !== undefined && !isPlainObject(second)) {
      throw new TypeError(
        `The second argument of TranslationStatusClient must be an options object, got ${describe(second)}`,
      );
    }
    given = (second ?? {}) as ClientOptions<A>;
    if (given.statusUrl !== undefined) {
      throw new TypeError(
        'Option "statusUrl" is already the first argument: give the status URL once',
      );
    }
    const statusUrl = checkUrl("statusUrl", first);
    // Jobs live beside the status resource, unless baseUrl says otherwise.
    fromUrl = { statusUrl, baseUrl: statusUrl.replace(/\/status$/, "") };
  } else if (first === undefined || isPlainObject(first)) {
    if (second !== undefined) {
      throw new TypeError(
        `TranslationStatusClient takes (options) or (statusUrl, options); got a second argument (${describe(second)}) after an options object`,
      );
    }
    given = (first ?? {}) as ClientOptions<A>;
  } else {
    throw new TypeError(
      `TranslationStatusClient takes an options object or a status URL string, got ${describe(first)}`,
    );
  }
  validateOptions("client option", CLIENT_OPTION_RULES, given, CLIENT_ALIASES);
  const merged: ClientOptions<A> & typeof CLIENT_DEFAULTS & typeof BUDGET_DEFAULTS = {
    ...CLIENT_DEFAULTS,
    ...BUDGET_DEFAULTS,
    ...fromUrl,
    ...definedOnly(given),
  } as ClientOptions<A> & typeof CLIENT_DEFAULTS & typeof BUDGET_DEFAULTS;
  const baseUrl = checkUrl("baseUrl", merged.baseUrl);
  const statusUrl = checkUrl("statusUrl", merged.statusUrl ?? `${baseUrl}/status`);
  return { ...merged, baseUrl, statusUrl };
}

function isPlainObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
