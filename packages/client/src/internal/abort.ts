/**
 * Makes `target` abort when `source` does, and returns the function that undoes the link.
 * `AbortSignal.any` would do, but it is missing from Node 18 and older browsers, and its
 * listeners on a long-lived caller signal are only released by garbage collection.
 */
export function forwardAbort(source: AbortSignal | undefined, target: AbortController): () => void {
  if (!source) return () => {};
  if (source.aborted) {
    target.abort(source.reason);
    return () => {};
  }
  const onAbort = () => target.abort(source.reason);
  source.addEventListener("abort", onAbort, { once: true });
  return () => source.removeEventListener("abort", onAbort);
}
