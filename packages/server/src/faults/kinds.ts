/**
 * What an injected fault looks like to the client:
 * - `500`: a JSON error, code `injected_fault`.
 * - `502`, `503`: an HTML error page, as a proxy in front of the server would send; 503 with
 *   `Retry-After`.
 * - `429`: a JSON error, code `rate_limited`, with `Retry-After`.
 * - `reset`: the connection is reset without an answer.
 * - `hang`: the request is accepted and never answered.
 * - `truncated`: the real answer's status and headers, `Content-Length` of the full body, part
 *   of the body, then the connection is dropped.
 * - `slow`: the real answer, dribbled out a few bytes at a time.
 */
export const FAULT_KINDS = [
  "500",
  "502",
  "503",
  "429",
  "reset",
  "hang",
  "truncated",
  "slow",
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export function isFaultKind(value: unknown): value is FaultKind {
  return FAULT_KINDS.includes(value as FaultKind);
}

/** Faults that answer in place of the server: the request never reaches its handler. */
export const REPLACING_KINDS: ReadonlySet<FaultKind> = new Set(["500", "502", "503", "429"]);
