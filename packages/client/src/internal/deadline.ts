/**
 * What a request that starts just before its wait's deadline is still given, so the last poll
 * (which the schedule places at the deadline) can be answered by a nearby server while the
 * wait still settles within about 100 ms of `maxWaitMs`.
 */
export const DEADLINE_GRACE_MS = 50;

/**
 * A request's timeout within a wait: its own timeout, cut to the time left before `deadline`
 * (plus the grace), so a hung server or a stalled body cannot hold a wait past its deadline.
 */
export function timeoutWithin(
  timeoutMs: number,
  deadline: number | undefined,
  now: number,
): number {
  if (deadline === undefined) return timeoutMs;
  return Math.max(1, Math.min(timeoutMs, Math.max(0, deadline - now) + DEADLINE_GRACE_MS));
}
