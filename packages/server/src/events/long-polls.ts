import type { ServerResponse } from "node:http";
import type { JobRecord } from "../jobs/record.js";
import type { JobWatch } from "./job-watch.js";
import type { Scheduler } from "./scheduler.js";

/** Why a held request was let go. */
export type HoldOutcome = "changed" | "timeout" | "disconnected" | "shutdown";

/**
 * Held requests (RFC 7240 `Prefer: wait`). Each one is a listener on its job's watch plus one
 * deadline in the shared scheduler, with no timer of its own; a client that goes away is removed
 * at once, and `releaseAll` lets everyone go on shutdown.
 */
export class LongPolls {
  readonly #scheduler: Scheduler;
  readonly #watch: JobWatch;
  readonly #held = new Set<(outcome: HoldOutcome) => void>();
  #closed = false;

  constructor(scheduler: Scheduler, watch: JobWatch) {
    this.#scheduler = scheduler;
    this.#watch = watch;
  }

  /** Requests being held right now. */
  get size(): number {
    return this.#held.size;
  }

  /**
   * Resolves when the pending job `record` changes status, at `deadline` (ms since the epoch),
   * when `response`'s connection closes, or on `releaseAll`, whichever comes first.
   */
  hold(record: JobRecord, deadline: number, response: ServerResponse): Promise<HoldOutcome> {
    if (this.#closed) return Promise.resolve("shutdown");
    if (response.destroyed || response.writableEnded) return Promise.resolve("disconnected");
    return new Promise((resolve) => {
      const release = (outcome: HoldOutcome) => {
        if (!this.#held.delete(release)) return;
        stopWatching();
        cancelDeadline();
        response.off("close", onClose);
        resolve(outcome);
      };
      const onClose = () => release("disconnected");
      this.#held.add(release);
      const stopWatching = this.#watch.watch(record, () => release("changed"));
      const cancelDeadline = this.#scheduler.schedule(deadline, () => release("timeout"));
      // The response, not the request: it closes only when the answer is sent or the
      // connection drops, never merely because the request body has been read.
      response.once("close", onClose);
    });
  }

  /**
   * Like `hold`, for several pending jobs at once: resolves as soon as any of them changes
   * status (one listener per job, one deadline), for a batch read with `Prefer: wait`.
   */
  holdAny(records: JobRecord[], deadline: number, response: ServerResponse): Promise<HoldOutcome> {
    if (this.#closed) return Promise.resolve("shutdown");
    if (response.destroyed || response.writableEnded) return Promise.resolve("disconnected");
    return new Promise((resolve) => {
      const release = (outcome: HoldOutcome) => {
        if (!this.#held.delete(release)) return;
        for (const stop of stops) stop();
        cancelDeadline();
        response.off("close", onClose);
        resolve(outcome);
      };
      const onClose = () => release("disconnected");
      this.#held.add(release);
      const stops = records.map((record) => this.#watch.watch(record, () => release("changed")));
      const cancelDeadline = this.#scheduler.schedule(deadline, () => release("timeout"));
      response.once("close", onClose);
    });
  }

  /** Lets every held request go and holds no more; for `app.close()`. */
  releaseAll(): void {
    this.#closed = true;
    for (const release of [...this.#held]) release("shutdown");
  }
}
