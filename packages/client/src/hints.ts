import { parseRetryAfter } from "./transport/retry-after.js";
import { findLink, parseLinkHeader } from "./transport/link.js";
import type { StatusSnapshot } from "./types.js";

/**
 * What a response says about when to ask again and how. All optional: a server may give none
 * (the original `/status`), some, or all of them.
 */
export interface ServerHints {
  /** `Poll-After-Ms`: the server's suggested delay before the next request, in ms. */
  pollAfterMs: number | undefined;
  /** `Retry-After`, in ms (delay-seconds or an HTTP date). */
  retryAfterMs: number | undefined;
  /** The server's estimate of when the job completes, in epoch ms, from `estimatedCompletionAt`. */
  estimatedCompletionAt: number | undefined;
  /** Server-sent events URL, from `Link: <...>; rel="events"`. */
  eventsUrl: string | undefined;
  /** Whether the server takes `Prefer: wait=N` here, from `Link: <...>; rel="long-poll"`. */
  longPoll: { url: string; maxWaitMs: number | undefined } | undefined;
  /** `Preference-Applied: wait=N`: how long the server agreed to hold this request, in ms. */
  waitAppliedMs: number | undefined;
}

/** One status and everything the response said besides. */
export interface Observation {
  snapshot: StatusSnapshot;
  hints: ServerHints;
}

/** Reads every hint of a response. `now` is the epoch time used for an HTTP-date Retry-After. */
export function readHints(headers: Headers, body: unknown, url: string, now: number): ServerHints {
  const links = parseLinkHeader(headers.get("link"));
  const events = findLink(links, "events", url);
  const longPoll = findLink(links, "long-poll", url);
  const maxWait = Number(longPoll?.params["max-wait"]);
  return {
    pollAfterMs: nonNegative(Number(headers.get("poll-after-ms") ?? Number.NaN)),
    retryAfterMs: parseRetryAfter(headers.get("retry-after"), now),
    estimatedCompletionAt: dateField(body, "estimatedCompletionAt"),
    eventsUrl: events?.url,
    longPoll: longPoll && {
      url: longPoll.url,
      maxWaitMs: Number.isFinite(maxWait) && maxWait >= 0 ? maxWait * 1000 : undefined,
    },
    waitAppliedMs: appliedWait(headers.get("preference-applied")),
  };
}

export const NO_HINTS: ServerHints = {
  pollAfterMs: undefined,
  retryAfterMs: undefined,
  estimatedCompletionAt: undefined,
  eventsUrl: undefined,
  longPoll: undefined,
  waitAppliedMs: undefined,
};

/** The `wait` of a `Preference-Applied` header (RFC 7240), in ms. */
function appliedWait(value: string | null): number | undefined {
  const match = /(?:^|[\s,;])wait\s*=\s*"?(\d+)"?/i.exec(value ?? "");
  return match ? Number(match[1]) * 1000 : undefined;
}

function nonNegative(value: number): number | undefined {
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** An ISO date field of a JSON object body, in epoch ms. */
export function dateField(body: unknown, name: string): number | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  if (typeof value !== "string") return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}
