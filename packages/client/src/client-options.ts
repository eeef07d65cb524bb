import { BUDGET_DEFAULTS, RequestBudget } from "./budget.js";
import { systemClock } from "./internal/clock.js";
import { identityHeaders } from "./internal/identity.js";
import { describe, validateOptions } from "./internal/validate.js";
import { CLIENT_ALIASES, CLIENT_OPTION_RULES } from "./option-rules.js";
import { CLIENT_DEFAULTS, checkUrl, type ClientOptions } from "./options.js";
import type { ApiName, ApiProfile, StatusMap } from "./profiles/types.js";
import type { TransportSettings } from "./transport/http.js";
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

/** A job id as a call takes it; a TypeError naming `jobId` otherwise. */
export function checkJobId(jobId: string): string {
  if (typeof jobId !== "string" || jobId.length === 0) {
    throw new TypeError(`Option "jobId" must be a non-empty string, got ${JSON.stringify(jobId)}`);
  }
  return jobId;
}

const JOB_STATUSES: readonly string[] = ["pending", "completed", "error", "cancelled"];

/** The `statusMap` option, copied; a TypeError naming it when a name maps to no status of ours. */
export function checkStatusMap(map: StatusMap): StatusMap {
  for (const [name, status] of Object.entries(map)) {
    if (!JOB_STATUSES.includes(status)) {
      throw new TypeError(
        `Option "statusMap" maps ${JSON.stringify(name)} to ${JSON.stringify(status)}; expected one of ${JOB_STATUSES.join(", ")}`,
      );
    }
  }
  return { ...map };
}

/** The key in `X-Api-Key` (or the API's own header); a TypeError naming `apiKey` if invalid. */
export function apiKeyHeader(
  apiKey: string | undefined,
  header = "x-api-key",
): Record<string, string> {
  if (apiKey === undefined) return {};
  if (typeof apiKey !== "string" || !/^[\x21-\x7e]+$/.test(apiKey)) {
    throw new TypeError('Option "apiKey" must be a non-empty string of visible ASCII characters');
  }
  return { [header]: apiKey };
}

/** What every request of a client shares: fetch, clock, budget, headers, limits. */
export function transportOf<A extends ApiName>(
  resolved: ResolvedClientOptions<A>,
  profile: ApiProfile,
): TransportSettings {
  const fetchImpl = resolved.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof fetchImpl !== "function") {
    throw new TypeError('Option "fetch" is required where no global fetch exists');
  }
  const clock = resolved.clock ?? systemClock;
  const { maxRequestsPerSecond, maxConcurrentRequests } = resolved;
  return {
    fetch: fetchImpl,
    clock,
    budget: new RequestBudget({ maxRequestsPerSecond, maxConcurrentRequests }, clock),
    headers: {
      ...identityHeaders(resolved.clientName),
      ...apiKeyHeader(resolved.apiKey, profile.apiKeyHeader),
      ...resolved.headers,
    },
    requestTimeoutMs: resolved.requestTimeoutMs,
    maxResponseBytes: resolved.maxResponseBytes,
  };
}
