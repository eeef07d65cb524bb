import ms from "ms";

/**
 * Reads a duration for an option: a number with a unit (`1500ms`, `60s`, `2m`, `1h`) or a bare
 * number of seconds, as the original design's `max_wait=60` meant.
 */
export function parseDuration(value: string): number {
  const trimmed = value.trim();
  const result = /^\d+(\.\d+)?$/.test(trimmed)
    ? Number(trimmed) * 1000
    : ms(trimmed as Parameters<typeof ms>[0]);
  if (typeof result !== "number" || !Number.isFinite(result) || result < 0) {
    throw new Error(`"${value}" is not a duration (try 500ms, 10s, 2m)`);
  }
  return result;
}

/** `1.2 s`, `850 ms`, `2 min 5 s`: short and readable on a live line. */
export function formatDuration(millis: number): string {
  if (millis < 1_000) return `${Math.round(millis)} ms`;
  if (millis < 60_000) return `${(millis / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(millis / 60_000);
  const seconds = Math.round((millis % 60_000) / 1_000);
  return `${minutes} min ${seconds} s`;
}
