/**
 * Reads `Retry-After` in both of its RFC 9110 forms, delay-seconds and HTTP-date, as ms from
 * `now`. Returns undefined for a missing or unreadable value rather than guessing.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  // Every HTTP-date form starts with a day name; this keeps "-5" from parsing as year -5.
  if (!/^[A-Za-z]/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
