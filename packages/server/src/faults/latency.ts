/** Added latency, in whole ms: a fixed delay when `min === max`, else uniform in [min, max]. */
export interface LatencyRange {
  min: number;
  max: number;
}

/** The longest latency accepted, from the environment or per job. */
export const MAX_LATENCY_MS = 60_000;

export const NO_LATENCY: LatencyRange = { min: 0, max: 0 };

/**
 * A latency setting as a range, or undefined when it is not one: a whole number of ms or a
 * `[min, max]` pair, each 0..MAX_LATENCY_MS, min <= max.
 */
export function toLatencyRange(value: unknown): LatencyRange | undefined {
  const [min, max] = Array.isArray(value) ? value : [value, value];
  if (Array.isArray(value) && value.length !== 2) return undefined;
  return isLatency(min) && isLatency(max) && min <= max ? { min, max } : undefined;
}

/**
 * `LATENCY_MS`: `"150"` or a range `"20-200"`, or undefined when malformed.
 *
 * @example
 * parseLatency("20-200"); // { min: 20, max: 200 }
 */
export function parseLatency(raw: string): LatencyRange | undefined {
  const match = /^(\d{1,6})(?:\s*-\s*(\d{1,6}))?$/.exec(raw.trim());
  if (match === null) return undefined;
  const min = Number(match[1]);
  return toLatencyRange([min, match[2] === undefined ? min : Number(match[2])]);
}

/** The delay for one request, uniform over the whole milliseconds of the range. */
export function pickLatencyMs({ min, max }: LatencyRange, draw: number): number {
  return Math.min(min + Math.floor(draw * (max - min + 1)), max);
}

function isLatency(value: unknown): value is number {
  return (
    Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_LATENCY_MS
  );
}
