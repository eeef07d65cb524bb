/** Metadata is echoed in every view, so keep it small. */
export const MAX_METADATA_BYTES = 16_384;
/** Deep nesting would overflow `JSON.stringify` long before the size limit does. */
export const MAX_METADATA_DEPTH = 16;

/** Why `metadata` cannot be stored ("must ..."), or undefined when it can. */
export function metadataProblem(metadata: Record<string, unknown>): string | undefined {
  if (deeperThan(metadata, MAX_METADATA_DEPTH)) {
    return `must not nest deeper than ${MAX_METADATA_DEPTH} levels`;
  }
  const bytes = Buffer.byteLength(JSON.stringify(metadata));
  if (bytes > MAX_METADATA_BYTES) {
    return `must serialize to at most ${MAX_METADATA_BYTES} bytes, got ${bytes}`;
  }
  return undefined;
}

// Recursion stops at `limit`, so the stack stays shallow whatever the input.
function deeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== "object") return false;
  if (limit === 0) return true;
  return Object.values(value).some((child) => deeperThan(child, limit - 1));
}
