import type { ServerResponse } from "node:http";

/**
 * Requests accepted and never answered (the `hang` fault). No timer: each is forgotten when its
 * client goes away, and `destroyAll` drops the connections on shutdown.
 */
export class Hangs {
  readonly #held = new Set<ServerResponse>();
  #closed = false;

  /** Requests hanging right now. */
  get size(): number {
    return this.#held.size;
  }

  /** Leaves `response` unanswered until its client goes away or the server closes. */
  hold(response: ServerResponse): void {
    if (this.#closed || response.destroyed) {
      response.destroy();
      return;
    }
    this.#held.add(response);
    response.once("close", () => this.#held.delete(response));
  }

  /** Drops every hanging connection and hangs no more; for `app.close()`. */
  destroyAll(): void {
    this.#closed = true;
    for (const response of [...this.#held]) response.destroy();
    this.#held.clear();
  }
}
