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

/**
 * Links any number of controllers to one signal through a single listener on it: each aborts
 * with the signal's reason. Concurrent requests and sleeps that each listened to one long-lived
 * signal themselves would add a listener apiece (Node warns past ten, and a wait on thousands of
 * jobs has that many); a linked controller's own signal takes theirs instead.
 */
export class AbortFanout {
  readonly #source: AbortSignal;
  readonly #targets = new Set<AbortController>();

  constructor(source: AbortSignal) {
    this.#source = source;
    source.addEventListener(
      "abort",
      () => {
        for (const target of this.#targets) target.abort(source.reason);
        this.#targets.clear();
      },
      { once: true },
    );
  }

  /** Makes `target` abort when the source does, and returns the function that undoes the link. */
  link(target: AbortController): () => void {
    if (this.#source.aborted) {
      target.abort(this.#source.reason);
      return () => {};
    }
    this.#targets.add(target);
    return () => this.#targets.delete(target);
  }

  /** A fresh controller linked to the source, and the function that unlinks it. */
  child(): { signal: AbortSignal; release: () => void } {
    const controller = new AbortController();
    return { signal: controller.signal, release: this.link(controller) };
  }
}

/** Settles as `promise` does, or rejects with the signal's reason as soon as it aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error as Error);
      },
    );
  });
}
