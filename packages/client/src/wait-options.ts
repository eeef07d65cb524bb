import { describe, validateOptions } from "./internal/validate.js";
import { WAIT_ALIASES, WAIT_OPTION_RULES } from "./option-rules.js";
import { WAIT_DEFAULTS, type WaitOptions } from "./options.js";
import type { ScheduleOptions } from "./schedule.js";
import type { WaitMode } from "./types.js";

export type ResolvedOptions = ScheduleOptions & {
  mode: WaitMode;
  maxWaitMs: number;
  maxConsecutiveFailures: number;
  kind: string;
  expectedDurationMs: number | undefined;
  size: number | undefined;
  targetDelayShare: number;
  longPollWaitMs: number;
  streamIdleTimeoutMs: number;
};

/**
 * Checks a wait's options against the one table (unknown names, types, ranges), then applies
 * the defaults by spread: what the caller left out, or set to `undefined`, takes the default.
 */
export function resolveWaitOptions(options: WaitOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`The wait options must be an object, got ${describe(options)}`);
  }
  validateOptions("wait option", WAIT_OPTION_RULES, options, WAIT_ALIASES);
  const given = definedOnly(options);
  const merged = { ...WAIT_DEFAULTS, ...given };
  const resolved: ResolvedOptions = {
    mode: merged.mode,
    maxWaitMs: merged.maxWaitMs,
    pollIntervalMs: given.pollIntervalMs,
    initialIntervalMs: merged.initialIntervalMs,
    backoffFactor: merged.backoffFactor,
    // Setting maxIntervalMs alone lets backoff grow to it, as the name promises.
    maxBackoffMs: given.maxBackoffMs ?? given.maxIntervalMs ?? WAIT_DEFAULTS.maxBackoffMs,
    maxIntervalMs: merged.maxIntervalMs,
    minIntervalMs: merged.minIntervalMs,
    jitter: merged.jitter,
    kind: merged.kind,
    expectedDurationMs: given.expectedDurationMs,
    size: given.size,
    targetDelayShare: merged.targetDelayShare,
    longPollWaitMs: merged.longPollWaitMs,
    streamIdleTimeoutMs: merged.streamIdleTimeoutMs,
    maxConsecutiveFailures: merged.maxConsecutiveFailures,
  };
  if (resolved.minIntervalMs > resolved.maxIntervalMs) {
    throw new TypeError(
      `Option "minIntervalMs" must be at most maxIntervalMs (${resolved.maxIntervalMs}), got ${resolved.minIntervalMs}`,
    );
  }
  return resolved;
}

/** The options actually given: `{ maxWaitMs: undefined }` means "the default", as if absent. */
export function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
